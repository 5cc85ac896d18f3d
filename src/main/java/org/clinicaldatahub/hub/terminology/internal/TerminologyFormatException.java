package org.clinicaldatahub.hub.terminology.internal;

/** A terminology file that does not have the layout its loader reads; the message names file and line. */
public class TerminologyFormatException extends RuntimeException {

    public TerminologyFormatException(String message) {
        super(message);
    }

    public TerminologyFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
