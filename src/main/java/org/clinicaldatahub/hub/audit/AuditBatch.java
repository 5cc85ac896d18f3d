package org.clinicaldatahub.hub.audit;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A run of log lines for shipping: the events {@code fromSeq}..{@code toSeq} of one node and the
 * signed checkpoints covering them, exactly as they are in the segment files (the last line is
 * always a checkpoint). Because the lines are unchanged, a shipped batch can be checked with the
 * same verifier and public key as the local log.
 *
 * @param node node whose chain the lines belong to
 * @param fromSeq first event in the batch
 * @param toSeq last event in the batch (the last checkpoint's {@code to})
 * @param lines canonical JSON lines without terminators
 */
public record AuditBatch(String node, long fromSeq, long toSeq, List<String> lines) {

    public AuditBatch {
        lines = List.copyOf(lines);
    }

    public static AuditBatch empty(String node, long afterSeq) {
        return new AuditBatch(node, afterSeq + 1, afterSeq, List.of());
    }

    public boolean isEmpty() {
        return lines.isEmpty();
    }

    /** Number of events (not checkpoints) in the batch. */
    public long eventCount() {
        return isEmpty() ? 0 : toSeq - fromSeq + 1;
    }

    /** The lines as one UTF-8 document, each line terminated by {@code \n}, like a segment file. */
    public byte[] toBytes() {
        StringBuilder out = new StringBuilder();
        for (String line : lines) {
            out.append(line).append('\n');
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A name for the shipped object that sorts in log order: {@code <node>-<fromSeq>-<toSeq>.log}. */
    public String objectName() {
        return String.format("%s-%020d-%020d.log", node, fromSeq, toSeq);
    }
}
