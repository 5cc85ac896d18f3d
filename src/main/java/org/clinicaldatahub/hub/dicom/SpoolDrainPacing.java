package org.clinicaldatahub.hub.dicom;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The bean {@code dicomSpoolDrainPacing}: lets the spool drain yield to the C-STORE path. A modality
 * waits for each C-STORE-RSP before it sends the next instance, so every bit of CPU the drain
 * takes during a burst (upload, event, and the research copy that the event sets off) lengthens
 * the burst; on a small host that work costs tens of times what receiving and spooling does.
 * Spooled instances are already durable, so their upload can wait for a pause: the drain waits
 * until no instance has been in progress for {@code hub.dicom.spool-drain-quiet-period}, but never
 * longer than {@code hub.dicom.spool-drain-max-delay} per backlog (counted from its first wait
 * since the spool was last seen empty), so under reception without pauses the drain runs
 * alongside it, as it did before, and the spool stays bounded by what arrives in that time.
 */
public final class SpoolDrainPacing {

    /** Sleeps; a seam for tests, which advance a clock instead. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(long nanos) throws InterruptedException;
    }

    /** Longest single sleep, so a wait notices a stopped channel (no more receptions) soon. */
    private static final long MAX_SLEEP = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long NEVER = Long.MIN_VALUE;

    private final long quietNanos;
    private final long maxDelayNanos;
    private final BooleanSupplier spoolHasPending;
    private final LongSupplier clock;
    private final Sleeper sleeper;
    private final AtomicInteger receiving = new AtomicInteger();
    private volatile long lastReception = NEVER;
    /** When the drain first waited for the current backlog; NEVER when it has not. Drain thread only. */
    private long waitingSince = NEVER;

    public SpoolDrainPacing(java.time.Duration quietPeriod, java.time.Duration maxDelay, BooleanSupplier spoolHasPending) {
        this(quietPeriod, maxDelay, spoolHasPending, System::nanoTime, nanos -> TimeUnit.NANOSECONDS.sleep(nanos));
    }

    SpoolDrainPacing(java.time.Duration quietPeriod, java.time.Duration maxDelay, BooleanSupplier spoolHasPending,
            LongSupplier clock, Sleeper sleeper) {
        this.quietNanos = quietPeriod.toNanos();
        this.maxDelayNanos = maxDelay.toNanos();
        this.spoolHasPending = spoolHasPending;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /** An instance starts arriving (the C-STORE-RQ is in). */
    public void receptionStarted() {
        receiving.incrementAndGet();
        lastReception = clock.getAsLong();
    }

    /** That instance is answered (or refused, or the association broke). */
    public void receptionEnded() {
        lastReception = clock.getAsLong();
        receiving.decrementAndGet();
    }

    /**
     * Returns when the drain may go on: at once when the spool is empty (which also ends the
     * current backlog), when pacing is off (quiet period 0), once reception has paused for the
     * quiet period, or once the drain has waited the maximum delay for this backlog.
     */
    public void awaitTurn() throws InterruptedException {
        if (quietNanos <= 0) {
            return;
        }
        if (!spoolHasPending.getAsBoolean()) {
            waitingSince = NEVER;
            return;
        }
        long now = clock.getAsLong();
        if (waitingSince == NEVER) {
            waitingSince = now;
        }
        while (true) {
            long quietLeft = receiving.get() > 0 ? quietNanos
                    : lastReception == NEVER ? 0 : quietNanos - (now - lastReception);
            long delayLeft = maxDelayNanos - (now - waitingSince);
            if (quietLeft <= 0 || delayLeft <= 0) {
                return;
            }
            sleeper.sleep(Math.min(MAX_SLEEP, Math.min(quietLeft, delayLeft)));
            now = clock.getAsLong();
        }
    }
}
