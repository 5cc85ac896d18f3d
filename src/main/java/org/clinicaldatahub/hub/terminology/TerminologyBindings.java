package org.clinicaldatahub.hub.terminology;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.clinicaldatahub.hub.terminology.internal.TerminologyFormatException;

/**
 * The analyst-owned {@code mappings/terminology-bindings.yaml}: which coded fields are mapped to
 * which standard systems, how HL7 v2 coding-system names (table 0396) translate to system URIs,
 * and which URI a sender's local codes belong to. The file's own comments document the format.
 */
public final class TerminologyBindings {

    /** One coding system: its URI, the HL7 v2 names for it (the first is written), dotted ICD codes. */
    public record CodingSystem(String uri, List<String> v2Names, boolean dotted) {
        /** The name written into CE-6 / CWE-6 for this system. */
        public String v2Name() {
            return v2Names.isEmpty() ? uri : v2Names.get(0);
        }
    }

    /** Local codes of a sender: facility (MSH-4.1), optional CE-3 name, and the system URI. */
    public record LocalSystem(String sendingFacility, String codingSystem, String uri) {
    }

    /**
     * An HL7 v2 coded field (CE/CWE) and the systems its codes are mapped to, in order.
     *
     * @param codingSystemField a field of the same segment naming the coding system when the
     *        coded field has no component 3 (v2.1/v2.2 DG1-3 is a bare code, DG1-2 its coding
     *        method); 0 for none
     */
    public record Hl7Binding(String segment, int field, List<String> targets, int codingSystemField) {
    }

    /** A FHIR CodeableConcept element (path as HAPI's FhirTerser reads it) and its target systems. */
    public record FhirBinding(String resource, String path, List<String> targets) {
    }

    private final Map<String, CodingSystem> byUri;
    private final Map<String, CodingSystem> byV2Name;
    private final List<LocalSystem> localSystems;
    private final String defaultLocalSystem;
    private final Map<String, List<Hl7Binding>> hl7BySegment;
    private final List<FhirBinding> fhir;
    private final String origin;

    private TerminologyBindings(List<CodingSystem> systems, List<LocalSystem> localSystems, String defaultLocalSystem,
            List<Hl7Binding> hl7, List<FhirBinding> fhir, String origin) {
        Map<String, CodingSystem> uris = new HashMap<>();
        Map<String, CodingSystem> names = new HashMap<>();
        for (CodingSystem system : systems) {
            uris.put(system.uri(), system);
            system.v2Names().forEach(n -> names.put(n.toUpperCase(Locale.ROOT), system));
        }
        this.byUri = Map.copyOf(uris);
        this.byV2Name = Map.copyOf(names);
        this.localSystems = List.copyOf(localSystems);
        this.defaultLocalSystem = defaultLocalSystem;
        Map<String, List<Hl7Binding>> bySegment = new LinkedHashMap<>();
        hl7.forEach(b -> bySegment.computeIfAbsent(b.segment(), s -> new ArrayList<>()).add(b));
        bySegment.replaceAll((s, l) -> List.copyOf(l));
        this.hl7BySegment = Map.copyOf(bySegment);
        this.fhir = List.copyOf(fhir);
        this.origin = origin;
    }

    public static TerminologyBindings load(Path file) {
        try {
            return parse(new ObjectMapper(new YAMLFactory()).readTree(Files.readAllBytes(file)), file.toString());
        } catch (IOException e) {
            throw new TerminologyFormatException(file + ": cannot read the terminology bindings: " + e.getMessage(), e);
        }
    }

    static TerminologyBindings parse(JsonNode root, String origin) {
        if (root == null || !root.isObject()) {
            throw new TerminologyFormatException(origin + ": empty or not a YAML mapping");
        }
        List<CodingSystem> systems = new ArrayList<>();
        for (JsonNode node : list(root, "codingSystems", origin)) {
            systems.add(new CodingSystem(required(node, "uri", origin), strings(node.get("v2")),
                    node.path("dotted").asBoolean(false)));
        }
        JsonNode local = root.path("localSystems");
        List<LocalSystem> locals = new ArrayList<>();
        for (JsonNode node : local.path("rules")) {
            locals.add(new LocalSystem(required(node, "sendingFacility", origin),
                    node.hasNonNull("codingSystem") ? node.get("codingSystem").asText() : null, required(node, "uri", origin)));
        }
        String defaultLocal = local.path("default").asText("urn:clinicaldatahub:local:{facility}:{codingSystem}");
        List<Hl7Binding> hl7 = new ArrayList<>();
        for (JsonNode node : list(root, "hl7v2", origin)) {
            int field = node.path("field").asInt(0);
            String segment = required(node, "segment", origin);
            if (field < 1 || !segment.matches("[A-Z][A-Z0-9]{2}")) {
                throw new TerminologyFormatException(origin + ": hl7v2 binding needs a segment name and a field number >= 1");
            }
            hl7.add(new Hl7Binding(segment, field, targets(node, origin), node.path("codingSystemField").asInt(0)));
        }
        List<FhirBinding> fhir = new ArrayList<>();
        for (JsonNode node : list(root, "fhir", origin)) {
            fhir.add(new FhirBinding(required(node, "resource", origin), required(node, "path", origin), targets(node, origin)));
        }
        return new TerminologyBindings(systems, locals, defaultLocal, hl7, fhir, origin);
    }

    /** The system URI of an HL7 v2 coding-system name, or null when it is not a known standard. */
    public CodingSystem v2System(String name) {
        return name == null || name.isEmpty() ? null : byV2Name.get(name.toUpperCase(Locale.ROOT));
    }

    /** The coding system of a URI, or null. */
    public CodingSystem system(String uri) {
        return byUri.get(uri);
    }

    /** The URI of a local code sent by {@code facility} with coding-system name {@code codingSystem}. */
    public String localSystem(String facility, String codingSystem) {
        for (LocalSystem rule : localSystems) {
            if (rule.sendingFacility().equalsIgnoreCase(facility)
                    && (rule.codingSystem() == null || rule.codingSystem().equalsIgnoreCase(codingSystem))) {
                return rule.uri();
            }
        }
        return defaultLocalSystem.replace("{facility}", facility).replace("{codingSystem}", codingSystem);
    }

    /** The bindings of one segment (empty when none). */
    public List<Hl7Binding> hl7(String segment) {
        return hl7BySegment.getOrDefault(segment, List.of());
    }

    public List<FhirBinding> fhir() {
        return fhir;
    }

    /** Writes a code the way its system spells it (ICD-10-CM {@code E119} as {@code E11.9}). */
    public String present(String system, String code) {
        CodingSystem coding = byUri.get(system);
        return coding != null && coding.dotted() ? IcdCodes.dotted(system, code) : code;
    }

    public String origin() {
        return origin;
    }

    private static Iterable<JsonNode> list(JsonNode root, String name, String origin) {
        JsonNode node = root.get(name);
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new TerminologyFormatException(origin + ": '" + name + "' must be a list");
        }
        return node;
    }

    private static List<String> targets(JsonNode node, String origin) {
        List<String> targets = strings(node.get("targets"));
        if (targets.isEmpty()) {
            throw new TerminologyFormatException(origin + ": binding " + node + " has no targets");
        }
        return targets;
    }

    private static List<String> strings(JsonNode node) {
        List<String> values = new ArrayList<>();
        if (node != null && node.isArray()) {
            node.forEach(v -> values.add(v.asText()));
        } else if (node != null && !node.isNull()) {
            values.add(node.asText());
        }
        return List.copyOf(values);
    }

    private static String required(JsonNode node, String name, String origin) {
        JsonNode value = node.get(name);
        if (value == null || value.asText().isBlank()) {
            throw new TerminologyFormatException(origin + ": '" + name + "' is required in " + node);
        }
        return value.asText().trim();
    }
}
