package org.clinicaldatahub.hub.deid;

import java.util.Map;
import java.util.Set;

/**
 * A de-identification profile as loaded from {@code mappings/deid/<name>.yaml}: which action
 * applies to which HL7 v2 field path ({@code PID-11-5}) and FHIR element path
 * ({@code Patient.birthDate}, {@code HumanName}, {@code Address.postalCode}), and what happens to
 * what the profile does not name.
 *
 * @param dateShift        true: every {@code generalize-date} acts as {@code shift-date}
 * @param ageCap           ages above it are reported as {@code ageCap + 1}
 * @param restrictedZip3   ZIP3 prefixes reported as {@code 000}
 * @param unknownSegments  HL7 segments the profile does not list (Z-segments included): remove, keep or reject
 * @param hl7Rules         by path: {@code PID} (the default for PID's unlisted fields), {@code PID-3}, {@code PID-3-5}
 * @param unknownExtensions FHIR extensions the profile does not list: remove, keep or reject
 * @param fhirRules        by path: resource element, datatype element, datatype, or {@code Extension[url]}
 */
public record DeidProfile(String name, String version, String title, String file, boolean dateShift, int ageCap,
        Set<String> restrictedZip3, DeidAction unknownSegments, Map<String, DeidRule> hl7Rules,
        DeidAction unknownExtensions, Map<String, DeidRule> fhirRules) {

    /** Name and version as written into provenance, e.g. {@code safe-harbor@1.0.0}. */
    public String reference() {
        return name + "@" + version;
    }
}
