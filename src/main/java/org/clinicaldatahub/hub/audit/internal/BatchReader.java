package org.clinicaldatahub.hub.audit.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.clinicaldatahub.hub.audit.AuditBatch;

/**
 * Reads whole checkpoint ranges after a sequence number from the segment files, for shipping.
 * It reads only up to a checkpoint the writer has finished, so it never sees a half-written line
 * and every batch it returns ends with a signature. The position after a batch is returned, so
 * the next read continues there instead of rescanning the segment from its start.
 */
public final class BatchReader {

    private BatchReader() {
    }

    /** Where the lines after event {@code afterSeq} begin: a segment and a byte offset in it. */
    public record Position(long afterSeq, Path segment, long offset) {
    }

    /** A batch and the position after it. */
    public record Result(AuditBatch batch, Position next) {
    }

    /**
     * @param after last event already shipped
     * @param signedTo last event covered by a written checkpoint
     * @param maxEvents stop at the first checkpoint at or after this many events
     * @param hint position returned by the previous read, or null
     */
    public static Result read(Path segmentsDir, String node, long after, long signedTo, int maxEvents, Position hint)
            throws IOException {
        if (signedTo <= after) {
            return new Result(AuditBatch.empty(node, after), hint);
        }
        List<Path> segments = SegmentFiles.list(segmentsDir, node);
        int start = 0;
        long startOffset = 0;
        int hinted = hint != null && hint.afterSeq() == after ? segments.indexOf(hint.segment()) : -1;
        if (hinted >= 0) {
            start = hinted;
            startOffset = hint.offset();
        } else {
            for (int i = 0; i < segments.size(); i++) {
                if (SegmentFiles.startSeq(segments.get(i)) <= after + 1) {
                    start = i;
                }
            }
        }
        AuditBatch.Blocks lines = new AuditBatch.Blocks();
        AuditBatch.Blocks.Mark keep = null;
        long events = 0;
        long lastTo = after;
        Position next = hint;
        scan:
        for (int i = start; i < segments.size(); i++) {
            long base = i == start ? startOffset : 0;
            try (LineReader reader = new LineReader(open(segments.get(i), base))) {
                for (LineReader.Line line = reader.next(); line != null && line.terminated(); line = reader.next()) {
                    RecordHead record = RecordHead.readShipping(line.bytes());
                    if (record == null) {
                        throw new IOException("unreadable audit record at " + segments.get(i).getFileName() + ", byte "
                                + (base + line.offset()));
                    }
                    boolean checkpoint = record.isCheckpoint();
                    long seq = checkpoint ? record.to() : record.seq();
                    if (seq <= after) {
                        continue;
                    }
                    if (seq > signedTo) {
                        break scan;
                    }
                    lines.add(line.bytes(), 0, line.bytes().length);
                    if (!checkpoint) {
                        events++;
                        continue;
                    }
                    keep = lines.mark();
                    lastTo = seq;
                    next = new Position(seq, segments.get(i), base + line.offset() + line.bytes().length + 1);
                    if (events >= maxEvents || seq >= signedTo) {
                        break scan;
                    }
                }
            }
        }
        if (keep == null) {
            return new Result(AuditBatch.empty(node, after), hint);
        }
        lines.truncate(keep);
        return new Result(AuditBatch.of(node, after + 1, lastTo, lines), next);
    }

    private static InputStream open(Path segment, long offset) throws IOException {
        FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ);
        channel.position(offset);
        return Channels.newInputStream(channel);
    }
}
