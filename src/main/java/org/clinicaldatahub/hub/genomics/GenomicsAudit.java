package org.clinicaldatahub.hub.genomics;

import org.clinicaldatahub.hub.audit.AuditEvent;
import org.clinicaldatahub.hub.audit.AuditOutcome;
import org.clinicaldatahub.hub.audit.AuditRecorder;
import org.clinicaldatahub.hub.audit.AuditRef;
import org.clinicaldatahub.hub.audit.AuditStep;
import org.clinicaldatahub.hub.storage.StoredObject;

/**
 * The drop-folder channel's audit events: a run received, its manifest stored, each de-identified
 * copy, each refusal with its {@code GENOMICS_*} reason. References only: the run id (instrument
 * run ids and keyed pseudonyms for loose files), keys that hold no sample names (manifest and
 * de-identified copies) and checksums. Paths and file names inside a run can name patients and
 * are never recorded here.
 */
final class GenomicsAudit {

    static final String ROUTE = "genomics-inbound-rundir";

    private final AuditRecorder recorder;

    GenomicsAudit(AuditRecorder recorder) {
        this.recorder = recorder;
    }

    void received(String runId, String platform) {
        recorder.record(event(AuditStep.RECEIVED, runId).ref(AuditRef.ENDPOINT, "file:genomics-drop/" + platform));
    }

    void stored(String runId, StoredObject manifest) {
        recorder.recordDurably(object(AuditStep.STORED, runId, manifest));
    }

    void deidentified(String runId, StoredObject copy) {
        recorder.record(object(AuditStep.DEIDENTIFIED, runId, copy));
    }

    void rejected(String runId, String reasonCode) {
        recorder.recordDurably(event(AuditStep.REJECTED, runId).reason(reasonCode).outcome(AuditOutcome.REJECTED));
    }

    void error(String runId, String reasonCode) {
        recorder.recordDurably(event(AuditStep.ERROR, runId).reason(reasonCode).outcome(AuditOutcome.ERROR));
    }

    private static AuditEvent.Builder object(AuditStep step, String runId, StoredObject object) {
        return event(step, runId).ref(AuditRef.BUCKET, object.bucket()).ref(AuditRef.OBJECT_KEY, object.key())
                .checksum(object.sha256());
    }

    private static AuditEvent.Builder event(AuditStep step, String runId) {
        return AuditEvent.builder(step).route(ROUTE).actor("sequencer-drop-folder").ref(AuditRef.CHANNEL, ROUTE)
                .ref(AuditRef.RUN_ID, runId);
    }
}
