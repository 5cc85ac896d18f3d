package org.clinicaldatahub.hub.terminology;

/**
 * One code of a code system as loaded: its display and whether it may be used. {@code status} is
 * the release's own word for it (LOINC {@code ACTIVE}/{@code TRIAL}/{@code DISCOURAGED}/
 * {@code DEPRECATED}, SNOMED CT {@code active}/{@code inactive}, ICD-10-CM {@code billable}/
 * {@code header}), kept so reports can show it.
 *
 * @param code   the code as the code system writes it (ICD-10-CM without the dot)
 * @param display preferred display text
 * @param active  true when the code may be used in new data
 * @param status  the release's status word
 */
public record Concept(String code, String display, boolean active, String status) {

    /** ICD-10-CM status of a code valid for HIPAA-covered transactions. */
    public static final String BILLABLE = "billable";
    /** ICD-10-CM status of a category or header code (not valid on a claim). */
    public static final String HEADER = "header";

    /** Status of a target code whose code system is not loaded (accepted unverified, see hub.terminology.require-loaded-target-system). */
    public static final String UNVERIFIED = "unverified";

    /** True unless this is an ICD-10-CM header (category) code. */
    public boolean isBillable() {
        return !HEADER.equals(status);
    }
}
