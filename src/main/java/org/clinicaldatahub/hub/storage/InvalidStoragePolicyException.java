package org.clinicaldatahub.hub.storage;

/** The storage policy file cannot be used; the message names the file and each problem. */
public class InvalidStoragePolicyException extends RuntimeException {

    public InvalidStoragePolicyException(String message) {
        super(message);
    }
}
