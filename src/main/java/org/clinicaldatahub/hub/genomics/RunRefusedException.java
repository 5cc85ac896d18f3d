package org.clinicaldatahub.hub.genomics;

/**
 * A run or loose file the hub will not ingest, with a reason code for the audit trail and a
 * message for the reason file in the error area. Messages name paths inside the run, which the
 * operator may need; they go into the reason file only, never into the audit trail or logs.
 */
public class RunRefusedException extends Exception {

    private final String reasonCode;

    public RunRefusedException(String reasonCode, String message) {
        super(message);
        this.reasonCode = reasonCode;
    }

    public RunRefusedException(String reasonCode, String message, Throwable cause) {
        super(message, cause);
        this.reasonCode = reasonCode;
    }

    /** {@code GENOMICS_*}: a token for the audit trail. */
    public String reasonCode() {
        return reasonCode;
    }
}
