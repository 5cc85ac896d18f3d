package org.clinicaldatahub.hub.audit.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.clinicaldatahub.hub.audit.AuditLogCorruptedException;

/**
 * Finds where a node's log ends when it is opened, so the sequence and the hash chain continue
 * across restarts. Only the last segment is read. Its intact records are kept; a torn record
 * after the last newline (or a zero-filled tail after a power loss) is the trace of a kill -9
 * during a write and is truncated and reported. Anything else that does not chain (a record that
 * cannot be read, a broken link, a checkpoint that does not match) is damage or tampering: the
 * log is not opened and nothing is changed, so the verifier can show what happened.
 */
public final class Recovery {

    private Recovery() {
    }

    /**
     * What the log looks like on disk.
     *
     * @param lastSeq sequence number of the last event, 0 for an empty log
     * @param head SHA-256 of the last event's line, or the genesis value
     * @param coveredTo last event covered by a checkpoint
     * @param uncovered line hashes of the events after {@code coveredTo}
     * @param appendTo segment to continue, or null to start a new one
     * @param appendSize intact length of {@code appendTo}
     * @param truncatedBytes bytes removed (torn record, empty segment)
     * @param cleanShutdown true when the log ended with a final checkpoint (or is new)
     */
    public record State(long lastSeq, byte[] head, long coveredTo, List<byte[]> uncovered, Path appendTo,
                        long appendSize, long truncatedBytes, boolean cleanShutdown) {
    }

    public static State recover(Path segmentsDir, String node) throws IOException {
        List<Path> segments = new ArrayList<>(SegmentFiles.list(segmentsDir, node));
        long truncated = 0;
        while (!segments.isEmpty()) {
            Path last = segments.get(segments.size() - 1);
            Scan scan = scan(last);
            if (scan.lastSeq == 0 && !scan.sawCheckpoint) {
                // created by a roll, killed before its first record became complete
                truncated += scan.tornBytes;
                Files.delete(last);
                SegmentStore.forceDirectory(segmentsDir);
                segments.remove(segments.size() - 1);
                continue;
            }
            if (Files.size(last) > scan.goodEnd) {
                // a torn record and/or the zero padding of preallocation
                try (FileChannel channel = FileChannel.open(last, StandardOpenOption.WRITE)) {
                    channel.truncate(scan.goodEnd);
                    channel.force(true);
                }
                truncated += scan.tornBytes;
            }
            long coveredTo = scan.sawCheckpoint ? scan.coveredTo : scan.firstSeq - 1;
            boolean endsWithCheckpoint = scan.uncovered.isEmpty() && scan.sawCheckpoint;
            boolean clean = truncated == 0 && endsWithCheckpoint && Checkpoint.FINAL.equals(scan.lastCause);
            boolean rolled = endsWithCheckpoint && Checkpoint.ROLL.equals(scan.lastCause);
            return new State(scan.lastSeq, scan.head, coveredTo, scan.uncovered, rolled ? null : last,
                    scan.goodEnd, truncated, clean);
        }
        return new State(0, Sha256.genesis(node), 0, List.of(), null, 0, truncated, truncated == 0);
    }

    private static final class Scan {
        long goodEnd;
        long tornBytes;
        long firstSeq;
        long lastSeq;
        byte[] head;
        boolean sawCheckpoint;
        long coveredTo;
        String lastCause;
        final List<byte[]> uncovered = new ArrayList<>();
    }

    private static Scan scan(Path segment) throws IOException {
        Scan scan = new Scan();
        String file = segment.getFileName().toString();
        long zeroFillFrom = -1;
        try (LineReader reader = new LineReader(Files.newInputStream(segment))) {
            for (LineReader.Line line = reader.next(); line != null; line = reader.next()) {
                if (!line.terminated()) {
                    scan.tornBytes = withoutZeroPadding(line.bytes());
                    break;
                }
                if (line.isZeroFill()) {
                    zeroFillFrom = zeroFillFrom < 0 ? line.offset() : zeroFillFrom;
                    continue;
                }
                if (zeroFillFrom >= 0) {
                    throw corrupted(file, line.number(), "zero-filled records before intact ones");
                }
                RecordHead record = RecordHead.read(line.bytes());
                if (record == null) {
                    throw corrupted(file, line.number(), "unreadable record");
                }
                if (record.isEvent()) {
                    event(scan, record, line, file);
                } else if (record.isCheckpoint()) {
                    checkpoint(scan, line, file);
                } else {
                    throw corrupted(file, line.number(), "record of unknown type");
                }
                scan.goodEnd = line.offset() + line.bytes().length + 1;
            }
        }
        return scan;
    }

    /** Length of a torn record once the zero padding after it is ignored. */
    private static long withoutZeroPadding(byte[] tail) {
        int end = tail.length;
        while (end > 0 && tail[end - 1] == 0) {
            end--;
        }
        return end;
    }

    private static void event(Scan scan, RecordHead record, LineReader.Line line, String file) {
        long seq = record.seq();
        String prev = String.valueOf(record.prev());
        if (scan.lastSeq != 0 && (seq != scan.lastSeq + 1 || !prev.equals(Hex.encode(scan.head)))) {
            throw corrupted(file, line.number(), "event does not chain to the one before it (seq " + seq + ")");
        }
        if (scan.lastSeq == 0) {
            scan.firstSeq = seq;
        }
        scan.lastSeq = seq;
        scan.head = Sha256.hash(line.bytes());
        scan.uncovered.add(scan.head);
    }

    private static void checkpoint(Scan scan, LineReader.Line line, String file) {
        Checkpoint cp;
        try {
            cp = Checkpoint.parse(line.bytes());
        } catch (IOException e) {
            throw corrupted(file, line.number(), "unreadable checkpoint");
        }
        if (scan.lastSeq == 0 || cp.to() != scan.lastSeq || !cp.head().equals(Hex.encode(scan.head))
                || cp.count() < scan.uncovered.size()) {
            throw corrupted(file, line.number(), "checkpoint does not match the events before it");
        }
        scan.sawCheckpoint = true;
        scan.coveredTo = cp.to();
        scan.lastCause = cp.cause();
        scan.uncovered.clear();
    }

    private static AuditLogCorruptedException corrupted(String file, long line, String what) {
        return new AuditLogCorruptedException("audit log damaged, not opened: " + what + " at " + file + ":" + line
                + "; run AuditVerifyCommand on the segments directory");
    }
}
