package org.clinicaldatahub.hub.audit;

/**
 * Opening the log found damage that is not a torn last record (a broken chain, an unreadable
 * line in the middle). The log is not opened and nothing is truncated, so the evidence stays as
 * found; run {@link AuditVerifyCommand} on the segments directory and investigate.
 */
public class AuditLogCorruptedException extends AuditUnavailableException {

    private static final long serialVersionUID = 1L;

    public AuditLogCorruptedException(String message) {
        super(message);
    }
}
