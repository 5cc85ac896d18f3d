package org.clinicaldatahub.hub.deid;

/** A de-identification profile cannot be used; the message names the file and line of each problem. */
public class InvalidDeidProfileException extends RuntimeException {

    public InvalidDeidProfileException(String message) {
        super(message);
    }
}
