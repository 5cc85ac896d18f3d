package org.clinicaldatahub.hub.genomics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Makes the de-identified copy of an Illumina SampleSheet.csv, v1 (IEM: {@code [Header]},
 * {@code [Reads]}, {@code [Settings]}, {@code [Data]}) or v2 (BCL Convert: {@code FileFormatVersion,2},
 * {@code [BCLConvert_Settings]}, {@code [BCLConvert_Data]}, {@code [Cloud_Data]}, ...). Rows of the
 * data sections are tables whose first row names the columns; every other section holds
 * {@code key,value} rows. Each cell gets the action the policy gives its column or key, so sample
 * ids and names become pseudonyms, person names and free text are emptied, and indexes, lanes and
 * settings stay as they are (the copy can still drive a re-analysis). The layout is kept: section
 * order, blank lines, trailing commas.
 */
public final class SampleSheetDeidentifier {

    private SampleSheetDeidentifier() {
    }

    public static String deidentify(String sheet, SamplePseudonyms pseudonyms) {
        GenomicsDeidPolicy policy = pseudonyms.policy();
        StringBuilder out = new StringBuilder(sheet.length());
        String section = "";
        List<String> columns = null;
        String newline = sheet.contains("\r\n") ? "\r\n" : "\n";
        for (String line : sheet.split("\r?\n", -1)) {
            String trimmed = line.strip();
            if (trimmed.startsWith("[")) {
                int end = trimmed.indexOf(']');
                section = end > 0 ? trimmed.substring(1, end) : trimmed.substring(1);
                columns = null;
                out.append(line);
            } else if (trimmed.replace(",", "").isBlank()) {
                out.append(line);
            } else if (isTable(section)) {
                List<String> cells = parse(line);
                if (columns == null) {
                    columns = cells;
                    out.append(line);
                } else {
                    List<String> replaced = new ArrayList<>(cells.size());
                    for (int i = 0; i < cells.size(); i++) {
                        GenomicsDeidPolicy.Action action = i < columns.size()
                                ? policy.column(columns.get(i)) : GenomicsDeidPolicy.Action.REMOVE;
                        replaced.add(pseudonyms.replace(cells.get(i), action));
                    }
                    out.append(join(replaced));
                }
            } else {
                List<String> cells = parse(line);
                GenomicsDeidPolicy.Action action = policy.headerField(cells.get(0));
                List<String> replaced = new ArrayList<>(cells.size());
                replaced.add(cells.get(0));
                for (int i = 1; i < cells.size(); i++) {
                    // a kept setting may still quote a sample (e.g. a path): scrub what is known
                    String value = pseudonyms.replace(cells.get(i), action);
                    replaced.add(action == GenomicsDeidPolicy.Action.KEEP ? pseudonyms.scrub(value) : value);
                }
                out.append(join(replaced));
            }
            out.append(newline);
        }
        out.setLength(out.length() - newline.length());
        return out.toString();
    }

    /** {@code Data} (v1) and {@code *_Data} (v2) sections are tables. */
    static boolean isTable(String section) {
        String name = section.toLowerCase(Locale.ROOT);
        return name.equals("data") || name.endsWith("_data");
    }

    /** One CSV row (RFC 4180 quoting). */
    static List<String> parse(String line) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                cells.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        cells.add(cell.toString());
        return cells;
    }

    static String join(List<String> cells) {
        StringBuilder row = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                row.append(',');
            }
            String cell = cells.get(i) == null ? "" : cells.get(i);
            if (cell.contains(",") || cell.contains("\"")) {
                row.append('"').append(cell.replace("\"", "\"\"")).append('"');
            } else {
                row.append(cell);
            }
        }
        return row.toString();
    }
}
