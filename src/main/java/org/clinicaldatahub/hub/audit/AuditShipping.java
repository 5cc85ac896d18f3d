package org.clinicaldatahub.hub.audit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Moves the signed audit trail off the node, in the background: each round reads the signed
 * events after the shipped cursor, hands the batch to every shipper (the WORM bucket first, then
 * the Kafka topic) and advances the cursor only when all of them have it. While a sink is
 * unreachable the events simply stay in the local segments (which are the primary, fsynced copy)
 * and the round is retried with back-off; nothing is dropped and input is not held up.
 */
public final class AuditShipping implements SmartLifecycle, Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(AuditShipping.class);

    private final AuditLog log;
    private final List<AuditShipper> shippers;
    private final AuditProperties.Shipping settings;
    private final Clock clock;
    private final AtomicLong shippedEvents = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile Thread thread;
    private volatile boolean running;
    private volatile String lastError;
    /** When the oldest event still waiting was first seen waiting; null while nothing waits. */
    private volatile Instant backlogSince;

    public AuditShipping(AuditLog log, List<AuditShipper> shippers, AuditProperties.Shipping settings, Clock clock) {
        this.log = log;
        this.shippers = List.copyOf(shippers);
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public void start() {
        running = true;
        thread = new Thread(this, "audit-shipper");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void stop() {
        running = false;
        Thread shipping = thread;
        if (shipping != null) {
            shipping.interrupt();
            try {
                shipping.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops before the audit log closes, after the routes that write to it. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 100;
    }

    @Override
    public void run() {
        Duration backoff = settings.getInterval();
        while (running) {
            try {
                long shipped = shipRound();
                backoff = settings.getInterval();
                // Caught up: wait for the next interval's events rather than ship a few hundred at
                // a time; every round is a PUT (with its retention checks) and a Kafka flush, and
                // at ingest rates of thousands of events per second those costs per round, not per
                // event, are what shipping costs. A full batch means a backlog: ship on at once.
                if (shipped < settings.getMaxEvents()) {
                    sleep(settings.getInterval());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                failures.incrementAndGet();
                // class name only: a sink's message may quote request data
                lastError = e.getClass().getName();
                LOG.warn("Audit shipping failed ({}); {} events wait in the local segments, retrying in {}",
                        lastError, log.unshippedCount(), backoff);
                try {
                    sleep(backoff);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoff = min(backoff.multipliedBy(2), settings.getMaxBackoff());
            }
        }
    }

    /** Ships one batch to every sink; returns the events shipped (0 when nothing signed waits). */
    long shipRound() throws Exception {
        noteBacklog();
        long shipped = log.shipPending(batch -> {
            for (AuditShipper shipper : shippers) {
                shipper.ship(batch);
            }
        }, settings.getMaxEvents());
        shippedEvents.addAndGet(shipped);
        if (shipped > 0) {
            lastError = null;
        }
        noteBacklog();
        return shipped;
    }

    private void noteBacklog() {
        if (log.unshippedCount() == 0) {
            backlogSince = null;
        } else if (backlogSince == null) {
            backlogSince = clock.instant();
        }
    }

    private static void sleep(Duration duration) throws InterruptedException {
        Thread.sleep(Math.max(1, duration.toMillis()));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Events recorded on this node and not yet shipped. */
    public long unshipped() {
        return log.unshippedCount();
    }

    public long shippedEvents() {
        return shippedEvents.get();
    }

    public long failures() {
        return failures.get();
    }

    /** Exception class of the last failed round, null after a successful one. */
    public String lastError() {
        return lastError;
    }

    /** How long events have been waiting to be shipped; zero when nothing waits. */
    public Duration backlogAge() {
        Instant since = backlogSince;
        return since == null ? Duration.ZERO : Duration.between(since, clock.instant());
    }

    /** The log this ships from. */
    public AuditLog log() {
        return log;
    }

        public AuditProperties.Shipping settings() {
        return settings;
    }
}
