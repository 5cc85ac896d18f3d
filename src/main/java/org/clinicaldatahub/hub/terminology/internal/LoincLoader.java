package org.clinicaldatahub.hub.terminology.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.clinicaldatahub.hub.terminology.CodeSystemTable;
import org.clinicaldatahub.hub.terminology.Concept;
import org.clinicaldatahub.hub.terminology.StandardSystems;

/**
 * Reads the LOINC table file {@code LoincTable/Loinc.csv} of a LOINC release (Regenstrief; CSV with
 * a header of quoted column names). Columns are found by name, so the reader follows the layout
 * of every 2.x release: {@code LOINC_NUM}, {@code LONG_COMMON_NAME} (falls back to
 * {@code COMPONENT}), {@code STATUS}. {@code DEPRECATED} codes are loaded as inactive so a map
 * row pointing at one is refused; {@code ACTIVE}, {@code TRIAL} and {@code DISCOURAGED} are active.
 * The release carries no version field; its version is the highest {@code VersionLastChanged}.
 */
public final class LoincLoader {

    private LoincLoader() {
    }

    public static CodeSystemTable load(Path file, String version) throws IOException {
        Map<String, Concept> concepts = new HashMap<>(150_000);
        int[] newest = {0, 0};
        String newestText = null;
        try (CsvReader csv = CsvReader.csv(file)) {
            String[] header = csv.next();
            if (header == null) {
                throw new TerminologyFormatException(file + ": empty file");
            }
            Map<String, Integer> columns = CsvReader.columns(header);
            int code = CsvReader.require(columns, "LOINC_NUM", file);
            int status = CsvReader.require(columns, "STATUS", file);
            int longName = columns.getOrDefault("long_common_name", -1);
            int component = CsvReader.require(columns, "COMPONENT", file);
            int changed = columns.getOrDefault("versionlastchanged", -1);
            for (String[] row = csv.next(); row != null; row = csv.next()) {
                if (row.length <= status) {
                    if (row.length > 1) {
                        throw new TerminologyFormatException(file + ":" + csv.line() + ": " + row.length
                                + " fields, the header has " + header.length);
                    }
                    continue;
                }
                String display = CsvReader.field(row, longName);
                if (display.isEmpty()) {
                    display = row[component];
                }
                String statusWord = row[status];
                concepts.put(row[code], new Concept(row[code], display, !"DEPRECATED".equalsIgnoreCase(statusWord), statusWord));
                String versionText = CsvReader.field(row, changed);
                if (!versionText.isEmpty() && newer(versionText, newest)) {
                    newestText = versionText;
                }
            }
        }
        String resolved = version != null ? version : newestText != null ? newestText : "unknown";
        return new CodeSystemTable(StandardSystems.LOINC, resolved, file.toString(), concepts);
    }

    /** Compares LOINC versions numerically per part (2.80 is newer than 2.9 is false: 80 > 9). */
    private static boolean newer(String version, int[] newest) {
        int dot = version.indexOf('.');
        try {
            int major = Integer.parseInt(dot < 0 ? version : version.substring(0, dot));
            int minor = dot < 0 ? 0 : Integer.parseInt(version.substring(dot + 1));
            if (major > newest[0] || (major == newest[0] && minor > newest[1])) {
                newest[0] = major;
                newest[1] = minor;
                return true;
            }
        } catch (NumberFormatException ignored) {
            // a malformed value says nothing about the release version
        }
        return false;
    }
}
