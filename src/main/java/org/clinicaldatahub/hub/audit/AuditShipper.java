package org.clinicaldatahub.hub.audit;

/**
 * Sends audit lines off the node, e.g. to a WORM bucket with object lock (S3) or a compacted
 * Kafka topic. {@link AuditLog#shipPending(AuditShipper, int)} reads the backlog after the
 * shipped cursor, calls {@link #ship} and advances the cursor only when it returns, so a batch
 * is shipped at least once; implementations make a repeated batch harmless (same object name,
 * idempotent producer).
 */
@FunctionalInterface
public interface AuditShipper {

    /**
     * Ships one batch durably; returns only once the receiving side has it.
     *
     * @throws Exception to leave the cursor where it is and try again later
     */
    void ship(AuditBatch batch) throws Exception;
}
