package org.clinicaldatahub.hub.genomics;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The analyst-owned rules of {@code mappings/genomics-deid.yaml}: what happens to each sample
 * sheet column and header field, which {@code ##SAMPLE} keys a de-identified VCF keeps, whether BAM
 * read groups get a de-identified copy. Read strictly: an unknown key or action stops the hub with
 * the file and the problem, since a typo here would leak identifiers into research data.
 */
public record GenomicsDeidPolicy(String patientIdIssuer, Pattern patientIdentifierPattern,
        Map<String, Action> columns, Action otherColumns, Map<String, Action> headerFields, Action otherHeaderFields,
        Set<String> sampleLineKeys, boolean pseudonymizeBamReadGroups) {

    /** What happens to one value. */
    public enum Action {
        SAMPLE, PATIENT, REMOVE, KEEP;

        static Action parse(Object value, String where, List<String> problems) {
            try {
                return valueOf(String.valueOf(value).trim().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                problems.add(where + ": action must be sample, patient, remove or keep, was '" + value + "'");
                return REMOVE;
            }
        }
    }

    public Action column(String name) {
        return columns.getOrDefault(name.trim(), otherColumns);
    }

    public Action headerField(String name) {
        return headerFields.getOrDefault(name.trim(), otherHeaderFields);
    }

    public static GenomicsDeidPolicy load(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(new Yaml(new SafeConstructor(new LoaderOptions())).load(in), file.toString());
        }
    }

    @SuppressWarnings("unchecked")
    static GenomicsDeidPolicy parse(Object document, String source) {
        List<String> problems = new ArrayList<>();
        Map<String, Object> root = map(document, "top level", problems);
        only(root, Set.of("version", "patientIdIssuer", "patientIdentifierPattern", "sampleSheet", "vcf", "bam"),
                "top level", problems);
        Pattern pattern = null;
        Object patternText = root.get("patientIdentifierPattern");
        if (patternText != null) {
            try {
                pattern = Pattern.compile(String.valueOf(patternText));
                if (!String.valueOf(patternText).contains("(?<mrn>")) {
                    problems.add("patientIdentifierPattern: needs a named group (?<mrn>...)");
                }
            } catch (PatternSyntaxException e) {
                problems.add("patientIdentifierPattern: not a regular expression: " + e.getDescription());
            }
        }
        Map<String, Object> sheet = map(root.get("sampleSheet"), "sampleSheet", problems);
        only(sheet, Set.of("columns", "otherColumns", "headerFields", "otherHeaderFields"), "sampleSheet", problems);
        Map<String, Action> columns = actions(sheet.get("columns"), "sampleSheet.columns", problems);
        Map<String, Action> header = actions(sheet.get("headerFields"), "sampleSheet.headerFields", problems);
        Action otherColumns = Action.parse(sheet.getOrDefault("otherColumns", "remove"), "sampleSheet.otherColumns", problems);
        Action otherHeader = Action.parse(sheet.getOrDefault("otherHeaderFields", "keep"), "sampleSheet.otherHeaderFields",
                problems);
        Map<String, Object> vcf = map(root.get("vcf"), "vcf", problems);
        only(vcf, Set.of("sampleLineKeys"), "vcf", problems);
        Object keys = vcf.getOrDefault("sampleLineKeys", List.of("ID"));
        Set<String> sampleLineKeys = keys instanceof List<?> list
                ? Set.copyOf(list.stream().map(String::valueOf).toList()) : Set.of("ID");
        Map<String, Object> bam = map(root.get("bam"), "bam", problems);
        only(bam, Set.of("readGroupSamples"), "bam", problems);
        String readGroups = String.valueOf(bam.getOrDefault("readGroupSamples", "skip"));
        if (!readGroups.equals("pseudonymize") && !readGroups.equals("skip")) {
            problems.add("bam.readGroupSamples: must be pseudonymize or skip, was '" + readGroups + "'");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(source + ": " + String.join("; ", problems));
        }
        return new GenomicsDeidPolicy(String.valueOf(root.getOrDefault("patientIdIssuer", "")), pattern,
                Map.copyOf(columns), otherColumns, Map.copyOf(header), otherHeader, sampleLineKeys,
                readGroups.equals("pseudonymize"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object node, String where, List<String> problems) {
        if (node == null) {
            return Map.of();
        }
        if (!(node instanceof Map<?, ?>)) {
            problems.add(where + ": expected a mapping");
            return Map.of();
        }
        return (Map<String, Object>) node;
    }

    private static void only(Map<String, Object> node, Set<String> allowed, String where, List<String> problems) {
        node.keySet().stream().filter(key -> !allowed.contains(key))
                .forEach(key -> problems.add(where + ": unknown key '" + key + "' (known: " + allowed + ")"));
    }

    private static Map<String, Action> actions(Object node, String where, List<String> problems) {
        Map<String, Action> actions = new LinkedHashMap<>();
        map(node, where, problems).forEach((name, action) ->
                actions.put(name.trim(), Action.parse(action, where + "." + name, problems)));
        return actions;
    }
}
