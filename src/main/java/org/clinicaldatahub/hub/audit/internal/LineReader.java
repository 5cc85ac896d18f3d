package org.clinicaldatahub.hub.audit.internal;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads newline-terminated records with their byte offsets and 1-based line numbers. The last
 * record may lack its terminator (a torn write); {@link Line#terminated()} says so.
 */
public final class LineReader implements Closeable {

    /** One record without its {@code \n}. */
    public record Line(long number, long offset, byte[] bytes, boolean terminated) {

        /** True when the record holds nothing but NUL bytes (blocks zero-filled after a power loss). */
        public boolean isZeroFill() {
            for (byte b : bytes) {
                if (b != 0) {
                    return false;
                }
            }
            return true;
        }
    }

    private final InputStream in;
    private final byte[] buffer = new byte[1 << 16];
    private int position;
    private int limit;
    private long offset;
    private long number;
    private byte[] line = new byte[1024];

    public LineReader(InputStream in) {
        this.in = in;
    }

    /** The next record, or null at the end of the stream. */
    public Line next() throws IOException {
        int length = 0;
        long start = offset;
        while (true) {
            if (position == limit) {
                limit = in.read(buffer, 0, buffer.length);
                position = 0;
                if (limit <= 0) {
                    limit = 0;
                    if (length == 0) {
                        return null;
                    }
                    number++;
                    return new Line(number, start, Arrays.copyOf(line, length), false);
                }
            }
            int end = position;
            while (end < limit && buffer[end] != '\n') {
                end++;
            }
            int chunk = end - position;
            if (length + chunk > line.length) {
                line = Arrays.copyOf(line, Math.max(line.length * 2, length + chunk));
            }
            System.arraycopy(buffer, position, line, length, chunk);
            length += chunk;
            offset += chunk;
            position = end;
            if (end < limit) {
                position++;
                offset++;
                number++;
                return new Line(number, start, Arrays.copyOf(line, length), true);
            }
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
