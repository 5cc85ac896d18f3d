package org.clinicaldatahub.hub.dicom;

import org.clinicaldatahub.hub.audit.AuditEvent;
import org.clinicaldatahub.hub.audit.AuditRecorder;
import org.clinicaldatahub.hub.audit.AuditRef;
import org.clinicaldatahub.hub.audit.AuditStep;
import org.clinicaldatahub.hub.dicom.net.AssociationInfo;
import org.clinicaldatahub.hub.dicom.net.AssociationMonitor;
import org.clinicaldatahub.hub.dicom.net.StoreRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Audits what happens on the DICOM port outside a Camel exchange: rejected associations
 * (A-ASSOCIATE-RJ), aborts (sent or received, lost connections, timeouts), rejected presentation
 * contexts and refused instances, each with a {@code DICOM_*} reason code, the calling AE as
 * actor and references only (AE titles, UIDs, checksums; never PHI).
 */
public final class DicomAudit implements AssociationMonitor {

    /** The channel's route id, under which its events are recorded. */
    public static final String ROUTE = "dicom-inbound-cstore";
    private static final Logger LOG = LoggerFactory.getLogger(DicomAudit.class);

    private final AuditRecorder recorder;

    public DicomAudit(AuditRecorder recorder) {
        this.recorder = recorder;
    }

    @Override
    public void rejected(AssociationInfo association, String reasonCode) {
        LOG.info("DICOM association {} from {} calling {} rejected: {}", association.id(),
                association.remoteAddress(), association.calledAeTitle(), reasonCode);
        record(event(AuditStep.REJECTED, association).reason(reasonCode));
    }

    @Override
    public void aborted(AssociationInfo association, String reasonCode) {
        LOG.info("DICOM association {} from {} aborted: {}", association.id(), association.remoteAddress(), reasonCode);
        record(event(AuditStep.REJECTED, association).reason(reasonCode));
    }

    @Override
    public void contextRejected(AssociationInfo association, String abstractSyntax, int result) {
        record(event(AuditStep.REJECTED, association).reason("DICOM_PRESENTATION_CONTEXT_REJECTED_" + result));
    }

    /** A refused instance: C-STORE answered with a failure status. */
    public void instanceRejected(StoreRequest request, String reasonCode, String quarantineKey, String sha256) {
        AuditEvent.Builder event = event(AuditStep.REJECTED, request.association()).reason(reasonCode)
                .ref(AuditRef.SOP_INSTANCE_UID, request.sopInstanceUid());
        if (quarantineKey != null) {
            event.ref(AuditRef.OBJECT_KEY, quarantineKey);
        }
        if (sha256 != null) {
            event.checksum(sha256);
        }
        record(event);
    }

    static AuditEvent.Builder event(AuditStep step, AssociationInfo association) {
        AuditEvent.Builder event = AuditEvent.builder(step).route(ROUTE).ref(AuditRef.CHANNEL, ROUTE)
                .ref(AuditRef.ENDPOINT, "dicom-scp://" + printable(association.calledAeTitle()) + "@"
                        + association.remoteAddress());
        String calling = printable(association.callingAeTitle());
        if (!calling.isEmpty()) {
            event.actor(calling);
        }
        return event;
    }

    /** AE titles are 16 bytes of whatever the peer sent; keep the trail to printable ASCII. */
    static String printable(String aeTitle) {
        if (aeTitle == null) {
            return "";
        }
        StringBuilder clean = new StringBuilder(aeTitle.length());
        for (char c : aeTitle.toCharArray()) {
            clean.append(c >= 0x20 && c < 0x7F ? c : '?');
        }
        return clean.toString();
    }

    private void record(AuditEvent.Builder event) {
        try {
            recorder.record(event);
        } catch (RuntimeException e) {
            LOG.error("DICOM audit event not recorded: {}", e.getClass().getSimpleName());
        }
    }
}
