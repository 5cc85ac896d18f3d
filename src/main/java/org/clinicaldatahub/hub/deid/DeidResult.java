package org.clinicaldatahub.hub.deid;

/**
 * A de-identified record.
 *
 * @param text             the de-identified message or resource
 * @param patientPseudonym the keyed pseudonym of the record's patient (the research record key), or null
 * @param changes          what was changed, by path and action
 */
public record DeidResult(String text, String patientPseudonym, DeidChanges changes) {
}
