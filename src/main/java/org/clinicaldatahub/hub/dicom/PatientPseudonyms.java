package org.clinicaldatahub.hub.dicom;

/**
 * Turns a patient identifier into the keyed pseudonym that events and the audit trail may carry
 * (DESIGN.md, De-identification: one patient, one pseudonym across channels). The DICOM channel
 * uses whichever bean implements this: the hub-wide pseudonymizer's (deid.DeidConfiguration).
 */
public interface PatientPseudonyms {

    /**
     * @param patientId     Patient ID (0010,0020); PHI, never logged
     * @param issuer        Issuer of Patient ID (0010,0021), may be empty
     * @return the pseudonym, or null when none can be made (no key configured, no patient id)
     */
    String pseudonym(String patientId, String issuer);
}
