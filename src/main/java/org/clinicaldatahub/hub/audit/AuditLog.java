package org.clinicaldatahub.hub.audit;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.clinicaldatahub.hub.audit.internal.BatchReader;
import org.clinicaldatahub.hub.audit.internal.Checkpointer;
import org.clinicaldatahub.hub.audit.internal.EventJournal;
import org.clinicaldatahub.hub.audit.internal.Recovery;
import org.clinicaldatahub.hub.audit.internal.SegmentFiles;
import org.clinicaldatahub.hub.audit.internal.SegmentStore;
import org.clinicaldatahub.hub.audit.internal.ShipCursor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append-only, tamper-evident audit log of one node.
 *
 * <h2>Integrity: hash chain per event, signed checkpoints per batch</h2>
 * Every event carries {@code prev}, the SHA-256 of the previous event's canonical line (the
 * first one chains to a genesis value derived from the node id), so changing, removing, inserting
 * or reordering an event breaks the chain. Signatures are not made per event but on
 * checkpoints: a checkpoint line follows the events it covers every {@code checkpointEvents}
 * events, every {@code checkpointInterval}, at every {@link #flush()}, before a segment rolls and
 * at a clean {@link #close()} ({@code cause: final}). It holds the range, the chain head, an RFC
 * 9162 Merkle root and short per-event digests (for pinpointing), signed with Ed25519 (RFC 8032).
 * The reason is cost: the JDK's Ed25519 signs about 400 to 600 messages per second per core, far
 * below the 20,000 events per second the hub must audit on two cores, while one signature per
 * thousand events costs a few milliseconds on the writer thread and nothing on the recording
 * threads. The price is the unsigned tail: events after the last checkpoint are protected by the
 * chain only, for at most one checkpoint interval, and {@link AuditVerifier} reports them as such.
 *
 * <h2>Durability</h2>
 * Events are appended to {@code <auditDir>/segments/<node>-<startSeq>.log} (one canonical JSON
 * line each) by a writer thread with group commit, forced per {@link FsyncPolicy}. Segments roll
 * by size after a {@code roll} checkpoint. On open, the last segment is recovered: a torn last
 * line from a kill -9 is truncated, the sequence and the chain continue, a {@code recovered}
 * event records the unclean shutdown and the next checkpoint signs the events the crash left
 * unsigned. If the disk is full or unwritable, appends throw {@link AuditUnavailableException}.
 *
 * <h2>Shipping</h2>
 * A cursor file remembers the last event shipped; {@link #shipPending} hands whole signed
 * checkpoint ranges to an {@link AuditShipper}. Local segments are not deleted.
 *
 * <p>One process per node and data directory: the log holds a file lock while open.
 */
public final class AuditLog implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    private static final String ACTOR = "clinical-data-hub";

    private final String node;
    private final Path auditDir;
    private final Path segmentsDir;
    private final Clock clock;
    private final AuditSigningKeys keys;
    private final EventJournal journal;
    private final ShipCursor cursor;
    private final FileChannel lockChannel;
    private final Recovery.State recovered;
    private volatile BatchReader.Position readPosition;

    private AuditLog(Builder b, FileChannel lockChannel, Recovery.State recovered, EventJournal journal,
                     ShipCursor cursor) {
        this.node = b.node;
        this.auditDir = b.auditDir;
        this.segmentsDir = b.auditDir.resolve("segments");
        this.clock = b.clock;
        this.keys = b.keys;
        this.lockChannel = lockChannel;
        this.recovered = recovered;
        this.journal = journal;
        this.cursor = cursor;
    }

    /**
     * Starts configuring a log.
     *
     * @param auditDir directory of the log ({@code <data-dir>/audit}); segments go to {@code segments/} in it
     * @param nodeId this node's id, 1 to 64 of {@code A-Z a-z 0-9 . _ -}
     * @param keys the checkpoint signing key
     */
    public static Builder builder(Path auditDir, String nodeId, AuditSigningKeys keys) {
        return new Builder(auditDir, nodeId, keys);
    }

    /**
     * Appends an event. Under ALWAYS it returns once the event is forced to disk; under BATCH the
     * writer forces it within the batch delay; under NONE it is written but never forced.
     */
    public long append(AuditEvent.Builder event) {
        EventJournal.Appended appended = journal.append(factory(event), false);
        if (appended.durable() != null) {
            await(appended.durable());
        }
        return appended.seq();
    }

    /** Appends an event and returns a future completed with its sequence number once it is durable. */
    public CompletableFuture<Long> appendAsync(AuditEvent.Builder event) {
        return journal.append(factory(event), true).durable();
    }

    /** Appends an event and returns once it is durable (forced to disk, unless the policy is NONE). */
    public long appendDurably(AuditEvent.Builder event) {
        long seq = journal.append(factory(event), false).seq();
        journal.awaitDurable(seq);
        return seq;
    }

    /** Returns once every event up to {@code seq} is durable. */
    public void awaitDurable(long seq) {
        journal.awaitDurable(seq);
    }

    /**
     * Starts making every event up to {@code seq} durable without waiting: the writer thread
     * commits now, while the caller goes on (e.g. publishes the message it just received).
     */
    public CompletableFuture<Long> whenDurable(long seq) {
        return journal.whenDurable(seq);
    }

    /** The caller is about to wait for a future of {@link #whenDurable}: commit now, not after the commit delay. */
    public void hurry() {
        journal.hurry();
    }

    /** Times the writer thread woke from waiting for work since the log opened (diagnostics, tests). */
    public long writerWakeups() {
        return journal.writerWakeups();
    }

    /** Forces (fsyncs) of the local segments since the log opened. */
    public long forces() {
        return journal.forces();
    }

    /**
     * Returns once every event up to {@code seq} is written to the segment file, forced or not:
     * it then survives a crash of the process, and the next group commit forces it.
     */
    public void awaitWritten(long seq) {
        journal.awaitWritten(seq);
    }

    /** Waits for a future of {@link #whenDurable} or {@link #appendAsync}; failures as {@link AuditUnavailableException}. */
    public static long await(CompletableFuture<Long> durable) {
        try {
            return durable.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuditUnavailableException("interrupted while waiting for the audit log");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof AuditUnavailableException a ? a
                    : new AuditUnavailableException("audit log failed: " + cause, cause);
        }
    }

    /** Writes everything appended, signs it with a {@code flush} checkpoint and forces it to disk. */
    public void flush() {
        journal.flush();
    }

    public String nodeId() {
        return node;
    }

    public Path auditDir() {
        return auditDir;
    }

    public Path segmentsDir() {
        return segmentsDir;
    }

    public String keyId() {
        return keys.keyId();
    }

    /** Last sequence number given out. */
    public long lastSeq() {
        return journal.lastSeq();
    }

    /** Last event known durable. */
    public long durableSeq() {
        return journal.durableSeq();
    }

    /** Last event covered by a checkpoint in the file. */
    public long signedSeq() {
        return journal.signedTo();
    }

    /** True while appends are accepted (open, and the last write succeeded). */
    public boolean isAvailable() {
        return journal.unavailableReason() == null;
    }

    /** Bytes of a torn tail truncated when this log was opened (0 after a clean shutdown). */
    public long truncatedBytesOnOpen() {
        return recovered.truncatedBytes();
    }

    /** True when the previous run did not end with a final checkpoint. */
    public boolean recoveredFromUncleanShutdown() {
        return !recovered.cleanShutdown();
    }

    /** Last event shipped, from the cursor file. */
    public long shippedSeq() {
        return cursor.shippedSeq();
    }

    /** Events recorded but not yet shipped. */
    public long unshippedCount() {
        return Math.max(0, lastSeq() - cursor.shippedSeq());
    }

    /**
     * Reads the events after {@code seq} with their checkpoints, as whole signed ranges of at
     * least {@code maxEvents} events (unless fewer are signed yet). Empty when nothing signed follows.
     */
    public AuditBatch readAfter(long seq, int maxEvents) {
        try {
            BatchReader.Result result = BatchReader.read(segmentsDir, node, seq, journal.signedTo(), maxEvents,
                    readPosition);
            readPosition = result.next();
            return result.batch();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read audit segments", e);
        }
    }

    /** Moves the shipped cursor to {@code seq} (never backwards). */
    public void markShipped(long seq) {
        try {
            cursor.advance(seq);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the audit ship cursor", e);
        }
    }

    /**
     * Ships one batch after the cursor and advances the cursor when the shipper returns.
     *
     * @return the number of events shipped, 0 when nothing signed was waiting
     * @throws Exception what the shipper threw; the cursor is unchanged
     */
    public long shipPending(AuditShipper shipper, int maxEvents) throws Exception {
        AuditBatch batch = readAfter(cursor.shippedSeq(), maxEvents);
        if (batch.isEmpty()) {
            return 0;
        }
        shipper.ship(batch);
        markShipped(batch.toSeq());
        return batch.eventCount();
    }

    /** Appends a {@code stopped} event, writes the final checkpoint, forces and releases the log. */
    @Override
    public void close() {
        try {
            journal.close(factory(AuditEvent.builder(AuditStep.STOPPED).actor(ACTOR)));
        } catch (IOException e) {
            LOG.error("audit log did not close cleanly: {}", e.toString());
        } finally {
            try {
                lockChannel.close();
            } catch (IOException e) {
                LOG.debug("lock file close failed", e);
            }
        }
    }

    private EventJournal.LineFactory factory(AuditEvent.Builder event) {
        Objects.requireNonNull(event, "event");
        return event.template(node, clock.instant());
    }

    private void appendLifecycleEvents() {
        if (!recovered.cleanShutdown()) {
            AuditEvent.Builder event = AuditEvent.builder(AuditStep.RECOVERED).actor(ACTOR)
                    .reason(recovered.truncatedBytes() > 0 ? "TORN_TAIL_TRUNCATED" : "UNCLEAN_SHUTDOWN");
            if (recovered.truncatedBytes() > 0) {
                event.ref(AuditRef.TRUNCATED_BYTES, Long.toString(recovered.truncatedBytes()));
            }
            append(event);
            LOG.warn("audit log of node {} recovered after an unclean shutdown at seq {}; {} bytes of a torn tail "
                    + "truncated", node, recovered.lastSeq(), recovered.truncatedBytes());
        }
        append(AuditEvent.builder(AuditStep.STARTED).actor(ACTOR).ref(AuditRef.KEY_ID, keys.keyId()));
    }

    /** Settings of a log; defaults are those of {@code hub.audit.*}. */
    public static final class Builder {

        private final Path auditDir;
        private final String node;
        private final AuditSigningKeys keys;
        private FsyncPolicy fsync = FsyncPolicy.BATCH;
        private Duration batchMaxDelay = Duration.ofMillis(20);
        private Duration commitDelay = Duration.ZERO;
        private long segmentBytes = 64L * 1024 * 1024;
        private int checkpointEvents = 1000;
        private Duration checkpointInterval = Duration.ofSeconds(1);
        private Clock clock = Clock.systemUTC();

        private Builder(Path auditDir, String node, AuditSigningKeys keys) {
            this.auditDir = Objects.requireNonNull(auditDir, "auditDir");
            this.keys = Objects.requireNonNull(keys, "keys");
            if (node == null || !SegmentFiles.NODE_ID.matcher(node).matches()) {
                throw new IllegalArgumentException("node id must be 1 to 64 of A-Z a-z 0-9 . _ -");
            }
            this.node = node;
        }

        public Builder fsync(FsyncPolicy policy) {
            this.fsync = Objects.requireNonNull(policy);
            return this;
        }

        /** Longest time an event waits for the writer under BATCH and NONE. */
        public Builder batchMaxDelay(Duration delay) {
            this.batchMaxDelay = Objects.requireNonNull(delay);
            return this;
        }

        /**
         * How long a commit started early ({@link AuditLog#whenDurable}) waits for more events
         * before it forces, unless a thread blocks on it first ({@link AuditLog#hurry}).
         */
        public Builder commitDelay(Duration delay) {
            this.commitDelay = Objects.requireNonNull(delay);
            return this;
        }

        /** Size at which a segment is closed with a roll checkpoint and a new one begins. */
        public Builder segmentBytes(long bytes) {
            this.segmentBytes = bytes;
            return this;
        }

        /** Sign a checkpoint after this many events or after this long, whichever comes first. */
        public Builder checkpointEvery(int events, Duration interval) {
            this.checkpointEvents = events;
            this.checkpointInterval = Objects.requireNonNull(interval);
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        /**
         * Locks, recovers and opens the log, then records {@code recovered} (after an unclean
         * shutdown) and {@code started}.
         *
         * @throws AuditLogCorruptedException when the log on disk is damaged beyond a torn last line
         * @throws AuditUnavailableException when another process holds the log
         */
        public AuditLog open() throws IOException {
            Path segments = auditDir.resolve("segments");
            Files.createDirectories(segments);
            FileChannel lockChannel = FileChannel.open(auditDir.resolve(node + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                FileLock lock = lockChannel.tryLock();
                if (lock == null) {
                    throw new AuditUnavailableException("audit log of node " + node + " in " + auditDir
                            + " is open in another process");
                }
                Recovery.State state = Recovery.recover(segments, node);
                Checkpointer checkpointer = new Checkpointer(node, keys, clock, checkpointEvents, checkpointInterval,
                        state.coveredTo(), state.uncovered());
                SegmentStore store = new SegmentStore(segments, node, segmentBytes, state.appendTo(), state.appendSize());
                EventJournal journal = new EventJournal(node, fsync, store, checkpointer, batchMaxDelay.toNanos(), commitDelay.toNanos(),
                        state.lastSeq(), state.head());
                AuditLog log = new AuditLog(this, lockChannel, state, journal, new ShipCursor(auditDir, node));
                journal.start();
                try {
                    log.appendLifecycleEvents();
                } catch (RuntimeException e) {
                    journal.close();
                    throw e;
                }
                return log;
            } catch (OverlappingFileLockException e) {
                lockChannel.close();
                throw new AuditUnavailableException("audit log of node " + node + " in " + auditDir
                        + " is already open in this process");
            } catch (IOException | RuntimeException e) {
                lockChannel.close();
                throw e;
            }
        }
    }
}
