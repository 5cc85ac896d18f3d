package org.clinicaldatahub.hub.audit.internal;

import java.util.Arrays;

/**
 * Lines sequenced but not yet written: their bytes (each ending in {@code \n}) and their
 * SHA-256 hashes packed 32 bytes apiece, for consecutive sequence numbers. Reused between
 * batches, so steady recording allocates no buffers.
 */
final class PendingBatch {

    private byte[] data = new byte[64 * 1024];
    private int size;
    private byte[] hashes = new byte[Sha256.LENGTH * 256];
    private int count;
    private long firstSeq;

    void add(long seq, byte[] line, byte[] hash) {
        if (count == 0) {
            firstSeq = seq;
        } else if (seq != firstSeq + count) {
            throw new IllegalStateException("non-consecutive sequence in batch");
        }
        ensure(line.length + 1, Sha256.LENGTH);
        System.arraycopy(line, 0, data, size, line.length);
        data[size + line.length] = '\n';
        size += line.length + 1;
        System.arraycopy(hash, 0, hashes, count * Sha256.LENGTH, Sha256.LENGTH);
        count++;
    }

    /** Appends the lines of a later batch (retry after a failed write). */
    void addAll(PendingBatch later) {
        if (later.count == 0) {
            return;
        }
        if (count == 0) {
            firstSeq = later.firstSeq;
        } else if (later.firstSeq != firstSeq + count) {
            throw new IllegalStateException("non-consecutive batches");
        }
        ensure(later.size, later.count * Sha256.LENGTH);
        System.arraycopy(later.data, 0, data, size, later.size);
        System.arraycopy(later.hashes, 0, hashes, count * Sha256.LENGTH, later.count * Sha256.LENGTH);
        size += later.size;
        count += later.count;
    }

    private void ensure(int moreData, int moreHashes) {
        if (size + moreData > data.length) {
            data = Arrays.copyOf(data, Math.max(data.length * 2, size + moreData));
        }
        if (count * Sha256.LENGTH + moreHashes > hashes.length) {
            hashes = Arrays.copyOf(hashes, Math.max(hashes.length * 2, count * Sha256.LENGTH + moreHashes));
        }
    }

    void clear() {
        if (data.length > 4 * 1024 * 1024) {
            data = new byte[64 * 1024];
            hashes = new byte[Sha256.LENGTH * 256];
        }
        size = 0;
        count = 0;
        firstSeq = 0;
    }

    boolean isEmpty() {
        return count == 0;
    }

    int size() {
        return size;
    }

    int count() {
        return count;
    }

    long firstSeq() {
        return firstSeq;
    }

    long lastSeq() {
        return firstSeq + count - 1;
    }

    byte[] data() {
        return data;
    }

    byte[] hashes() {
        return hashes;
    }
}
