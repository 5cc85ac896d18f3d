package org.clinicaldatahub.hub.terminology;

/**
 * One table the hub has loaded, for the versions report: what it is, which release, from where,
 * how many rows, and whether it is in use or superseded (a release-directory table replaces a
 * shipped one of the same system).
 *
 * @param kind    {@code code-system} or {@code concept-map}
 * @param name    the system URI (code systems) or map name (concept maps)
 * @param format  the loader that read it, e.g. {@code loinc-csv}, {@code snomed-rf2}, {@code cms-gem}
 * @param version the release's version as recorded in or beside the file
 * @param origin  file or directory
 * @param rows    concepts or map rows loaded
 * @param loadMillis time spent reading it
 * @param inUse   false when another table of the same system superseded it
 */
public record LoadedTable(String kind, String name, String format, String version, String origin, int rows,
        long loadMillis, boolean inUse) {

    LoadedTable superseded() {
        return new LoadedTable(kind, name, format, version, origin, rows, loadMillis, false);
    }
}
