package org.clinicaldatahub.hub.storage;

import java.io.IOException;

/** A file changed (grew, shrank, was touched) while it was streamed to the store; nothing was stored. */
public class FileChangedException extends IOException {

    public FileChangedException(String message) {
        super(message);
    }
}
