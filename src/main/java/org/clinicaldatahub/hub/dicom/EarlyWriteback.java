package org.clinicaldatahub.hub.dicom;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * The output stream of a received file that starts writing it to disk while it is still arriving:
 * after every {@code step} bytes a background thread forces what is written so far, unless the
 * previous force still runs. A file that is forced before its C-STORE-RSP (the spool) then has
 * only its tail left to write when that final force comes, instead of the whole instance: for a
 * 50 MB instance the disk works while the network delivers, not after. These forces add nothing
 * to durability (the spool's own force decides that) and a failed one is left to it.
 *
 * <p>Closing the stream leaves the channel open: its owner hands it on to the spool, whose final
 * force then needs no second open of the file.
 */
final class EarlyWriteback extends OutputStream {

    private final FileChannel channel;
    private final long step;
    private final ExecutorService forcer;
    private long written;
    private long nextForceAt;
    private Future<?> running;

    EarlyWriteback(FileChannel channel, long step, ExecutorService forcer) {
        this.channel = channel;
        this.step = step;
        this.forcer = forcer;
        this.nextForceAt = step;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        written += len;
        if (written >= nextForceAt) {
            nextForceAt = written + step;
            if (running == null || running.isDone()) {
                running = forcer.submit(() -> {
                    channel.force(false);
                    return null;
                });
            }
        }
    }

    /** Bytes written so far. */
    long written() {
        return written;
    }

    /**
     * Waits for a background force still running (its I/O would delay the final one anyway); the
     * channel stays open for its owner.
     */
    @Override
    public void close() throws IOException {
        try {
            if (running != null) {
                running.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            // an early force failing is not this stream's failure: the final force reports it
        }
    }
}
