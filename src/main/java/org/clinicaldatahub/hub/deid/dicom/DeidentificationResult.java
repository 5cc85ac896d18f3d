package org.clinicaldatahub.hub.deid.dicom;

import java.util.Map;

/**
 * What {@link DicomDeidentifier} did with one instance. Holds only de-identified references
 * (new UIDs, the patient pseudonym) and counts, so it may go into events and the audit trail.
 *
 * @param released           true when the output was written; false when the instance goes to review
 * @param reviewReason       why it was held back (e.g. {@code DICOM_BURNED_IN_ANNOTATION}), else null
 * @param sopClassUid        SOP class (not identifying)
 * @param modality           modality (not identifying)
 * @param studyInstanceUid   the new Study Instance UID
 * @param seriesInstanceUid  the new Series Instance UID
 * @param sopInstanceUid     the new SOP Instance UID
 * @param patientPseudonym   the patient's keyed pseudonym, now the Patient ID; null without one
 * @param actionCounts       how many attributes got each action (all depths)
 */
public record DeidentificationResult(boolean released, String reviewReason, String sopClassUid, String modality,
        String studyInstanceUid, String seriesInstanceUid, String sopInstanceUid, String patientPseudonym,
        Map<Action, Integer> actionCounts) {

    static DeidentificationResult review(String reason, InstanceSurvey survey) {
        return new DeidentificationResult(false, reason, survey.sopClassUid(), survey.modality(), null, null, null,
                null, Map.of());
    }
}
