package org.clinicaldatahub.hub.dicom.net;

import java.io.IOException;

/**
 * A PDU that breaks PS3.8: answered with A-ABORT (source service-provider, the given reason) and
 * audited with the reason code. The message names PDU types and offsets only.
 */
public class PduException extends IOException {

    private final int abortReason;
    private final String reasonCode;

    /**
     * @param abortReason A-ABORT reason (PS3.8 9.3.8): {@link Pdus#ABORT_UNRECOGNIZED_PDU},
     *                    {@link Pdus#ABORT_UNEXPECTED_PDU}, {@link Pdus#ABORT_INVALID_PARAMETER}, ...
     * @param reasonCode  audit reason code, e.g. {@code DICOM_MALFORMED_PDU}
     */
    public PduException(int abortReason, String reasonCode, String message) {
        super(message);
        this.abortReason = abortReason;
        this.reasonCode = reasonCode;
    }

    public int abortReason() {
        return abortReason;
    }

    public String reasonCode() {
        return reasonCode;
    }
}
