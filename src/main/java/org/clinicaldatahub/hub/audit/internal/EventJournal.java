package org.clinicaldatahub.hub.audit.internal;

import java.io.Closeable;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.clinicaldatahub.hub.audit.AuditUnavailableException;
import org.clinicaldatahub.hub.audit.FsyncPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sequencing, hash chaining and group commit of audit lines. Recording threads take one short
 * lock to get the next sequence number, build their line, hash it and add it to the pending
 * batch (the line itself is rendered before, see {@link EventLineTemplate}). A commit swaps the
 * batch out and hands it to {@link SegmentCommitter}, which writes it (with the signed checkpoint
 * when one is due); then it is forced per {@link FsyncPolicy} and the durable waiters are released.
 * <p>Writes are serialized by the commit lock, fsyncs by the force lock, and a batch is forced
 * after the commit lock is released: while one batch is being forced the next can be written.
 * A thread that must wait for its events before answering a sender ({@link #awaitDurable})
 * writes the pending batch itself when no write is running and forces it (leader/follower group
 * commit): the common case then costs one write and one fsync on the caller's own thread, not
 * two thread hand-offs, which on two loaded cores cost more than the fsync. Threads that find a
 * write running wait for the writer thread, which also commits on the batch delay, serves
 * flushes and signs the interval checkpoints. A channel can also start the commit of its receipt
 * early ({@link #whenDurable}, done by the writer thread while the channel publishes) and then
 * only needs its later events written ({@link #awaitWritten}: one write, no fsync, not held up by
 * a running fsync). Signing (about 2 ms with the JDK's Ed25519) runs on a recording thread only
 * when a segment rolls.
 * If a write fails the log becomes unavailable: waiters fail, new appends throw
 * {@link AuditUnavailableException}, and the writer retries the same bytes every second until
 * the disk takes them again. Events already sequenced are never dropped, so the chain has no gap.
 */
public final class EventJournal implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(EventJournal.class);
    private static final int FLUSH_THRESHOLD_BYTES = 1 << 20;
    private static final long MAX_PENDING_BYTES = 64L << 20;
    private static final long APPEND_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** Builds the line of the event with the given sequence number and chain link. */
    public interface LineFactory {
        byte[] line(long seq, String prevHex);
    }

    /** Result of an append: the sequence number and, when asked for, a future completed once durable. */
    public record Appended(long seq, CompletableFuture<Long> durable) {
    }

    /** @param early started by {@link #whenDurable}: may wait for the commit delay (or {@link #hurry}) */
    private record Waiter(long seq, CompletableFuture<Long> future, boolean early, long sinceNanos) {
    }

    private final FsyncPolicy policy;
    private final SegmentCommitter committer;
    private final long maxDelayNanos;
    private final long commitDelayNanos;
    private final Thread writer;

    private final ReentrantLock lock = new ReentrantLock();
    /** Held for a whole commit, so batches reach the file in sequence order. Taken before {@link #lock}. */
    private final ReentrantLock commitLock = new ReentrantLock();
    /**
     * Serializes the fsyncs, which run after the commit lock is released: while one batch is
     * forced, the next can already be written. Taken after {@link #commitLock} when both are held.
     */
    private final ReentrantLock forceLock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final Condition space = lock.newCondition();
    private final MessageDigest digest = Sha256.newDigest();
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private final List<CompletableFuture<Void>> flushWaiters = new ArrayList<>();
    private long lastSeq;
    private byte[] head;
    private PendingBatch pending = new PendingBatch();
    private PendingBatch spare = new PendingBatch();
    private long pendingSinceNanos;
    /** Guarded by {@link #lock}: waiters that must not wait for the commit delay (0 when none). */
    private int urgentWaiters;
    /** Guarded by {@link #lock}: when the oldest early waiter not yet taken by a commit arrived (0 when none). */
    private long earlySinceNanos;
    /** Guarded by {@link #lock}: a thread blocks on an early waiter; commit now. */
    private boolean hurried;
    /**
     * Guarded by {@link #lock}: whether the writer is parked waiting for work, and until when.
     * Recording threads wake it only for a deadline earlier than that: every wake-up is two
     * context switches, and on a virtual machine those cost about as much as the fsync itself
     * (measured: the writer woke about five times per fsync before).
     */
    private boolean writerParked;
    private long writerParkedUntil;
    /** Times the parked writer woke up (signalled or timed out); volatile for diagnostics. */
    private volatile long writerWakeups;
    private boolean closing;
    private IOException failure;
    private long failedAtNanos;

    private volatile long durableSeq;
    /** Last event written to the segment (in the page cache), forced or not; at least {@link #durableSeq}. */
    private volatile long writtenSeq;
    /** Guarded by {@link #lock}: when a write-only commit first left lines unforced. */
    private long unforcedSinceNanos;
    private volatile long signedTo;

    public EventJournal(String node, FsyncPolicy policy, SegmentStore store, Checkpointer checkpointer,
                        long maxDelayNanos, long lastSeq, byte[] head) {
        this(node, policy, store, checkpointer, maxDelayNanos, 0, lastSeq, head);
    }

    /**
     * @param commitDelayNanos how long a commit started early ({@link #whenDurable}) waits for
     *                         more receipts before it forces, unless someone blocks on it first
     *                         ({@link #hurry}); 0 forces at once
     */
    public EventJournal(String node, FsyncPolicy policy, SegmentStore store, Checkpointer checkpointer,
                        long maxDelayNanos, long commitDelayNanos, long lastSeq, byte[] head) {
        this.commitDelayNanos = Math.max(0, commitDelayNanos);
        this.policy = policy;
        this.committer = new SegmentCommitter(policy, store, checkpointer, forceLock);
        this.maxDelayNanos = Math.max(0, maxDelayNanos);
        this.lastSeq = lastSeq;
        this.head = head.clone();
        this.durableSeq = lastSeq;
        this.writtenSeq = lastSeq;
        this.signedTo = checkpointer.coveredTo();
        this.writer = new Thread(this::runWriter, "audit-writer-" + node);
        this.writer.setDaemon(true);
    }

    public void start() {
        writer.start();
    }

    /**
     * Sequences, chains and queues one line.
     *
     * @param durable true to get a future that completes once the line is forced (or written, under NONE)
     * @throws AuditUnavailableException when the log is closed, failing, or the writer is stalled
     */
    public Appended append(LineFactory factory, boolean durable) {
        lock.lock();
        try {
            awaitSpace();
            return appendLocked(factory, durable);
        } finally {
            lock.unlock();
        }
    }

    private Appended appendLocked(LineFactory factory, boolean durable) {
        long seq = lastSeq + 1;
        byte[] line = factory.line(seq, Hex.encode(head));
        byte[] hash = digest.digest(line);
        boolean wasEmpty = pending.isEmpty();
        pending.add(seq, line, hash);
        lastSeq = seq;
        head = hash;
        CompletableFuture<Long> future = null;
        if (durable || policy == FsyncPolicy.ALWAYS) {
            future = new CompletableFuture<>();
            waiters.add(new Waiter(seq, future, false, 0));
            urgentWaiters++;
            work.signal();
        } else if (wasEmpty) {
            pendingSinceNanos = System.nanoTime();
            wakeWriterBy(pendingSinceNanos + maxDelayNanos);
        } else if (pending.size() >= FLUSH_THRESHOLD_BYTES) {
            work.signal();
        }
        return new Appended(seq, future);
    }

    /**
     * Completes once every event up to {@code seq} is durable: lets a channel record its steps
     * cheaply and wait once, before the ACK, for all of them (one group commit).
     */
    public CompletableFuture<Long> whenDurable(long seq) {
        return whenDurable(seq, commitDelayNanos > 0);
    }

    /** @param early whether the commit may wait for the commit delay (or {@link #hurry}) */
    private CompletableFuture<Long> whenDurable(long seq, boolean early) {
        lock.lock();
        try {
            if (durableSeq >= seq) {
                return CompletableFuture.completedFuture(seq);
            }
            checkAvailable();
            CompletableFuture<Long> future = new CompletableFuture<>();
            long now = System.nanoTime();
            Waiter waiter = new Waiter(seq, future, early, now);
            if (!early) {
                urgentWaiters++;
            } else if (earlySinceNanos == 0) {
                earlySinceNanos = now;
            }
            if (waiters.isEmpty() || waiters.peekLast().seq() <= seq) {
                waiters.addLast(waiter);
            } else {
                List<Waiter> ordered = new ArrayList<>(waiters);
                ordered.add(waiter);
                ordered.sort(java.util.Comparator.comparingLong(Waiter::seq));
                waiters.clear();
                waiters.addAll(ordered);
            }
            if (early) {
                wakeWriterBy(earlySinceNanos + commitDelayNanos);
            } else {
                work.signal();
            }
            return future;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns once every event up to {@code seq} is durable. When no force is running the caller
     * leads: it writes the pending batch (its own events and whatever other threads appended
     * meanwhile) and forces it on its own thread (leader/follower group commit). When a force is
     * running it follows: the writer thread writes and forces again right after it, for every
     * thread that waited meanwhile.
     *
     * @throws AuditUnavailableException when the log cannot write or is closed
     */
    public void awaitDurable(long seq) {
        if (durableSeq >= seq) {
            return;
        }
        if (forceLock.tryLock()) {
            IOException error;
            try {
                error = forceWritten(seq);
            } finally {
                forceLock.unlock();
            }
            if (error != null) {
                throw new AuditUnavailableException("audit log cannot write: " + error, error);
            }
            if (durableSeq >= seq) {
                return;
            }
        }
        // a follower blocks already: no commit delay for it
        await(whenDurable(seq, false));
    }

    /** Caller holds the commit lock: writes the pending batch, if any, without forcing it. */
    private void writePendingAsLeader() {
        PendingBatch batch;
        lock.lock();
        try {
            if (closing || failure != null || pending.isEmpty()) {
                return;
            }
            batch = takePending();
        } finally {
            lock.unlock();
        }
        writeLocked(batch, false, false, false);
    }

    /**
     * Returns once every event up to {@code seq} is written to the segment, forced or not: it
     * then survives a crash of the process (kill -9), though not of the machine, and is forced by
     * the next force, at the latest after the batch delay. The caller writes the pending batch
     * itself (one write, no fsync), after the running write if there is one; a running fsync
     * does not hold it up.
     *
     * @throws AuditUnavailableException when the log cannot write or is closed
     */
    public void awaitWritten(long seq) {
        if (writtenSeq >= seq) {
            return;
        }
        if (policy == FsyncPolicy.ALWAYS) {
            awaitDurable(seq);
            return;
        }
        commitLock.lock();
        try {
            if (writtenSeq < seq) {
                lock.lock();
                try {
                    checkAvailable();
                } finally {
                    lock.unlock();
                }
                writePendingAsLeader();
            }
        } finally {
            commitLock.unlock();
        }
        if (writtenSeq < seq) {
            // a failed commit keeps its batch for the writer's retry
            await(whenDurable(seq));
        }
    }

    /**
     * Unless a force already covered {@code seq}: writes what is pending (when no write is
     * running, so the force also covers what was appended while this thread waited for the force
     * lock) and forces everything written. Runs outside the commit lock, so other threads can
     * write the next batch during the fsync; concurrent callers queue on the force lock and the
     * later ones usually find their events covered by the force before them (group commit).
     *
     * @return the error, or null
     */
    private IOException forceWritten(long seq) {
        forceLock.lock();
        try {
            if (durableSeq >= seq) {
                return null;
            }
            // tryLock: a commit that holds the commit lock may itself wait for the force lock
            if (commitLock.tryLock()) {
                try {
                    writePendingAsLeader();
                } finally {
                    commitLock.unlock();
                }
            }
            long covered = writtenSeq;
            if (covered <= durableSeq) {
                return null;
            }
            if (policy != FsyncPolicy.NONE) {
                try {
                    committer.force();
                } catch (IOException e) {
                    failed(e);
                    return e;
                }
            }
            advanceDurable(covered);
            return null;
        } finally {
            forceLock.unlock();
        }
    }

    /**
     * Marks everything up to {@code seq} forced and releases its waiters. Under the force lock,
     * so that a checkpoint's force (commit thread) and a batch's force never set it backwards.
     */
    private void advanceDurable(long seq) {
        forceLock.lock();
        try {
            if (durableSeq >= seq) {
                return;
            }
            durableSeq = seq;
            lock.lock();
            try {
                if (writtenSeq <= seq) {
                    unforcedSinceNanos = 0;
                }
            } finally {
                lock.unlock();
            }
        } finally {
            forceLock.unlock();
        }
        completeWaiters(seq);
    }

    /** Caller holds {@link #lock}: swaps the pending batch for an empty one. */
    private PendingBatch takePending() {
        PendingBatch batch = pending;
        pending = spare != null ? spare : new PendingBatch();
        spare = null;
        space.signalAll();
        return batch;
    }

    /** Writes and forces everything appended so far and covers it with a checkpoint. */
    public void flush() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        lock.lock();
        try {
            checkAvailable();
            flushWaiters.add(done);
            work.signal();
        } finally {
            lock.unlock();
        }
        await(done);
    }

    public long lastSeq() {
        lock.lock();
        try {
            return lastSeq;
        } finally {
            lock.unlock();
        }
    }

    /** Last event written and forced (written only, under NONE). */
    public long durableSeq() {
        return durableSeq;
    }

    /** Last event covered by a checkpoint that is in the file (and forced, unless NONE). */
    public long signedTo() {
        return signedTo;
    }

    /** Null when the log takes events, else the reason it does not. */
    public String unavailableReason() {
        lock.lock();
        try {
            return closing ? "closed" : failure != null ? failure.toString() : null;
        } finally {
            lock.unlock();
        }
    }

    /** Closes without a last event; see {@link #close(LineFactory)}. */
    @Override
    public void close() throws IOException {
        close(null);
    }

    /**
     * Appends {@code lastEvent} (if the log is writable), writes what is pending and the final
     * checkpoint, forces, and stops the writer. The last event and the closing flag are set under
     * one lock, so the batch holding the last event is the one the final checkpoint covers.
     * Idempotent.
     */
    public void close(LineFactory lastEvent) throws IOException {
        lock.lock();
        try {
            if (closing) {
                return;
            }
            if (lastEvent != null && failure == null) {
                appendLocked(lastEvent, false);
            }
            closing = true;
            work.signal();
        } finally {
            lock.unlock();
        }
        try {
            writer.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        commitLock.lock();
        try {
            committer.close();
        } finally {
            commitLock.unlock();
        }
        failWaiters(new AuditUnavailableException("audit log closed before the event was durable"));
    }

    private void awaitSpace() {
        checkAvailable();
        long deadline = System.nanoTime() + APPEND_TIMEOUT_NANOS;
        while (pending.size() >= MAX_PENDING_BYTES) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AuditUnavailableException("audit writer is stalled: " + pending.size() + " bytes pending");
            }
            try {
                space.awaitNanos(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AuditUnavailableException("interrupted while waiting for the audit writer");
            }
            checkAvailable();
        }
    }

    private void checkAvailable() {
        if (closing) {
            throw new AuditUnavailableException("audit log is closed");
        }
        if (failure != null) {
            throw new AuditUnavailableException("audit log cannot write: " + failure, failure);
        }
    }

    private static void await(CompletableFuture<?> future) {
        try {
            future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuditUnavailableException("interrupted while waiting for the audit log");
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof AuditUnavailableException a ? a
                    : new AuditUnavailableException("audit log failed: " + cause, cause);
        }
    }

    private void runWriter() {
        while (true) {
            lock.lock();
            try {
                long now = System.nanoTime();
                while (!ready(now)) {
                    long wait = waitNanos(now);
                    writerParked = true;
                    writerParkedUntil = now + wait;
                    try {
                        work.awaitNanos(wait);
                    } catch (InterruptedException e) {
                        // only close() ends the writer
                    } finally {
                        writerParked = false;
                        writerWakeups++;
                    }
                    now = System.nanoTime();
                }
            } finally {
                lock.unlock();
            }
            PendingBatch batch = null;
            List<CompletableFuture<Void>> flushes = List.of();
            boolean finish = false;
            IOException error = null;
            commitLock.lock();
            try {
                lock.lock();
                try {
                    // a leader may have committed what woke the writer while it waited for the commit lock
                    if (ready(System.nanoTime())) {
                        batch = takePending();
                        flushes = new ArrayList<>(flushWaiters);
                        flushWaiters.clear();
                        finish = closing;
                    }
                } finally {
                    lock.unlock();
                }
                if (batch != null) {
                    error = writeLocked(batch, !flushes.isEmpty(), finish, true);
                }
            } finally {
                commitLock.unlock();
            }
            if (batch != null && error == null) {
                error = forceWritten(writtenSeq);
            }
            for (CompletableFuture<Void> f : flushes) {
                if (error == null) {
                    f.complete(null);
                } else {
                    f.completeExceptionally(new AuditUnavailableException("audit flush failed: " + error, error));
                }
            }
            if (finish) {
                if (error != null) {
                    LOG.error("audit log closed with events up to seq {} not on disk: {}", lastSeq(), error.toString());
                }
                return;
            }
        }
    }

    private boolean ready(long now) {
        if (closing) {
            return true;
        }
        if (failure != null) {
            return now - failedAtNanos >= RETRY_NANOS;
        }
        if (!flushWaiters.isEmpty()) {
            return true;
        }
        boolean waitersDue = waitersDue(now);
        if (!pending.isEmpty() && (waitersDue || pending.size() >= FLUSH_THRESHOLD_BYTES
                || now - pendingSinceNanos >= maxDelayNanos)) {
            return true;
        }
        if (unforcedWaiting() && (waitersDue || now - unforcedSinceNanos >= maxDelayNanos)) {
            return true;
        }
        return committer.checkpointDue(now);
    }

    /**
     * Caller holds {@link #lock}: a waiter needs a commit now. Early waiters wait up to the commit
     * delay, so that one fsync covers the receipts of every connection that arrive meanwhile (an
     * fsync costs the same CPU for one receipt as for ten, and on a virtual machine it is mostly
     * CPU); the delay runs while the channel publishes the message, so the sender rarely notices.
     */
    private boolean waitersDue(long now) {
        return urgentWaiters > 0 || hurried || (earlySinceNanos != 0 && now - earlySinceNanos >= commitDelayNanos);
    }

    /**
     * A thread is about to block on an early commit ({@link #whenDurable}): it has nothing else
     * to do meanwhile, so the commit starts now instead of at the end of the commit delay.
     */
    public void hurry() {
        if (commitDelayNanos == 0) {
            return;
        }
        lock.lock();
        try {
            if (earlySinceNanos != 0 && !hurried) {
                hurried = true;
                work.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Times the writer thread woke from waiting for work: each is two context switches. */
    public long writerWakeups() {
        return writerWakeups;
    }

    /** Forces (fsyncs) of the segment so far: with the events recorded, how well group commit batches. */
    public long forces() {
        return committer.forces();
    }

    /**
     * Caller holds {@link #lock}: makes sure the writer looks again by {@code deadlineNanos}. A
     * parked writer is woken only when it would otherwise sleep past the deadline; a busy one
     * re-reads every deadline under the lock before it parks again.
     */
    private void wakeWriterBy(long deadlineNanos) {
        if (writerParked && deadlineNanos - writerParkedUntil < 0) {
            work.signal();
        }
    }

    /** Lines written by a write-only commit wait for a force (never under NONE, which does not force). */
    private boolean unforcedWaiting() {
        return writtenSeq > durableSeq && policy != FsyncPolicy.NONE;
    }

    private long waitNanos(long now) {
        if (failure != null) {
            return Math.max(1, failedAtNanos + RETRY_NANOS - now);
        }
        long wait = IDLE_NANOS;
        if (!pending.isEmpty()) {
            wait = Math.min(wait, pendingSinceNanos + maxDelayNanos - now);
        }
        if (unforcedWaiting()) {
            wait = Math.min(wait, unforcedSinceNanos + maxDelayNanos - now);
        }
        if (earlySinceNanos != 0 && !hurried && urgentWaiters == 0) {
            wait = Math.min(wait, earlySinceNanos + commitDelayNanos - now);
        }
        wait = Math.min(wait, committer.nanosUntilCheckpoint(now));
        return Math.max(wait, 1_000);
    }

    /**
     * Writes one batch under the commit lock (and, when it carries a checkpoint, forces it);
     * returns the error, or null. A batch of events alone is forced afterwards by
     * {@link #forceWritten}, outside the commit lock.
     *
     * @param intervalCheckpoint whether a checkpoint due by count or time is signed in this commit
     *                           (the writer's commits; a leader's only when the segment rolls)
     */
    private IOException writeLocked(PendingBatch taken, boolean flush, boolean finish, boolean intervalCheckpoint) {
        PendingBatch batch;
        try {
            batch = committer.write(taken, flush, finish, intervalCheckpoint);
        } catch (IOException e) {
            failed(e);
            return e;
        }
        if (!batch.isEmpty()) {
            writtenSeq = batch.lastSeq();
        }
        if (committer.forced() || policy == FsyncPolicy.NONE) {
            advanceDurable(writtenSeq);
        } else if (!batch.isEmpty()) {
            lock.lock();
            try {
                if (unforcedSinceNanos == 0) {
                    unforcedSinceNanos = System.nanoTime();
                    wakeWriterBy(unforcedSinceNanos + maxDelayNanos);
                }
            } finally {
                lock.unlock();
            }
        }
        recycle(batch);
        try {
            signedTo = committer.settle(finish);
        } catch (IOException e) {
            failed(e);
            return e;
        }
        recovered();
        return null;
    }

    private void completeWaiters(long upTo) {
        List<Waiter> done = new ArrayList<>();
        lock.lock();
        try {
            while (!waiters.isEmpty() && waiters.peekFirst().seq() <= upTo) {
                Waiter w = waiters.pollFirst();
                if (!w.early()) {
                    urgentWaiters--;
                }
                done.add(w);
            }
            earlySinceNanos = 0;
            hurried = false;
            for (Waiter w : waiters) {
                if (w.early() && (earlySinceNanos == 0 || w.sinceNanos() - earlySinceNanos < 0)) {
                    earlySinceNanos = w.sinceNanos();
                }
            }
        } finally {
            lock.unlock();
        }
        for (Waiter w : done) {
            w.future().complete(w.seq());
        }
    }

    private void failed(IOException error) {
        boolean first;
        lock.lock();
        try {
            first = failure == null;
            failure = error;
            failedAtNanos = System.nanoTime();
        } finally {
            lock.unlock();
        }
        if (first) {
            LOG.error("AUDIT LOG UNAVAILABLE, inputs must be refused until it can write again: {}", error.toString());
        }
        failWaiters(new AuditUnavailableException("audit log cannot write: " + error, error));
    }

    private void recovered() {
        lock.lock();
        try {
            if (failure == null) {
                return;
            }
            failure = null;
        } finally {
            lock.unlock();
        }
        LOG.warn("audit log writable again; events are durable up to seq {}", durableSeq);
    }

    private void failWaiters(AuditUnavailableException error) {
        List<Waiter> failed;
        lock.lock();
        try {
            failed = new ArrayList<>(waiters);
            waiters.clear();
            urgentWaiters = 0;
            earlySinceNanos = 0;
            hurried = false;
        } finally {
            lock.unlock();
        }
        failed.forEach(w -> w.future().completeExceptionally(error));
    }

    private void recycle(PendingBatch written) {
        written.clear();
        lock.lock();
        try {
            if (spare == null) {
                spare = written;
            }
        } finally {
            lock.unlock();
        }
    }
}
