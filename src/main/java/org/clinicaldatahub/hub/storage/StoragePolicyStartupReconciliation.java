package org.clinicaldatahub.hub.storage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The start-up reconciliation, early in the start (right after the embedded servers are ready,
 * before Camel routes and the audit shipper): objects written before a bucket has its versioning
 * or object lock would not get them. A store that cannot be reached does not stop the start; the
 * {@code storagePolicy} health entry shows the error and the scheduled run tries again.
 */
public final class StoragePolicyStartupReconciliation implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(StoragePolicyStartupReconciliation.class);

    private final StoragePolicyReconciliation reconciliation;
    private final boolean enabled;
    private volatile boolean running;

    public StoragePolicyStartupReconciliation(StoragePolicyReconciliation reconciliation, boolean enabled) {
        this.reconciliation = reconciliation;
        this.enabled = enabled;
    }

    @Override
    public void start() {
        running = true;
        if (!enabled) {
            return;
        }
        try {
            reconciliation.reconcile();
        } catch (RuntimeException e) {
            // the class only: an S3 error message may carry request details
            LOG.warn("Storage policy reconciliation at start-up failed ({}); the scheduled run retries",
                    e.getClass().getSimpleName());
        }
    }

    @Override
    public void stop() {
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** After the embedded servers' readiness (Integer.MIN_VALUE), before everything that writes. */
    @Override
    public int getPhase() {
        return Integer.MIN_VALUE + 1000;
    }
}
