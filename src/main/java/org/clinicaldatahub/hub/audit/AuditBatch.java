package org.clinicaldatahub.hub.audit;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A run of log lines for shipping: the events {@code fromSeq}..{@code toSeq} of one node and the
 * signed checkpoints covering them, exactly as they are in the segment files (the last line is
 * always a checkpoint). Because the lines are unchanged, a shipped batch can be checked with the
 * same verifier and public key as the local log.
 *
 * <p>The lines are kept as the segment's bytes, in blocks of whole {@code \n}-terminated lines
 * ({@link Blocks}), not as one string per line: a round ships up to tens of thousands of lines
 * (megabytes), and one array of that size is a "humongous" object for G1 that starts a
 * concurrent collection cycle each time, while per-line strings were copied three times on the
 * way to the bucket and the topic.
 */
public final class AuditBatch {

    /** Receives one line: {@code length} bytes at {@code offset} in {@code bytes}, without its {@code \n}. */
    @FunctionalInterface
    public interface LineConsumer {
        void line(byte[] bytes, int offset, int length) throws Exception;
    }

    private final String node;
    private final long fromSeq;
    private final long toSeq;
    private final Blocks blocks;

    private AuditBatch(String node, long fromSeq, long toSeq, Blocks blocks) {
        this.node = node;
        this.fromSeq = fromSeq;
        this.toSeq = toSeq;
        this.blocks = blocks;
    }

    /**
     * @param node node whose chain the lines belong to
     * @param fromSeq first event in the batch
     * @param toSeq last event in the batch (the last checkpoint's {@code to})
     * @param lines canonical JSON lines without terminators
     */
    public AuditBatch(String node, long fromSeq, long toSeq, List<String> lines) {
        this(node, fromSeq, toSeq, Blocks.of(lines));
    }

    /** A batch over lines already collected in blocks (the segment reader's way). */
    public static AuditBatch of(String node, long fromSeq, long toSeq, Blocks blocks) {
        return new AuditBatch(node, fromSeq, toSeq, blocks);
    }

    public static AuditBatch empty(String node, long afterSeq) {
        return new AuditBatch(node, afterSeq + 1, afterSeq, new Blocks());
    }

    public String node() {
        return node;
    }

    public long fromSeq() {
        return fromSeq;
    }

    public long toSeq() {
        return toSeq;
    }

    public boolean isEmpty() {
        return blocks.lineCount() == 0;
    }

    /** Number of lines: events and checkpoints. */
    public int lineCount() {
        return blocks.lineCount();
    }

    /** Number of events (not checkpoints) in the batch. */
    public long eventCount() {
        return isEmpty() ? 0 : toSeq - fromSeq + 1;
    }

    /** Size of the batch as a segment-like document, line terminators included. */
    public long byteSize() {
        return blocks.byteSize();
    }

    /** Hands every line to {@code consumer}, in order; the arrays are the batch's own, not copies. */
    public void forEachLine(LineConsumer consumer) throws Exception {
        blocks.forEachLine(consumer);
    }

    /** Writes the lines as one UTF-8 document, each terminated by {@code \n}, like a segment file. */
    public void writeTo(OutputStream out) throws IOException {
        blocks.writeTo(out);
    }

    /** The first line, decoded; null for an empty batch. */
    public String firstLine() {
        String[] first = new String[1];
        try {
            blocks.forEachLine((bytes, offset, length) -> {
                if (first[0] == null) {
                    first[0] = new String(bytes, offset, length, StandardCharsets.UTF_8);
                }
            });
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return first[0];
    }

    /** The lines decoded, for tests and small tools; shippers use {@link #forEachLine} or {@link #writeTo}. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>(blocks.lineCount());
        try {
            blocks.forEachLine((bytes, offset, length) -> lines.add(new String(bytes, offset, length, StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return List.copyOf(lines);
    }

    /** The lines as one UTF-8 document, each line terminated by {@code \n}, like a segment file. */
    public byte[] toBytes() {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 8, byteSize()));
        try {
            writeTo(out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A name for the shipped object that sorts in log order: {@code <node>-<fromSeq>-<toSeq>.log}. */
    public String objectName() {
        return String.format("%s-%020d-%020d.log", node, fromSeq, toSeq);
    }

    /**
     * Lines collected into blocks of at most {@value #BLOCK_BYTES} bytes (a longer line gets a
     * block of its own), each line followed by {@code \n}. Kept under half a G1 region (1 MiB at
     * the smallest), so no block is a humongous allocation.
     */
    public static final class Blocks {

        static final int BLOCK_BYTES = 128 * 1024;

        private final List<byte[]> blocks = new ArrayList<>();
        private final List<Integer> used = new ArrayList<>();
        private int lineCount;
        private long byteSize;

        /** Where the collection stands, to cut it back with {@link #truncate}. */
        public record Mark(int blocks, int lastBlockUsed, int lineCount, long byteSize) {
        }

        static Blocks of(List<String> lines) {
            Blocks blocks = new Blocks();
            for (String line : lines) {
                byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
                blocks.add(bytes, 0, bytes.length);
            }
            return blocks;
        }

        /** Adds one line (without terminator); the bytes are copied. */
        public void add(byte[] line, int offset, int length) {
            int last = blocks.size() - 1;
            if (last < 0 || blocks.get(last).length - used.get(last) < length + 1) {
                blocks.add(new byte[Math.max(BLOCK_BYTES, length + 1)]);
                used.add(0);
                last++;
            }
            byte[] block = blocks.get(last);
            int at = used.get(last);
            System.arraycopy(line, offset, block, at, length);
            block[at + length] = '\n';
            used.set(last, at + length + 1);
            lineCount++;
            byteSize += length + 1;
        }

        public Mark mark() {
            int last = blocks.size() - 1;
            return new Mark(blocks.size(), last < 0 ? 0 : used.get(last), lineCount, byteSize);
        }

        /** Drops every line added after {@code mark}. */
        public void truncate(Mark mark) {
            while (blocks.size() > mark.blocks()) {
                blocks.remove(blocks.size() - 1);
                used.remove(used.size() - 1);
            }
            if (mark.blocks() > 0) {
                used.set(mark.blocks() - 1, mark.lastBlockUsed());
            }
            lineCount = mark.lineCount();
            byteSize = mark.byteSize();
        }

        public int lineCount() {
            return lineCount;
        }

        public long byteSize() {
            return byteSize;
        }

        void forEachLine(LineConsumer consumer) throws Exception {
            for (int b = 0; b < blocks.size(); b++) {
                byte[] block = blocks.get(b);
                int end = used.get(b);
                int start = 0;
                for (int i = 0; i < end; i++) {
                    if (block[i] == '\n') {
                        consumer.line(block, start, i - start);
                        start = i + 1;
                    }
                }
            }
        }

        void writeTo(OutputStream out) throws IOException {
            for (int b = 0; b < blocks.size(); b++) {
                out.write(blocks.get(b), 0, used.get(b));
            }
        }
    }
}
