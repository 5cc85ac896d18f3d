package org.clinicaldatahub.hub.storage;

import java.time.Instant;
import java.util.List;
import org.clinicaldatahub.hub.audit.AuditEvent;
import org.clinicaldatahub.hub.audit.AuditOutcome;
import org.clinicaldatahub.hub.audit.AuditRecorder;
import org.clinicaldatahub.hub.audit.AuditRef;
import org.clinicaldatahub.hub.audit.AuditStep;

/**
 * Runs the reconciliation at start-up and on the {@code storage-policy-reconcile} route's cron,
 * and keeps the last result for the {@code storagePolicy} health entry and the
 * {@code hub.storage.policy.drift} metric; every difference is also an audit event.
 */
public final class StoragePolicyReconciliation {

    private final StoragePolicyReconciler reconciler;
    private final StoragePolicyReconciler.Mode mode;
    private final AuditRecorder audit;
    private volatile List<PolicyDrift> lastDrift = List.of();
    private volatile Instant lastRun;
    private volatile String lastError;

    public StoragePolicyReconciliation(StoragePolicyReconciler reconciler, StoragePolicyReconciler.Mode mode,
            AuditRecorder audit) {
        this.reconciler = reconciler;
        this.mode = mode;
        this.audit = audit;
    }

    /** One reconciliation; called by the route (Quartz) and once at start-up. */
    public synchronized List<PolicyDrift> reconcile() {
        try {
            List<PolicyDrift> drift = reconciler.reconcile(mode);
            for (PolicyDrift d : drift) {
                audit.record(AuditEvent.builder(AuditStep.POLICY_DRIFT).route("storage-policy-reconcile")
                        .ref(AuditRef.BUCKET, d.bucket()).reason(d.aspect())
                        .outcome(PolicyDrift.RESTORED.equals(d.action()) ? AuditOutcome.SUCCESS : AuditOutcome.REJECTED));
            }
            lastDrift = List.copyOf(drift);
            lastError = null;
            return drift;
        } catch (RuntimeException e) {
            lastError = e.getClass().getSimpleName();
            throw e;
        } finally {
            lastRun = Instant.now();
        }
    }

    public List<PolicyDrift> lastDrift() {
        return lastDrift;
    }

    /** Differences left in place by the last run (reported, or stricter by hand). */
    public long openDrift() {
        return lastDrift.stream().filter(d -> !PolicyDrift.RESTORED.equals(d.action())).count();
    }

    public Instant lastRun() {
        return lastRun;
    }

    public String lastError() {
        return lastError;
    }

    /** Store limitations found (e.g. lifecycle tag filters dropped), for the health entry. */
    public java.util.Set<String> bucketsWithoutTagFilters() {
        return reconciler.bucketsWithoutTagFilters();
    }

    public StoragePolicyReconciler.Mode mode() {
        return mode;
    }
}
