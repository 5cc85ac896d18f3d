package org.clinicaldatahub.hub.storage;

/** An overwrite or delete of an object on legal hold or pinned was refused. */
public class ObjectProtectedException extends RuntimeException {

    public ObjectProtectedException(String message) {
        super(message);
    }
}
