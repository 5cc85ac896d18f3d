package org.clinicaldatahub.hub.terminology;

/**
 * Canonical identifiers (FHIR R4 system URIs, per terminology.hl7.org) of the code systems whose
 * official release formats the hub reads. HL7 v2 coding-system names (table 0396) are mapped to
 * these in {@code mappings/terminology-bindings.yaml}, not here.
 */
public final class StandardSystems {

    /** LOINC. */
    public static final String LOINC = "http://loinc.org";
    /** SNOMED CT (any edition). */
    public static final String SNOMED_CT = "http://snomed.info/sct";
    /** ICD-10-CM (US clinical modification). */
    public static final String ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm";
    /** ICD-10 (WHO). */
    public static final String ICD10 = "http://hl7.org/fhir/sid/icd-10";
    /** ICD-9-CM. */
    public static final String ICD9CM = "http://hl7.org/fhir/sid/icd-9-cm";

    private StandardSystems() {
    }
}
