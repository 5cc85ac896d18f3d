package org.clinicaldatahub.hub.genomics;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes BGZF (SAM/BAM specification section 4.1): gzip members of at most 64 KiB, each with the
 * {@code BC} extra field giving its size, ending with the standard empty EOF block. Plain gzip
 * readers read it; samtools, bcftools and tabix can seek in it. Memory: one 64 KiB block.
 */
final class BgzfOutputStream extends FilterOutputStream {

    /** Input per block, leaving room for deflate's overhead on incompressible data. */
    private static final int BLOCK_INPUT = 0xff00;
    private static final byte[] EOF_BLOCK = {
        0x1f, (byte) 0x8b, 0x08, 0x04, 0, 0, 0, 0, 0, (byte) 0xff, 0x06, 0, 0x42, 0x43, 0x02, 0, 0x1b, 0, 0x03, 0, 0, 0,
        0, 0, 0, 0, 0, 0 };

    private final byte[] input = new byte[BLOCK_INPUT];
    private final byte[] compressed = new byte[0x10000];
    private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    private final CRC32 crc = new CRC32();
    private int filled;
    private boolean closed;

    BgzfOutputStream(OutputStream out) {
        super(out);
    }

    @Override
    public void write(int b) throws IOException {
        if (filled == BLOCK_INPUT) {
            writeBlock();
        }
        input[filled++] = (byte) b;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        while (length > 0) {
            if (filled == BLOCK_INPUT) {
                writeBlock();
            }
            int n = Math.min(length, BLOCK_INPUT - filled);
            System.arraycopy(bytes, offset, input, filled, n);
            filled += n;
            offset += n;
            length -= n;
        }
    }

    private void writeBlock() throws IOException {
        deflater.reset();
        deflater.setInput(input, 0, filled);
        deflater.finish();
        int size = deflater.deflate(compressed, 0, compressed.length - 26);
        if (!deflater.finished()) {
            throw new IOException("BGZF block did not fit");
        }
        crc.reset();
        crc.update(input, 0, filled);
        int blockSize = size + 26;
        byte[] header = { 0x1f, (byte) 0x8b, 0x08, 0x04, 0, 0, 0, 0, 0, (byte) 0xff, 0x06, 0, 0x42, 0x43, 0x02, 0,
            (byte) (blockSize - 1), (byte) ((blockSize - 1) >> 8) };
        out.write(header);
        out.write(compressed, 0, size);
        writeInt((int) crc.getValue());
        writeInt(filled);
        filled = 0;
    }

    private void writeInt(int value) throws IOException {
        out.write(value);
        out.write(value >> 8);
        out.write(value >> 16);
        out.write(value >> 24);
    }

    @Override
    public void flush() throws IOException {
        if (filled > 0) {
            writeBlock();
        }
        out.flush();
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (filled > 0) {
                writeBlock();
            }
            out.write(EOF_BLOCK);
            out.flush();
        } finally {
            deflater.end();
            out.close();
        }
    }
}
