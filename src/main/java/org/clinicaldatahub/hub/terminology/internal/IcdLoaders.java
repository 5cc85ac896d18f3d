package org.clinicaldatahub.hub.terminology.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.clinicaldatahub.hub.terminology.CodeSystemTable;
import org.clinicaldatahub.hub.terminology.Concept;
import org.clinicaldatahub.hub.terminology.ConceptMapTable;
import org.clinicaldatahub.hub.terminology.GemFlags;
import org.clinicaldatahub.hub.terminology.MapRow;
import org.clinicaldatahub.hub.terminology.StandardSystems;
import org.hl7.fhir.r4.model.Enumerations.ConceptMapEquivalence;

/**
 * Loaders of the US federal ICD tables, each in its official layout and in the CSV rendering the
 * project ships (detected by the header):
 * <ul>
 * <li>ICD-10-CM "Code Descriptions in Tabular Order" order file (CDC/NCHS, CMS): fixed width,
 *     order number 1-5, code 7-13, billable flag 15, short description 17-76, long description 78-.</li>
 * <li>CMS General Equivalence Mappings, ICD-9-CM to ICD-10-CM ({@code 2018_I9gem.txt}): source,
 *     target and five flag digits separated by blanks; {@code NoDx} means no map.</li>
 * <li>CMS ICD-9-CM diagnosis long descriptions ({@code CMS32_DESC_LONG_DX.txt}, Latin-1): code,
 *     blank, description.</li>
 * </ul>
 */
public final class IcdLoaders {

    private static final Pattern YEAR = Pattern.compile("(20\\d\\d)");

    private IcdLoaders() {
    }

    /** ICD-10-CM order file, official fixed width or the shipped CSV ({@code order_number,code,...}). */
    public static CodeSystemTable icd10cmOrder(Path file, String version) throws IOException {
        Map<String, Concept> concepts = new HashMap<>(150_000);
        String first = firstLine(file);
        if (first.startsWith("order_number")) {
            try (CsvReader csv = CsvReader.csv(file)) {
                Map<String, Integer> columns = CsvReader.columns(csv.next());
                int code = CsvReader.require(columns, "code", file);
                int billable = CsvReader.require(columns, "billable", file);
                int display = CsvReader.require(columns, "long_description", file);
                for (String[] row = csv.next(); row != null; row = csv.next()) {
                    if (row.length > 1) {
                        add(concepts, row[code].trim(), CsvReader.field(row, billable), CsvReader.field(row, display), file, csv.line());
                    }
                }
            }
        } else {
            try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
                long number = 0;
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    number++;
                    if (line.isBlank()) {
                        continue;
                    }
                    if (line.length() < 17) {
                        throw new TerminologyFormatException(file + ":" + number + ": not an ICD-10-CM order file line");
                    }
                    String longText = line.length() > 77 ? line.substring(77).trim() : line.substring(16).trim();
                    add(concepts, line.substring(6, 13).trim(), line.substring(14, 15), longText, file, number);
                }
            }
        }
        return new CodeSystemTable(StandardSystems.ICD10CM, version != null ? version : fiscalYear(file), file.toString(), concepts);
    }

    private static void add(Map<String, Concept> concepts, String code, String billable, String display, Path file, long line) {
        if (code.isEmpty() || !("0".equals(billable) || "1".equals(billable))) {
            throw new TerminologyFormatException(file + ":" + line + ": expected a code and a billable flag 0/1");
        }
        concepts.put(code, new Concept(code, display, true, "1".equals(billable) ? Concept.BILLABLE : Concept.HEADER));
    }

    /** CMS GEM ICD-9-CM to ICD-10-CM, official blank-separated text or the shipped CSV. */
    public static ConceptMapTable gemIcd9ToIcd10(Path file, String version, int precedence) throws IOException {
        List<MapRow> rows = new ArrayList<>(30_000);
        String first = firstLine(file);
        if (first.startsWith("icd9cm")) {
            try (CsvReader csv = CsvReader.csv(file)) {
                Map<String, Integer> columns = CsvReader.columns(csv.next());
                int source = CsvReader.require(columns, "icd9cm", file);
                int target = CsvReader.require(columns, "icd10cm", file);
                int flags = CsvReader.require(columns, "flags", file);
                for (String[] row = csv.next(); row != null; row = csv.next()) {
                    if (row.length > 1) {
                        rows.add(gemRow(row[source], row[target], row[flags], file, csv.line()));
                    }
                }
            }
        } else {
            try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
                long number = 0;
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    number++;
                    if (line.isBlank()) {
                        continue;
                    }
                    String[] parts = line.trim().split("\\s+");
                    if (parts.length != 3) {
                        throw new TerminologyFormatException(file + ":" + number + ": expected 'source target flags'");
                    }
                    rows.add(gemRow(parts[0], parts[1], parts[2], file, number));
                }
            }
        }
        return new ConceptMapTable("CMS GEM ICD-9-CM to ICD-10-CM", version != null ? version : year(file), file.toString(),
                precedence, rows);
    }

    private static MapRow gemRow(String source, String target, String digits, Path file, long line) {
        GemFlags flags;
        try {
            flags = GemFlags.parse(digits.trim());
        } catch (IllegalArgumentException e) {
            throw new TerminologyFormatException(file + ":" + line + ": " + e.getMessage());
        }
        boolean noMap = flags.noMap() || "NoDx".equalsIgnoreCase(target);
        ConceptMapEquivalence equivalence = noMap ? ConceptMapEquivalence.UNMATCHED
                : flags.approximate() ? ConceptMapEquivalence.INEXACT : ConceptMapEquivalence.EQUIVALENT;
        return new MapRow(StandardSystems.ICD9CM, source.trim(), StandardSystems.ICD10CM, noMap ? "" : target.trim(), null,
                equivalence, flags);
    }

    /** ICD-9-CM diagnosis titles: CMS {@code CMS32_DESC_LONG_DX.txt} (Latin-1) or the shipped CSV. */
    public static CodeSystemTable icd9cmDescriptions(Path file, String version) throws IOException {
        Map<String, Concept> concepts = new HashMap<>(20_000);
        String first = firstLine(file);
        if (first.startsWith("icd9cm")) {
            try (CsvReader csv = CsvReader.csv(file)) {
                Map<String, Integer> columns = CsvReader.columns(csv.next());
                int code = CsvReader.require(columns, "icd9cm", file);
                int display = CsvReader.require(columns, "long_description", file);
                for (String[] row = csv.next(); row != null; row = csv.next()) {
                    if (row.length > 1) {
                        String c = row[code].trim();
                        concepts.put(c, new Concept(c, CsvReader.field(row, display), true, "active"));
                    }
                }
            }
        } else {
            try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    int blank = line.indexOf(' ');
                    if (blank > 0) {
                        String c = line.substring(0, blank);
                        concepts.put(c, new Concept(c, line.substring(blank).trim(), true, "active"));
                    }
                }
            }
        }
        return new CodeSystemTable(StandardSystems.ICD9CM, version != null ? version : "unknown", file.toString(), concepts);
    }

    static String firstLine(Path file) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            String line = in.readLine();
            return line == null ? "" : line.replace("\u00EF\u00BB\u00BF", "").trim();
        }
    }

    private static String fiscalYear(Path file) {
        String year = year(file);
        return "unknown".equals(year) ? year : "FY" + year;
    }

    private static String year(Path file) {
        Matcher m = YEAR.matcher(file.getFileName().toString());
        return m.find() ? m.group(1) : "unknown";
    }
}
