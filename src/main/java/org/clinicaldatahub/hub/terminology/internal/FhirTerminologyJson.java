package org.clinicaldatahub.hub.terminology.internal;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import org.clinicaldatahub.hub.terminology.CodeSystemTable;
import org.clinicaldatahub.hub.terminology.Concept;
import org.clinicaldatahub.hub.terminology.ConceptMapTable;
import org.clinicaldatahub.hub.terminology.MapRow;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeSystem.ConceptDefinitionComponent;
import org.hl7.fhir.r4.model.CodeSystem.ConceptPropertyComponent;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.Enumerations.ConceptMapEquivalence;

/**
 * FHIR R4 CodeSystem and ConceptMap resources in JSON, read with the HAPI FHIR R4 parser. A
 * concept is inactive when it has the property {@code inactive = true}, or {@code status} =
 * {@code retired}/{@code deprecated}/{@code inactive} (the FHIR "concept-properties" codes).
 */
public final class FhirTerminologyJson {

    private FhirTerminologyJson() {
    }

    public static CodeSystemTable codeSystem(Path file, String version) throws IOException {
        CodeSystem resource = parse(file, CodeSystem.class);
        if (!resource.hasUrl()) {
            throw new TerminologyFormatException(file + ": CodeSystem.url is required (it is the system URI)");
        }
        Map<String, Concept> concepts = new HashMap<>();
        addConcepts(resource.getConcept(), concepts);
        String resolved = version != null ? version : resource.hasVersion() ? resource.getVersion() : "unknown";
        return new CodeSystemTable(resource.getUrl(), resolved, file.toString(), concepts);
    }

    private static void addConcepts(List<ConceptDefinitionComponent> definitions, Map<String, Concept> concepts) {
        for (ConceptDefinitionComponent definition : definitions) {
            String status = "active";
            for (ConceptPropertyComponent property : definition.getProperty()) {
                if ("inactive".equals(property.getCode()) && property.getValue() instanceof BooleanType b && b.booleanValue()) {
                    status = "inactive";
                } else if ("status".equals(property.getCode()) && property.getValue() instanceof CodeType c) {
                    status = c.getValue();
                }
            }
            boolean active = !("inactive".equals(status) || "retired".equals(status) || "deprecated".equals(status));
            concepts.put(definition.getCode(), new Concept(definition.getCode(), definition.getDisplay(), active, status));
            addConcepts(definition.getConcept(), concepts);
        }
    }

    public static ConceptMapTable conceptMap(Path file, String version, int precedence) throws IOException {
        ConceptMap resource = parse(file, ConceptMap.class);
        List<MapRow> rows = new ArrayList<>();
        for (ConceptMap.ConceptMapGroupComponent group : resource.getGroup()) {
            if (!group.hasSource() || !group.hasTarget()) {
                throw new TerminologyFormatException(file + ": every ConceptMap.group needs source and target");
            }
            for (ConceptMap.SourceElementComponent element : group.getElement()) {
                for (ConceptMap.TargetElementComponent target : element.getTarget()) {
                    ConceptMapEquivalence equivalence = target.hasEquivalence() ? target.getEquivalence()
                            : ConceptMapEquivalence.EQUIVALENT;
                    rows.add(new MapRow(group.getSource(), element.getCode(), group.getTarget(),
                            target.hasCode() ? target.getCode() : "", target.getDisplay(), equivalence, null));
                }
            }
        }
        String name = resource.hasName() ? resource.getName() : resource.hasUrl() ? resource.getUrl() : file.getFileName().toString();
        String resolved = version != null ? version : resource.hasVersion() ? resource.getVersion() : "unknown";
        return new ConceptMapTable(name, resolved, file.toString(), precedence, rows);
    }

    private static <T extends org.hl7.fhir.instance.model.api.IBaseResource> T parse(Path file, Class<T> type) throws IOException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return FhirContext.forR4Cached().newJsonParser().parseResource(type, reader);
        } catch (DataFormatException e) {
            throw new TerminologyFormatException(file + ": not a FHIR R4 " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }
}
