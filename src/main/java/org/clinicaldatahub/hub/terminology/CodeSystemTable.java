package org.clinicaldatahub.hub.terminology;

import java.util.Map;

/**
 * What codes exist in one code system, as one file or release loaded them. Immutable; looked up
 * on every mapped field, so it is a plain hash map.
 *
 * @param system  canonical system URI, e.g. {@code http://loinc.org}
 * @param version the release's version ({@code 2.77}, {@code 20240301}, {@code FY2021})
 * @param origin  the file or directory it was read from, for reports
 * @param concepts by code
 */
public record CodeSystemTable(String system, String version, String origin, Map<String, Concept> concepts) {

    public CodeSystemTable {
        concepts = Map.copyOf(concepts);
    }

    /** The concept, or null when the code does not exist in this table. */
    public Concept concept(String code) {
        return concepts.get(code);
    }

    public int size() {
        return concepts.size();
    }
}
