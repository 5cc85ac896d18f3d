package org.clinicaldatahub.hub.dicom;

import org.clinicaldatahub.hub.storage.Quarantine;

/**
 * What the {@code dicom-scp} consumer needs from the Spring context, in one place.
 *
 * @param properties the {@code hub.dicom.*} settings
 * @param receiver   writes each data set to a Part 10 file while parsing it
 * @param audit      audits association-level events and refused instances
 * @param quarantine keeps refused instances with their reason
 * @param recorder   the audit trail, for the per-instance receipt
 * @param pacing     told when instances arrive, so the spool drain yields to them
 */
public record DicomScpSettings(DicomProperties properties, DicomInstanceReceiver receiver, DicomAudit audit,
        Quarantine quarantine, org.clinicaldatahub.hub.audit.AuditRecorder recorder, SpoolDrainPacing pacing) {
}
