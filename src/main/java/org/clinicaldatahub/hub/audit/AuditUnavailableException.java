package org.clinicaldatahub.hub.audit;

/**
 * The audit trail cannot take an event (disk full or unwritable, log closed, writer stalled,
 * log corrupted). A channel that gets it must refuse the input with a negative acknowledgement
 * instead of processing it unaudited. Messages name files and causes, never data.
 */
public class AuditUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public AuditUnavailableException(String message) {
        super(message);
    }

    public AuditUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
