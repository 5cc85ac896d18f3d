package org.clinicaldatahub.hub.terminology.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
 * Loaders of SNOMED CT content:
 * <ul>
 * <li>RF2 snapshot (SNOMED CT Release File Specification, 3.2 and 4.2): {@code sct2_Concept_Snapshot}
 *     (id, effectiveTime, active, moduleId, definitionStatusId) and {@code sct2_Description_Snapshot}
 *     (id, effectiveTime, active, moduleId, conceptId, languageCode, typeId, term, caseSignificanceId),
 *     tab-separated UTF-8. The display is the active fully specified name without its semantic tag
 *     (preferred terms would need the language refset).</li>
 * <li>The extended map refset {@code der2_iisssccRefset_ExtendedMapSnapshot} (RF2 5.2.10): refset
 *     447562003 is the map to ICD-10 (WHO), 6011000124106 the US edition's map to ICD-10-CM. Only
 *     unconditional rules ({@code TRUE}, {@code OTHERWISE TRUE}) are used; a concept that needs
 *     codes from several map groups is a combination.</li>
 * <li>The Global Patient Set as shipped in {@code terminology/} (CSV: sctid, fully_specified_name,
 *     semantic_tag).</li>
 * </ul>
 */
public final class SnomedLoaders {

    /** Description type of a fully specified name. */
    static final String FSN = "900000000000003001";
    /** Extended map refset to ICD-10 (WHO). */
    static final String ICD10_REFSET = "447562003";
    /** Extended map refset to ICD-10-CM (US edition). */
    static final String ICD10CM_REFSET = "6011000124106";
    private static final Pattern RELEASE = Pattern.compile("_([A-Za-z0-9-]+)_(\\d{8})\\.txt$");

    private SnomedLoaders() {
    }

    /** RF2 concepts and their descriptions (any number of description files, e.g. per language). */
    public static CodeSystemTable rf2Snapshot(Path conceptFile, List<Path> descriptionFiles, String version) throws IOException {
        Map<String, Boolean> active = new HashMap<>(600_000);
        try (CsvReader rf2 = CsvReader.tabSeparated(conceptFile)) {
            header(rf2, conceptFile, "id", 5);
            for (String[] row = rf2.next(); row != null; row = rf2.next()) {
                if (row.length >= 5) {
                    active.put(row[0], "1".equals(row[2]));
                } else if (row.length > 1) {
                    throw new TerminologyFormatException(conceptFile + ":" + rf2.line() + ": expected 5 columns");
                }
            }
        }
        Map<String, String> names = new HashMap<>(active.size() * 4 / 3 + 1);
        for (Path descriptions : descriptionFiles) {
            try (CsvReader rf2 = CsvReader.tabSeparated(descriptions)) {
                header(rf2, descriptions, "id", 9);
                for (String[] row = rf2.next(); row != null; row = rf2.next()) {
                    if (row.length < 9) {
                        if (row.length > 1) {
                            throw new TerminologyFormatException(descriptions + ":" + rf2.line() + ": expected 9 columns");
                        }
                        continue;
                    }
                    if ("1".equals(row[2]) && FSN.equals(row[6])) {
                        names.put(row[4], withoutSemanticTag(row[7]));
                    }
                }
            }
        }
        Map<String, Concept> concepts = new HashMap<>(active.size() * 4 / 3 + 1);
        active.forEach((id, isActive) -> concepts.put(id,
                new Concept(id, names.getOrDefault(id, ""), isActive, isActive ? "active" : "inactive")));
        return new CodeSystemTable(StandardSystems.SNOMED_CT, version != null ? version : releaseOf(conceptFile),
                conceptFile.getParent().toString(), concepts);
    }

    /** The ICD-10 and ICD-10-CM maps of an extended map refset file; one table per refset found. */
    public static List<ConceptMapTable> extendedMap(Path file, String version, int precedence) throws IOException {
        // refset -> concept -> group -> the unconditional row (priority order)
        Map<String, Map<String, TreeMap<Integer, String[]>>> byRefset = new HashMap<>();
        try (CsvReader rf2 = CsvReader.tabSeparated(file)) {
            header(rf2, file, "id", 13);
            for (String[] row = rf2.next(); row != null; row = rf2.next()) {
                if (row.length < 13) {
                    if (row.length > 1) {
                        throw new TerminologyFormatException(file + ":" + rf2.line() + ": expected 13 columns");
                    }
                    continue;
                }
                String refset = row[4];
                if (!"1".equals(row[2]) || !(ICD10_REFSET.equals(refset) || ICD10CM_REFSET.equals(refset))) {
                    continue;
                }
                String rule = row[8].trim();
                if (!rule.equalsIgnoreCase("TRUE") && !rule.equalsIgnoreCase("OTHERWISE TRUE")) {
                    continue;
                }
                TreeMap<Integer, String[]> groups = byRefset.computeIfAbsent(refset, r -> new HashMap<>())
                        .computeIfAbsent(row[5], c -> new TreeMap<>());
                groups.putIfAbsent(Integer.parseInt(row[6]), row);
            }
        }
        List<ConceptMapTable> tables = new ArrayList<>();
        String resolved = version != null ? version : releaseOf(file);
        byRefset.forEach((refset, concepts) -> {
            boolean cm = ICD10CM_REFSET.equals(refset);
            String target = cm ? StandardSystems.ICD10CM : StandardSystems.ICD10;
            List<MapRow> rows = new ArrayList<>(concepts.size() + 16);
            concepts.forEach((concept, groups) -> {
                boolean combination = groups.size() > 1;
                groups.forEach((group, row) -> {
                    String code = row[10].trim();
                    boolean otherwise = row[8].trim().toUpperCase().startsWith("OTHERWISE");
                    ConceptMapEquivalence equivalence = code.isEmpty() ? ConceptMapEquivalence.UNMATCHED
                            : otherwise || combination ? ConceptMapEquivalence.INEXACT : ConceptMapEquivalence.EQUIVALENT;
                    GemFlags flags = combination ? new GemFlags(otherwise, code.isEmpty(), true, 1, group) : null;
                    rows.add(new MapRow(StandardSystems.SNOMED_CT, concept, target, code, null, equivalence, flags));
                });
            });
            tables.add(new ConceptMapTable("SNOMED CT to " + (cm ? "ICD-10-CM" : "ICD-10") + " (refset " + refset + ")",
                    resolved, file.toString(), precedence, rows));
        });
        return tables;
    }

    /** The Global Patient Set as shipped: {@code sctid,fully_specified_name,semantic_tag}. */
    public static CodeSystemTable globalPatientSet(Path file, String version) throws IOException {
        Map<String, Concept> concepts = new HashMap<>(40_000);
        try (CsvReader csv = CsvReader.csv(file)) {
            Map<String, Integer> columns = CsvReader.columns(csv.next());
            int id = CsvReader.require(columns, "sctid", file);
            int fsn = CsvReader.require(columns, "fully_specified_name", file);
            for (String[] row = csv.next(); row != null; row = csv.next()) {
                if (row.length > 1) {
                    concepts.put(row[id], new Concept(row[id], withoutSemanticTag(row[fsn]), true, "active"));
                }
            }
        }
        return new CodeSystemTable(StandardSystems.SNOMED_CT, version != null ? version : "GPS", file.toString(), concepts);
    }

    static String withoutSemanticTag(String fsn) {
        int open = fsn.lastIndexOf(" (");
        return open > 0 && fsn.endsWith(")") ? fsn.substring(0, open) : fsn;
    }

    /** {@code INT_20240301} from {@code sct2_Concept_Snapshot_INT_20240301.txt}. */
    static String releaseOf(Path file) {
        Matcher m = RELEASE.matcher(file.getFileName().toString());
        return m.find() ? m.group(1) + "_" + m.group(2) : "unknown";
    }

    private static void header(CsvReader rf2, Path file, String firstColumn, int columns) throws IOException {
        String[] header = rf2.next();
        if (header == null || header.length < columns || !firstColumn.equals(header[0])) {
            throw new TerminologyFormatException(file + ": not an RF2 file (expected a header of " + columns
                    + " columns starting with '" + firstColumn + "')");
        }
    }
}
