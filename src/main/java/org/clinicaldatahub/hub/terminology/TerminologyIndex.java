package org.clinicaldatahub.hub.terminology;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.hl7.fhir.r4.model.Enumerations.ConceptMapEquivalence;

/**
 * Every loaded code system and concept map, immutable, with each translation worked out when the
 * index is built: a lookup is three hash-map reads and no allocation. The mapper takes the
 * current index once per message, so a reload (a new index swapped in) never changes the tables
 * under a message being mapped.
 */
public final class TerminologyIndex {

    private final Map<String, CodeSystemTable> codeSystems;
    /** source system -> target system -> source code -> translation. */
    private final Map<String, Map<String, Map<String, Translation>>> translations;
    private final List<LoadedTable> tables;

    private TerminologyIndex(Map<String, CodeSystemTable> codeSystems,
            Map<String, Map<String, Map<String, Translation>>> translations, List<LoadedTable> tables) {
        this.codeSystems = codeSystems;
        this.translations = translations;
        this.tables = List.copyOf(tables);
    }

    /** An index without any table (before the first load, or in tests). */
    public static TerminologyIndex empty() {
        return new TerminologyIndex(Map.of(), Map.of(), List.of());
    }

    /**
     * Translates a code into the target system.
     *
     * @return what to add, or why nothing is added; never null
     */
    public Translation translate(String sourceSystem, String code, String targetSystem) {
        code = IcdCodes.normalize(sourceSystem, code);
        if (sourceSystem.equals(targetSystem)) {
            return checkStandard(targetSystem, code);
        }
        Map<String, Map<String, Translation>> byTarget = translations.get(sourceSystem);
        Map<String, Translation> byCode = byTarget == null ? null : byTarget.get(targetSystem);
        Translation translation = byCode == null ? null : byCode.get(code);
        return translation != null ? translation : Translation.of(MappingOutcome.UNMAPPED, targetSystem, List.of());
    }

    private Translation checkStandard(String system, String code) {
        CodeSystemTable table = codeSystems.get(system);
        if (table == null) {
            return Translation.of(MappingOutcome.STANDARD, system, List.of());
        }
        Concept concept = table.concept(code);
        return concept != null && concept.active()
                ? new Translation(MappingOutcome.STANDARD, system, concept, null, null, List.of())
                : Translation.of(MappingOutcome.UNKNOWN_CODE, system, List.of(code));
    }

    /** The concept of a loaded code system, or null when the system is not loaded or the code unknown. */
    public Concept concept(String system, String code) {
        CodeSystemTable table = codeSystems.get(system);
        return table == null ? null : table.concept(code);
    }

    /** The loaded table of a code system, or null. */
    public CodeSystemTable codeSystem(String system) {
        return codeSystems.get(system);
    }

    /** Every table read for this index, with versions, in load order. */
    public List<LoadedTable> tables() {
        return tables;
    }

    /** Number of source codes with a precomputed translation (all systems). */
    public int translationCount() {
        return translations.values().stream().flatMap(m -> m.values().stream()).mapToInt(Map::size).sum();
    }

    /**
     * Builds an index. Code systems given later replace earlier ones of the same system (the
     * release directory is passed after the shipped files); concept maps are merged, the highest
     * precedence winning per source code and target system.
     *
     * @param requireLoadedTargetSystem when true, a target in a code system that is not loaded is
     *        refused; when false it is added unverified (LOINC is licensed and may be absent)
     */
    public static TerminologyIndex build(List<CodeSystemTable> codeSystems, List<LoadedTable> codeSystemInfo,
            List<ConceptMapTable> maps, List<LoadedTable> mapInfo, boolean requireLoadedTargetSystem) {
        Map<String, CodeSystemTable> systems = new HashMap<>();
        Map<String, Integer> winner = new HashMap<>();
        for (int i = 0; i < codeSystems.size(); i++) {
            systems.put(codeSystems.get(i).system(), codeSystems.get(i));
            winner.put(codeSystems.get(i).system(), i);
        }
        List<LoadedTable> tables = new ArrayList<>();
        for (int i = 0; i < codeSystemInfo.size(); i++) {
            LoadedTable info = codeSystemInfo.get(i);
            tables.add(winner.get(info.name()) == i ? info : info.superseded());
        }
        tables.addAll(mapInfo);
        Map<String, Map<String, Map<String, Translation>>> translations =
                new Compiler(systems, requireLoadedTargetSystem).compile(maps);
        return new TerminologyIndex(Map.copyOf(systems), translations, tables);
    }

    /** Turns map rows into one translation per source code and target system. */
    private static final class Compiler {
        private final Map<String, CodeSystemTable> systems;
        private final boolean requireLoadedTargetSystem;

        Compiler(Map<String, CodeSystemTable> systems, boolean requireLoadedTargetSystem) {
            this.systems = systems;
            this.requireLoadedTargetSystem = requireLoadedTargetSystem;
        }

        Map<String, Map<String, Map<String, Translation>>> compile(List<ConceptMapTable> maps) {
            // source system -> target system -> code -> rows of the highest precedence seen
            Map<String, Map<String, Map<String, Ranked>>> grouped = new HashMap<>();
            for (ConceptMapTable map : maps) {
                for (MapRow row : map.rows()) {
                    Map<String, Ranked> byCode = grouped.computeIfAbsent(row.sourceSystem(), s -> new HashMap<>())
                            .computeIfAbsent(row.targetSystem(), t -> new HashMap<>());
                    String sourceCode = IcdCodes.normalize(row.sourceSystem(), row.sourceCode());
                    Ranked ranked = byCode.get(sourceCode);
                    if (ranked == null || map.precedence() > ranked.precedence) {
                        ranked = new Ranked(map.precedence());
                        byCode.put(sourceCode, ranked);
                    }
                    if (map.precedence() == ranked.precedence) {
                        ranked.rows.add(row);
                    }
                }
            }
            Map<String, Map<String, Map<String, Translation>>> result = new HashMap<>();
            grouped.forEach((source, byTarget) -> {
                Map<String, Map<String, Translation>> targets = new HashMap<>();
                byTarget.forEach((target, byCode) -> {
                    Map<String, Translation> codes = new HashMap<>(byCode.size() * 4 / 3 + 1);
                    byCode.forEach((code, ranked) -> codes.put(code, translate(target, ranked.rows)));
                    targets.put(target, codes);
                });
                result.put(source, targets);
            });
            return result;
        }

        private Translation translate(String targetSystem, List<MapRow> rows) {
            List<MapRow> usable = rows.stream().filter(r -> !r.isNoMap()).toList();
            if (usable.isEmpty()) {
                return Translation.of(MappingOutcome.NO_MAP, targetSystem, List.of());
            }
            List<MapRow> single = usable.stream().filter(r -> !r.isCombination()).toList();
            if (single.isEmpty()) {
                return Translation.of(MappingOutcome.COMBINATION, targetSystem, combinations(usable));
            }
            Set<String> codes = new LinkedHashSet<>();
            single.forEach(r -> codes.add(IcdCodes.normalize(targetSystem, r.targetCode())));
            if (codes.size() > 1) {
                return Translation.of(MappingOutcome.AMBIGUOUS, targetSystem, List.copyOf(codes));
            }
            MapRow row = single.get(0);
            String targetCode = codes.iterator().next();
            CodeSystemTable table = systems.get(targetSystem);
            Concept concept;
            if (table != null) {
                concept = table.concept(targetCode);
                if (concept == null || !concept.active()) {
                    return Translation.of(MappingOutcome.TARGET_INVALID, targetSystem, List.of(targetCode));
                }
            } else if (requireLoadedTargetSystem) {
                return Translation.of(MappingOutcome.TARGET_INVALID, targetSystem, List.of(targetCode));
            } else {
                concept = new Concept(targetCode, row.targetDisplay(), true, Concept.UNVERIFIED);
            }
            ConceptMapEquivalence equivalence = row.equivalence() != null ? row.equivalence()
                    : ConceptMapEquivalence.EQUIVALENT;
            return Translation.mapped(targetSystem, concept, equivalence, row.gemFlags());
        }

        /** One entry per GEM scenario: choice lists joined by '+', alternatives within one by '|'. */
        private static List<String> combinations(Collection<MapRow> rows) {
            Map<Integer, Map<Integer, List<String>>> scenarios = new TreeMap<>();
            for (MapRow row : rows) {
                int scenario = row.gemFlags() == null ? 0 : row.gemFlags().scenario();
                int choiceList = row.gemFlags() == null ? 0 : row.gemFlags().choiceList();
                scenarios.computeIfAbsent(scenario, s -> new TreeMap<>())
                        .computeIfAbsent(choiceList, c -> new ArrayList<>()).add(row.targetCode());
            }
            List<String> result = new ArrayList<>();
            scenarios.values().forEach(lists -> result.add(String.join("+",
                    lists.values().stream().map(alternatives -> String.join("|", alternatives)).toList())));
            return result;
        }
    }

    private static final class Ranked {
        final int precedence;
        final List<MapRow> rows = new ArrayList<>(2);

        Ranked(int precedence) {
            this.precedence = precedence;
        }
    }

    @Override
    public String toString() {
        Map<String, Integer> sizes = new LinkedHashMap<>();
        codeSystems.forEach((s, t) -> sizes.put(s, t.size()));
        return "TerminologyIndex" + sizes + ", " + translationCount() + " translations";
    }
}
