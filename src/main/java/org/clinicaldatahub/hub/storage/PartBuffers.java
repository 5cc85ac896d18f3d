package org.clinicaldatahub.hub.storage;

import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A fixed number of part-sized byte arrays, allocated on first need and reused: the reader takes
 * one, a sender gives it back when its part is on the server (or failed). Taking blocks while all
 * are in use, which is what keeps a multi-GB upload's memory flat.
 */
final class PartBuffers {

    private final BlockingQueue<byte[]> free;
    private final int capacity;
    private final int bufferSize;
    private int allocated;

    PartBuffers(int capacity, int bufferSize) {
        this.capacity = capacity;
        this.bufferSize = bufferSize;
        this.free = new ArrayBlockingQueue<>(capacity);
    }

    /** A free buffer; only the reading thread calls this. */
    byte[] take() throws InterruptedIOException {
        byte[] buffer = free.poll();
        if (buffer != null) {
            return buffer;
        }
        if (allocated < capacity) {
            // small files never allocate more buffers than they have parts
            allocated++;
            return new byte[bufferSize];
        }
        try {
            return free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("upload interrupted");
        }
    }

    void give(byte[] buffer) {
        free.offer(buffer);
    }
}
