package org.clinicaldatahub.hub.storage;

import java.io.IOException;

/** The digest computed while streaming a file differs from the one it came with; nothing was stored. */
public class ChecksumMismatchException extends IOException {

    public ChecksumMismatchException(String message) {
        super(message);
    }
}
