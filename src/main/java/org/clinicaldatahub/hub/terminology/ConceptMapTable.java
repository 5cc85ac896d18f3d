package org.clinicaldatahub.hub.terminology;

import java.util.List;

/**
 * The rows of one concept map file or release table. {@code precedence} decides between tables
 * that map the same source code to the same target system: the analysts' curated maps (1)
 * override reference maps such as the CMS GEMs (0), so a local row can settle an ambiguous GEM.
 *
 * @param name    the map's name, for reports
 * @param version the version of the map or its release
 * @param origin  the file it was read from
 */
public record ConceptMapTable(String name, String version, String origin, int precedence, List<MapRow> rows) {

    /** Precedence of the maps analysts write (CSV, FHIR ConceptMap). */
    public static final int CURATED = 1;
    /** Precedence of published reference maps (GEMs, SNOMED CT map refsets). */
    public static final int REFERENCE = 0;

    public ConceptMapTable {
        rows = List.copyOf(rows);
    }
}
