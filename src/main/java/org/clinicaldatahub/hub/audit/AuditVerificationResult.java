package org.clinicaldatahub.hub.audit;

import java.util.List;

/**
 * Outcome of {@link AuditVerifier}: counts, and the first problem found in log order.
 *
 * @param events events read
 * @param checkpoints checkpoints whose signature verified
 * @param unsignedTail events after the last checkpoint, protected by the hash chain only
 * @param nodes node ids whose chains were checked
 * @param problem the first problem, or null when the log is intact
 */
public record AuditVerificationResult(long events, long checkpoints, long unsignedTail, List<String> nodes,
                                      Problem problem) {

    public AuditVerificationResult {
        nodes = List.copyOf(nodes);
    }

    /** What kind of damage was found. */
    public enum Kind {
        /** An event's content differs from what was chained and signed, or it cannot be read. */
        CHANGED_EVENT("changed event"),
        /** An event is missing: a sequence gap, or fewer events than the checkpoint signed. */
        REMOVED_EVENT("removed event"),
        /** An event is present that was not signed, or appears twice. */
        INSERTED_EVENT("inserted event"),
        /** Events are present but out of order. */
        REORDERED_EVENTS("reordered events"),
        /** The log ends before the final checkpoint of a clean shutdown. */
        TRUNCATED_TAIL("truncated tail"),
        /** A checkpoint signature does not verify with the public key. */
        BAD_SIGNATURE("broken signature"),
        /** Events are chained correctly but the checkpoint that signed them is gone. */
        REMOVED_CHECKPOINT("removed checkpoint"),
        /** A checkpoint cannot be read, is not canonical, or does not fit the ranges before it. */
        CHANGED_CHECKPOINT("changed checkpoint");

        private final String text;

        Kind(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    /**
     * Where and what.
     *
     * @param segment segment file name
     * @param line 1-based line in that file
     * @param seq sequence number concerned (for a removed event, the missing one)
     */
    public record Problem(Kind kind, String segment, long line, long seq, String detail) {
    }

    public boolean intact() {
        return problem == null;
    }

    /** {@code OK: N events, M checkpoints} or {@code TAMPERED: <what> at <file>:<line> (seq N)}. */
    public String summary() {
        if (problem == null) {
            String tail = unsignedTail > 0 ? ", unsigned tail of " + unsignedTail + " events" : "";
            return "OK: " + events + " events, " + checkpoints + " checkpoints" + tail;
        }
        String detail = problem.detail() == null ? "" : " (" + problem.detail() + ")";
        return "TAMPERED: " + problem.kind().text() + detail + " at " + problem.segment() + ":" + problem.line()
                + " (seq " + problem.seq() + ")";
    }

    @Override
    public String toString() {
        return summary();
    }
}
