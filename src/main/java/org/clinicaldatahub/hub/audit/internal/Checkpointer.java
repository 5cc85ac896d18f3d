package org.clinicaldatahub.hub.audit.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.clinicaldatahub.hub.audit.AuditSigningKeys;

/**
 * Collects the hashes of events written since the last checkpoint and makes the next signed
 * {@link Checkpoint}. Changed by the committing thread (one at a time) and read by the journal's
 * writer thread to decide when the next checkpoint is due, hence synchronized.
 */
public final class Checkpointer {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final String node;
    private final AuditSigningKeys keys;
    private final Clock clock;
    private final int intervalEvents;
    private final long intervalNanos;
    private final List<byte[]> hashes = new ArrayList<>();
    private long coveredTo;
    private long lastCheckpointNanos = System.nanoTime();

    /**
     * @param coveredTo last event covered by a checkpoint already in the log
     * @param uncovered line hashes of the events after {@code coveredTo} already in the log
     */
    public Checkpointer(String node, AuditSigningKeys keys, Clock clock, int intervalEvents, Duration interval,
                        long coveredTo, List<byte[]> uncovered) {
        this.node = node;
        this.keys = keys;
        this.clock = clock;
        this.intervalEvents = Math.max(1, intervalEvents);
        this.intervalNanos = Math.max(1, interval.toNanos());
        this.coveredTo = coveredTo;
        this.hashes.addAll(uncovered);
    }

    /** Records events going to the file: {@code count} hashes of 32 bytes, packed. */
    public synchronized void written(long firstSeq, byte[] packed, int count) {
        if (firstSeq != coveredTo + hashes.size() + 1) {
            throw new IllegalStateException("events reached the checkpointer out of order");
        }
        for (int i = 0; i < count; i++) {
            byte[] h = new byte[Sha256.LENGTH];
            System.arraycopy(packed, i * Sha256.LENGTH, h, 0, Sha256.LENGTH);
            hashes.add(h);
        }
    }

    /** Takes back the last {@code count} hashes of {@link #written}, after their write failed. */
    public synchronized void retract(int count) {
        for (int i = 0; i < count && !hashes.isEmpty(); i++) {
            hashes.remove(hashes.size() - 1);
        }
    }

    public synchronized int uncovered() {
        return hashes.size();
    }

    public synchronized long coveredTo() {
        return coveredTo;
    }

    /** Due when there are uncovered events and either the count or the time interval is reached. */
    public synchronized boolean due(long nanoNow) {
        return !hashes.isEmpty() && (hashes.size() >= intervalEvents || nanoNow - lastCheckpointNanos >= intervalNanos);
    }

    /** Nanoseconds until {@link #due(long)} turns true by time, {@link Long#MAX_VALUE} when nothing is uncovered. */
    public synchronized long nanosUntilDue(long nanoNow) {
        if (hashes.isEmpty()) {
            return Long.MAX_VALUE;
        }
        return Math.max(0, lastCheckpointNanos + intervalNanos - nanoNow);
    }

    /** Makes and signs a checkpoint over all uncovered events; call {@link #committed} once it is written. */
    public synchronized Checkpoint build(String cause) {
        if (hashes.isEmpty()) {
            throw new IllegalStateException("no events to checkpoint");
        }
        StringBuilder digests = new StringBuilder(hashes.size() * Checkpoint.DIGEST_HEX);
        for (byte[] h : hashes) {
            digests.append(Hex.encode(h, 0, Checkpoint.DIGEST_HEX / 2));
        }
        Checkpoint unsigned = new Checkpoint(Checkpoint.TYPE, Checkpoint.VERSION, node, coveredTo + 1,
                coveredTo + hashes.size(), Hex.encode(hashes.get(hashes.size() - 1)), Hex.encode(Merkle.root(hashes)),
                digests.toString(), cause, TIME.format(clock.instant()), keys.keyId(), null);
        String sig = Hex.encode(keys.sign(unsigned.signedBytes()));
        return new Checkpoint(unsigned.type(), unsigned.v(), node, unsigned.from(), unsigned.to(), unsigned.head(),
                unsigned.root(), unsigned.digests(), cause, unsigned.time(), unsigned.keyId(), sig);
    }

    public synchronized void committed(Checkpoint checkpoint) {
        coveredTo = checkpoint.to();
        hashes.clear();
        lastCheckpointNanos = System.nanoTime();
    }
}
