package org.clinicaldatahub.hub.audit.internal;

import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;
import org.clinicaldatahub.hub.audit.FsyncPolicy;

/**
 * The committing half of the journal: puts a batch of event lines and, when one is due, the
 * signed checkpoint over them into the segment in one pass (forced at once when it holds a
 * checkpoint), then rolls or extends the segment. Events and their checkpoint succeed or fail together: on failure the
 * segment is rolled back to where it was and the batch is kept, to be written again (with any
 * later lines) by the next commit. Used by one committing thread at a time (the journal's commit lock).
 */
final class SegmentCommitter {

    private final FsyncPolicy policy;
    private final SegmentStore store;
    private final Checkpointer checkpointer;
    private PendingBatch retry;
    private Checkpoint written;
    /**
     * Held for every force and for whatever closes the segment's channel (roll-back, end of a
     * segment), because the journal forces outside its commit lock, while the next batch is written.
     */
    private final ReentrantLock forceLock;
    private boolean forced;
    /** Guarded by the force lock; volatile for readers of the metric. */
    private volatile long forces;

    SegmentCommitter(FsyncPolicy policy, SegmentStore store, Checkpointer checkpointer, ReentrantLock forceLock) {
        this.policy = policy;
        this.forceLock = forceLock;
        this.store = store;
        this.checkpointer = checkpointer;
    }

    /**
     * Writes the batch (after whatever a failed commit left) and a checkpoint if one is due. A
     * commit with a checkpoint is forced here (unless the policy is NONE), as are {@code flush} and
     * {@code finish}; {@code finish} always signs (cause {@code final}). A checkpoint due by count
     * or time is signed only when {@code intervalCheckpoint}; one for a roll, a flush or the
     * finish always. A batch of events alone is left for {@link #force()}; {@link #forced()} tells.
     *
     * @return the batch that is now written (possibly larger than {@code taken}), to be recycled
     * @throws IOException when anything failed; nothing of this commit counts as written
     */
    PendingBatch write(PendingBatch taken, boolean flush, boolean finish, boolean intervalCheckpoint) throws IOException {
        PendingBatch batch = taken;
        if (retry != null) {
            retry.addAll(taken);
            batch = retry;
            retry = null;
        }
        long before = store.size();
        boolean counted = false;
        written = null;
        try {
            if (!batch.isEmpty()) {
                checkpointer.written(batch.firstSeq(), batch.hashes(), batch.count());
                counted = true;
                store.write(batch.firstSeq(), batch.data(), batch.size());
            }
            String cause = finish ? Checkpoint.FINAL : store.full() ? Checkpoint.ROLL
                    : flush ? Checkpoint.FLUSH
                    : intervalCheckpoint && checkpointer.due(System.nanoTime()) ? Checkpoint.INTERVAL : null;
            Checkpoint checkpoint = null;
            if (cause != null && checkpointer.uncovered() > 0) {
                checkpoint = checkpointer.build(cause);
                byte[] line = checkpoint.line();
                byte[] terminated = Arrays.copyOf(line, line.length + 1);
                terminated[line.length] = '\n';
                store.write(checkpoint.from(), terminated, terminated.length);
            }
            // A batch of events alone is only written here: the journal forces it after the commit
            // lock is released, so the next batch can be written during the fsync. A checkpoint is
            // forced at once, because a roll ends the segment right after it.
            forced = flush || finish || checkpoint != null && policy != FsyncPolicy.NONE;
            if (forced) {
                force();
            }
            written = checkpoint;
            return batch;
        } catch (IOException | RuntimeException e) {
            forceLock.lock();
            try {
                store.rollBack(before);
            } finally {
                forceLock.unlock();
            }
            if (counted) {
                checkpointer.retract(batch.count());
            }
            retry = batch.isEmpty() ? null : batch;
            throw e instanceof IOException io ? io : new IOException(e);
        }
    }

    /**
     * After the waiters of a successful {@link #write} are released: records the checkpoint,
     * ends the segment after a roll, and extends the segment's preallocation.
     *
     * @return the last event now covered by a written checkpoint
     */
    long settle(boolean finish) throws IOException {
        Checkpoint checkpoint = written;
        written = null;
        if (checkpoint != null) {
            checkpointer.committed(checkpoint);
            if (Checkpoint.ROLL.equals(checkpoint.cause())) {
                forceLock.lock();
                try {
                    store.endSegment();
                } finally {
                    forceLock.unlock();
                }
            }
        }
        if (!finish) {
            store.preallocate();
        }
        return checkpointer.coveredTo();
    }

    /** Forces everything written to the segment so far (fdatasync). */
    void force() throws IOException {
        forceLock.lock();
        try {
            store.force();
            forces++;
        } finally {
            forceLock.unlock();
        }
    }

    /** Forces so far (read without the lock: a metric). */
    long forces() {
        return forces;
    }

    /** Whether the last successful {@link #write} forced the segment (everything written so far). */
    boolean forced() {
        return forced;
    }

    boolean checkpointDue(long nanoNow) {
        return checkpointer.due(nanoNow);
    }

    long nanosUntilCheckpoint(long nanoNow) {
        return checkpointer.nanosUntilDue(nanoNow);
    }

    void close() throws IOException {
        forceLock.lock();
        try {
            store.close();
        } finally {
            forceLock.unlock();
        }
    }
}
