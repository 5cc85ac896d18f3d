package org.clinicaldatahub.hub.dicom.net;

import java.io.IOException;

/** The peer aborted the association (A-ABORT received) or closed the connection mid-message. */
public class PeerAbortException extends IOException {

    private final String reasonCode;

    public PeerAbortException(String reasonCode, String message) {
        super(message);
        this.reasonCode = reasonCode;
    }

    /** {@code DICOM_PEER_ABORT} or {@code DICOM_CONNECTION_LOST}. */
    public String reasonCode() {
        return reasonCode;
    }
}
