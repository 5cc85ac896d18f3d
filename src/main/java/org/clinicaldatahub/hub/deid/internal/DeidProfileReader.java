package org.clinicaldatahub.hub.deid.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.clinicaldatahub.hub.deid.DeidAction;
import org.clinicaldatahub.hub.deid.DeidProfile;
import org.clinicaldatahub.hub.deid.DeidRule;
import org.clinicaldatahub.hub.deid.InvalidDeidProfileException;
import org.clinicaldatahub.hub.deid.RestrictedZip3;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Reads one profile file strictly: unknown settings, actions, segments, field numbers, FHIR
 * elements and selectors are each reported as {@code file:line: problem}, all at once. A profile
 * may {@code extends} another; its rules then replace or add to the parent's, path by path.
 */
public final class DeidProfileReader {

    private static final Set<String> TOP = Set.of("profile", "version", "title", "regulation", "description",
            "extends", "settings", "hl7", "fhir");
    private static final Set<String> SETTINGS = Set.of("dateShift", "ageCap", "restrictedZip3",
            "restrictedZip3Lists");
    private static final Set<String> HL7 = Set.of("unknownSegments", "rules");
    private static final Set<String> FHIR = Set.of("unknownExtensions", "rules");
    private static final Set<String> RULE = Set.of("action", "namespace", "by", "cases", "otherwise");
    private static final Set<String> FHIR_SELECTORS = Set.of("type", "system", "use", "code");
    private static final Set<DeidAction> UNKNOWN_DEFAULTS = Set.of(DeidAction.REMOVE, DeidAction.KEEP,
            DeidAction.REJECT);
    private static final Pattern HL7_PATH = Pattern.compile("([A-Z][A-Z0-9]{2})(?:-(\\d+)(?:-(\\d+))?)?");
    private static final Pattern NAMESPACE = Pattern.compile("[a-z][a-z0-9-]{0,39}");

    private final Path file;
    private final ProfileYaml yaml;
    private final Function<String, DeidProfile> parents;

    /** @param parents loads a profile by name, for {@code extends} */
    public DeidProfileReader(Path file, Function<String, DeidProfile> parents) {
        this.file = file;
        this.yaml = new ProfileYaml(file.getFileName().toString());
        this.parents = parents;
    }

    public DeidProfile read() {
        Node root = yaml.read(file);
        Map<String, Node> top = yaml.mapping(root, "profile file", TOP);
        String expectedName = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
        String name = required(top, "profile");
        if (name != null && !name.equals(expectedName)) {
            yaml.problem(top.get("profile"), "profile '" + name + "' must be named like its file ('" + expectedName + "')");
        }
        String version = required(top, "version");
        String title = yaml.text(top.get("title"), "title");
        DeidProfile parent = null;
        String parentName = yaml.text(top.get("extends"), "extends");
        if (parentName != null) {
            try {
                parent = parents.apply(parentName);
            } catch (InvalidDeidProfileException e) {
                yaml.problem(top.get("extends"), "extends '" + parentName + "', which cannot be loaded: " + e.getMessage());
            }
        }

        Map<String, Node> settings = yaml.mapping(top.get("settings"), "settings", SETTINGS);
        boolean dateShift = bool(settings.get("dateShift"), parent != null && parent.dateShift());
        int ageCap = ageCap(settings.get("ageCap"), parent == null ? 89 : parent.ageCap());
        Set<String> zip3 = parent == null ? Set.of() : parent.restrictedZip3();
        if (settings.containsKey("restrictedZip3") || parent == null) {
            zip3 = restrictedZip3(settings);
        }

        Map<String, Node> hl7 = yaml.mapping(top.get("hl7"), "hl7", HL7);
        DeidAction unknownSegments = unknownDefault(hl7.get("unknownSegments"), "hl7.unknownSegments",
                parent == null ? DeidAction.REMOVE : parent.unknownSegments());
        Map<String, DeidRule> hl7Rules = new LinkedHashMap<>(parent == null ? Map.of() : parent.hl7Rules());
        for (Map.Entry<ScalarNode, Node> entry : yaml.entries(hl7.get("rules"), "hl7.rules").entrySet()) {
            String path = entry.getKey().getValue();
            String problem = hl7PathProblem(path);
            if (problem != null) {
                yaml.problem(entry.getKey(), "hl7 path '" + path + "': " + problem);
                continue;
            }
            DeidRule rule = rule(path, entry.getValue(), true);
            if (rule != null) {
                hl7Rules.put(path, rule);
            }
        }

        Map<String, Node> fhir = yaml.mapping(top.get("fhir"), "fhir", FHIR);
        DeidAction unknownExtensions = unknownDefault(fhir.get("unknownExtensions"), "fhir.unknownExtensions",
                parent == null ? DeidAction.REMOVE : parent.unknownExtensions());
        Map<String, DeidRule> fhirRules = new LinkedHashMap<>(parent == null ? Map.of() : parent.fhirRules());
        for (Map.Entry<ScalarNode, Node> entry : yaml.entries(fhir.get("rules"), "fhir.rules").entrySet()) {
            String path = entry.getKey().getValue();
            String problem = FhirPathCatalog.problem(path);
            if (problem != null) {
                yaml.problem(entry.getKey(), "fhir path '" + path + "': " + problem);
                continue;
            }
            DeidRule rule = rule(path, entry.getValue(), false);
            if (rule != null) {
                fhirRules.put(path, rule);
            }
        }

        if (!yaml.problems().isEmpty()) {
            throw new InvalidDeidProfileException(String.join("\n", yaml.problems()));
        }
        return new DeidProfile(name, version, title == null ? name : title, file.toString(), dateShift, ageCap, zip3,
                unknownSegments, Map.copyOf(hl7Rules), unknownExtensions, Map.copyOf(fhirRules));
    }

    private String required(Map<String, Node> top, String key) {
        String value = yaml.text(top.get(key), key);
        if (value == null || value.isBlank()) {
            yaml.problem(key + " is required");
        }
        return value;
    }

    private boolean bool(Node node, boolean inherited) {
        String text = yaml.text(node, "dateShift");
        if (text == null) {
            return inherited;
        }
        if (!text.equals("true") && !text.equals("false")) {
            yaml.problem(node, "dateShift must be true or false, was '" + text + "'");
        }
        return Boolean.parseBoolean(text);
    }

    private int ageCap(Node node, int inherited) {
        String text = yaml.text(node, "ageCap");
        if (text == null) {
            return inherited;
        }
        try {
            int value = Integer.parseInt(text.trim());
            if (value > 0 && value < 150) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        yaml.problem(node, "ageCap must be a whole number of years between 1 and 149, was '" + text + "'");
        return inherited;
    }

    private Set<String> restrictedZip3(Map<String, Node> settings) {
        Node tableNode = settings.get("restrictedZip3");
        String table = yaml.text(tableNode, "restrictedZip3");
        if (table == null) {
            yaml.problem("settings.restrictedZip3 is required (the CSV of restricted ZIP3 prefixes)");
            return Set.of();
        }
        List<String> lists = new ArrayList<>();
        for (Node list : yaml.sequence(settings.get("restrictedZip3Lists"), "restrictedZip3Lists")) {
            lists.add(yaml.text(list, "restrictedZip3Lists entry"));
        }
        if (lists.isEmpty()) {
            yaml.problem(tableNode, "settings.restrictedZip3Lists must name at least one column of " + table);
            return Set.of();
        }
        try {
            return RestrictedZip3.load(file.resolveSibling(table), lists);
        } catch (IOException e) {
            yaml.problem(tableNode, "restrictedZip3 '" + table + "' cannot be used: " + e.getMessage());
            return Set.of();
        }
    }

    private DeidAction unknownDefault(Node node, String what, DeidAction inherited) {
        String text = yaml.text(node, what);
        if (text == null) {
            return inherited;
        }
        DeidAction action = DeidAction.fromWireName(text).orElse(null);
        if (action == null || !UNKNOWN_DEFAULTS.contains(action)) {
            yaml.problem(node, what + " must be remove, keep or reject, was '" + text + "'");
            return inherited;
        }
        return action;
    }

    /** Null when the path is valid. Segment paths take keep or remove (the default for their unlisted fields). */
    static String hl7PathProblem(String path) {
        Matcher m = HL7_PATH.matcher(path);
        if (!m.matches()) {
            return "write SEG, SEG-field or SEG-field-component (e.g. PID, PID-11, PID-11-5)";
        }
        String segment = m.group(1);
        if (Hl7SegmentCatalog.isSiteDefined(segment)) {
            return null;
        }
        OptionalInt fields = Hl7SegmentCatalog.fieldCount(segment);
        if (fields.isEmpty()) {
            return "no HL7 v2 segment is called " + segment + " (site segments start with Z)";
        }
        if (m.group(2) != null) {
            int field = Integer.parseInt(m.group(2));
            if (field < 1 || field > fields.getAsInt()) {
                return segment + " has fields 1 to " + fields.getAsInt();
            }
            if (segment.equals("MSH") && field <= 2) {
                return "MSH-1 and MSH-2 are the delimiters and are always kept";
            }
            if (m.group(3) != null && Integer.parseInt(m.group(3)) < 1) {
                return "components are numbered from 1";
            }
        }
        return null;
    }

    private DeidRule rule(String path, Node node, boolean hl7) {
        int line = ProfileYaml.line(node);
        boolean segmentPath = hl7 && !path.contains("-");
        if (node instanceof ScalarNode) {
            DeidAction action = action(node, path);
            if (action == null) {
                return null;
            }
            if (segmentPath && action != DeidAction.KEEP && action != DeidAction.REMOVE) {
                yaml.problem(node, path + ": a segment takes keep or remove (what happens to its unlisted fields)");
                return null;
            }
            return new DeidRule(path, yaml.source(), line, action, null, null, Map.of(), null);
        }
        if (!(node instanceof MappingNode)) {
            yaml.problem(node, path + ": write an action, or a mapping with action/namespace or by/cases/otherwise");
            return null;
        }
        if (segmentPath) {
            yaml.problem(node, path + ": a segment takes keep or remove (what happens to its unlisted fields)");
            return null;
        }
        Map<String, Node> parts = yaml.mapping(node, path, RULE);
        String namespace = yaml.text(parts.get("namespace"), path + ".namespace");
        if (namespace != null && !NAMESPACE.matcher(namespace).matches()) {
            yaml.problem(parts.get("namespace"), path + ": namespace must be lower-case letters, digits and '-'");
        }
        if (parts.containsKey("by")) {
            String by = yaml.text(parts.get("by"), path + ".by");
            if (by != null && hl7 && (hl7PathProblem(by) != null || !by.substring(0, 3).equals(path.substring(0, 3))
                    || !by.contains("-"))) {
                yaml.problem(parts.get("by"), path + ": by must name a field or component of the same segment, e.g. OBX-2");
            }
            if (by != null && !hl7 && !FHIR_SELECTORS.contains(by)) {
                yaml.problem(parts.get("by"), path + ": by must be one of " + FHIR_SELECTORS);
            }
            Map<String, DeidRule> cases = new LinkedHashMap<>();
            for (Map.Entry<ScalarNode, Node> entry : yaml.entries(parts.get("cases"), path + ".cases").entrySet()) {
                DeidRule caseRule = rule(path, entry.getValue(), hl7);
                if (caseRule != null) {
                    cases.put(entry.getKey().getValue(), withNamespace(caseRule, namespace));
                }
            }
            if (!parts.containsKey("otherwise")) {
                yaml.problem(node, path + ": a rule with by needs otherwise (what happens to values not listed)");
                return null;
            }
            DeidRule otherwise = rule(path, parts.get("otherwise"), hl7);
            return otherwise == null ? null
                    : new DeidRule(path, yaml.source(), line, null, namespace, by, Map.copyOf(cases),
                            withNamespace(otherwise, namespace));
        }
        if (!parts.containsKey("action")) {
            yaml.problem(node, path + ": a mapping rule needs action (or by/cases/otherwise)");
            return null;
        }
        DeidAction action = action(parts.get("action"), path);
        return action == null ? null : new DeidRule(path, yaml.source(), line, action, namespace, null, Map.of(), null);
    }

    private static DeidRule withNamespace(DeidRule rule, String namespace) {
        if (namespace == null || rule.namespace() != null || rule.isChoice()) {
            return rule;
        }
        return new DeidRule(rule.path(), rule.source(), rule.line(), rule.action(), namespace, null, Map.of(), null);
    }

    private DeidAction action(Node node, String path) {
        String text = yaml.text(node, path);
        DeidAction action = text == null ? null : DeidAction.fromWireName(text).orElse(null);
        if (action == null || action == DeidAction.REJECT) {
            yaml.problem(node, path + ": unknown action '" + text + "' (allowed: " + DeidAction.fieldActionNames() + ")");
            return null;
        }
        return action;
    }
}
