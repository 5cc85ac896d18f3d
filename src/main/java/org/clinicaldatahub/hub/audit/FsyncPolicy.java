package org.clinicaldatahub.hub.audit;

/**
 * When appended audit events are forced to stable storage (fsync).
 */
public enum FsyncPolicy {
    /** Every append returns only after its event was written and forced: each record is durable. */
    ALWAYS,
    /**
     * Group commit: a writer thread writes and forces batches of events at least every
     * {@code batch-max-delay}; {@code recordDurably} waits for the batch holding its event, and
     * makes the writer commit at once. The default.
     */
    BATCH,
    /** Written by the writer thread but never forced: survives a process crash, not a power loss. */
    NONE
}
