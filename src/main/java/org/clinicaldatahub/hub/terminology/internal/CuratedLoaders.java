package org.clinicaldatahub.hub.terminology.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.clinicaldatahub.hub.terminology.CodeSystemTable;
import org.clinicaldatahub.hub.terminology.Concept;
import org.clinicaldatahub.hub.terminology.ConceptMapTable;
import org.clinicaldatahub.hub.terminology.MapRow;
import org.hl7.fhir.r4.model.Enumerations.ConceptMapEquivalence;

/**
 * The CSV layouts analysts write in {@code terminology/} (documented in terminology/README.md):
 * <pre>
 * concept map:  source_system,source_code,source_display,target_system,target_code,target_display,equivalence,comment
 * code system:  code,display,status
 * </pre>
 * Systems are canonical URIs. {@code equivalence} is a FHIR R4 ConceptMap equivalence code
 * (default {@code equivalent}); {@code unmatched} with an empty target records a deliberate
 * no-map. {@code status} is {@code active} (default) or anything else for an inactive code.
 */
public final class CuratedLoaders {

    /** Header of a concept map CSV, in this order. */
    public static final List<String> CONCEPT_MAP_HEADER = List.of("source_system", "source_code", "source_display",
            "target_system", "target_code", "target_display", "equivalence", "comment");
    /** Header of a code system CSV, in this order. */
    public static final List<String> CODE_SYSTEM_HEADER = List.of("code", "display", "status");
    private static final Set<String> ACTIVE = Set.of("", "active", "trial", "discouraged", "draft");

    private CuratedLoaders() {
    }

    public static ConceptMapTable conceptMapCsv(Path file, String name, String version, int precedence) throws IOException {
        List<MapRow> rows = new ArrayList<>();
        try (CsvReader csv = CsvReader.csv(file)) {
            checkHeader(csv.next(), CONCEPT_MAP_HEADER, file);
            for (String[] row = csv.next(); row != null; row = csv.next()) {
                if (row.length == 1 && row[0].isBlank()) {
                    continue;
                }
                String sourceSystem = CsvReader.field(row, 0).trim();
                String sourceCode = CsvReader.field(row, 1).trim();
                String targetSystem = CsvReader.field(row, 3).trim();
                String targetCode = CsvReader.field(row, 4).trim();
                ConceptMapEquivalence equivalence = equivalence(CsvReader.field(row, 6), file, csv.line());
                if (sourceSystem.isEmpty() || sourceCode.isEmpty() || targetSystem.isEmpty()
                        || (targetCode.isEmpty() && equivalence != ConceptMapEquivalence.UNMATCHED)) {
                    throw new TerminologyFormatException(file + ":" + csv.line()
                            + ": source_system, source_code, target_system and target_code are required"
                            + " (an empty target_code only with equivalence 'unmatched')");
                }
                rows.add(new MapRow(sourceSystem, sourceCode, targetSystem, targetCode,
                        CsvReader.field(row, 5).trim(), equivalence, null));
            }
        }
        return new ConceptMapTable(name, version, file.toString(), precedence, rows);
    }

    public static CodeSystemTable codeSystemCsv(Path file, String system, String version) throws IOException {
        Map<String, Concept> concepts = new HashMap<>();
        try (CsvReader csv = CsvReader.csv(file)) {
            checkHeader(csv.next(), CODE_SYSTEM_HEADER, file);
            for (String[] row = csv.next(); row != null; row = csv.next()) {
                if (row.length == 1 && row[0].isBlank()) {
                    continue;
                }
                String code = row[0].trim();
                String status = CsvReader.field(row, 2).trim().toLowerCase(Locale.ROOT);
                concepts.put(code, new Concept(code, CsvReader.field(row, 1).trim(), ACTIVE.contains(status),
                        status.isEmpty() ? "active" : status));
            }
        }
        return new CodeSystemTable(system, version, file.toString(), concepts);
    }

    static ConceptMapEquivalence equivalence(String text, Object file, long line) {
        String code = text.trim().toLowerCase(Locale.ROOT);
        if (code.isEmpty()) {
            return ConceptMapEquivalence.EQUIVALENT;
        }
        try {
            return ConceptMapEquivalence.fromCode(code);
        } catch (Exception e) {
            throw new TerminologyFormatException(file + ":" + line + ": unknown equivalence '" + text
                    + "' (FHIR R4: equivalent, equal, wider, subsumes, narrower, specializes, inexact, relatedto, unmatched, disjoint)");
        }
    }

    private static void checkHeader(String[] header, List<String> expected, Path file) {
        List<String> actual = header == null ? List.of() : List.of(header).stream().map(String::trim).toList();
        if (!actual.equals(expected)) {
            throw new TerminologyFormatException(file + ": the header must be '" + String.join(",", expected)
                    + "', was '" + String.join(",", actual) + "'");
        }
    }
}
