package org.clinicaldatahub.hub.terminology;

/** No terminology is loaded (the first load failed or is still running); the message names the cause, never data. */
public class TerminologyUnavailableException extends RuntimeException {

    public TerminologyUnavailableException(String message) {
        super(message);
    }
}
