package org.clinicaldatahub.hub.deid;

import java.util.Map;
import java.util.function.Function;

/**
 * One rule of a profile: either a plain action, or a choice by the value of another field
 * ({@code by: OBX-2} for HL7, {@code by: type} / {@code by: system} for FHIR), each case itself a
 * rule. {@code namespace} names the pseudonym namespace for {@code pseudonymize}
 * ({@code patient} means the patient's own identifier).
 *
 * @param path      the path as written in the profile, for reports
 * @param line      where it was written, for error messages
 */
public record DeidRule(String path, String source, int line, DeidAction action, String namespace, String by,
        Map<String, DeidRule> cases, DeidRule otherwise) {

    public static final String PATIENT_NAMESPACE = "patient";

    public static DeidRule of(String path, DeidAction action) {
        return new DeidRule(path, "built-in", 0, action, null, null, Map.of(), null);
    }

    public boolean isChoice() {
        return by != null;
    }

    /** The plain rule that applies, given how to read the value the choice depends on. */
    public DeidRule resolve(Function<String, String> selectorValue) {
        DeidRule rule = this;
        while (rule != null && rule.isChoice()) {
            String value = selectorValue.apply(rule.by);
            String key = value == null ? "" : value;
            rule = rule.cases.containsKey(key) ? rule.cases.get(key) : rule.otherwise;
        }
        return rule;
    }

    /** The namespace of a pseudonym, {@code patient} unless the profile names another. */
    public String namespaceOrPatient() {
        return namespace == null ? PATIENT_NAMESPACE : namespace;
    }
}
