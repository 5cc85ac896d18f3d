package org.clinicaldatahub.hub.dicom;

import org.clinicaldatahub.hub.dicom.net.DimseStatus;

/**
 * A received data set the hub refuses: answered with {@link #status()} and audited with
 * {@link #reasonCode()}. The message names tags only, never values.
 */
public class InstanceRejectedException extends Exception {

    private final transient DimseStatus status;
    private final String reasonCode;

    public InstanceRejectedException(int statusCode, String reasonCode, String comment) {
        super(comment);
        this.status = DimseStatus.of(statusCode, comment);
        this.reasonCode = reasonCode;
    }

    private transient java.nio.file.Path receivedFile;

    /** The bytes as received (Part 10 file), kept for the quarantine; null when nothing whole arrived. */
    public java.nio.file.Path receivedFile() {
        return receivedFile;
    }

    InstanceRejectedException withReceivedFile(java.nio.file.Path file) {
        this.receivedFile = file;
        return this;
    }

    public DimseStatus status() {
        return status;
    }

    public String reasonCode() {
        return reasonCode;
    }
}
