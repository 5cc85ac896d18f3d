package org.clinicaldatahub.hub.terminology;

import java.util.ArrayList;
import java.util.List;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.util.FhirTerser;
import org.clinicaldatahub.hub.terminology.TerminologyBindings.FhirBinding;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.StringType;

/**
 * Maps the CodeableConcepts named in the FHIR bindings (Observation.code, Condition.code,
 * Procedure.code, MedicationStatement.medicationCodeableConcept, ...) of a resource or of every
 * resource in a Bundle. Each standard code is an extra {@link Coding}; the original codings are
 * never changed. The added Coding carries the extension {@value #MAPPING_EXTENSION} with the
 * equivalence and, for GEM mappings, the GEM flags, so consumers can tell derived codes from
 * the sender's and see approximate ones.
 */
final class FhirCodeableConcepts {

    /** Marks a Coding added by the hub; sub-extensions {@code equivalence}, {@code gemFlags}, {@code source}. */
    static final String MAPPING_EXTENSION = "https://clinicaldatahub.org/fhir/StructureDefinition/terminology-mapping";

    private final TerminologySnapshot snapshot;
    private final Hl7CodedFields.Recorder recorder;
    private final FhirTerser terser = FhirContext.forR4Cached().newTerser();

    FhirCodeableConcepts(TerminologySnapshot snapshot, Hl7CodedFields.Recorder recorder) {
        this.snapshot = snapshot;
        this.recorder = recorder;
    }

    void map(IBaseResource resource) {
        if (resource instanceof Bundle bundle) {
            for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
                if (entry.hasResource()) {
                    map(entry.getResource());
                }
            }
            return;
        }
        String type = resource.fhirType();
        for (FhirBinding binding : snapshot.bindings().fhir()) {
            if (!binding.resource().equals(type)) {
                continue;
            }
            List<CodeableConcept> values = terser.getValues(resource, type + "." + binding.path(), CodeableConcept.class);
            for (CodeableConcept concept : values) {
                mapConcept(concept, type + "." + binding.path(), binding);
            }
        }
    }

    private void mapConcept(CodeableConcept concept, String location, FhirBinding binding) {
        List<SourceCoding> originals = new ArrayList<>();
        for (Coding coding : concept.getCoding()) {
            if (coding.hasSystem() && coding.hasCode() && !coding.hasExtension(MAPPING_EXTENSION)) {
                originals.add(new SourceCoding(coding.getSystem(), coding.getCode(), coding.getDisplay()));
            }
        }
        for (Coding coding : concept.getCoding()) {
            if (coding.hasExtension(MAPPING_EXTENSION)) {
                // added by an earlier run: counts as present, so a re-run adds nothing twice
                originals.add(new SourceCoding(coding.getSystem(), coding.getCode(), coding.getDisplay()));
            }
        }
        if (originals.isEmpty()) {
            return;
        }
        CodedValueDecision decision = CodedValueDecision.decide(snapshot.index(), originals, binding.targets());
        List<String> added = new ArrayList<>(2);
        for (CodedValueDecision.Addition addition : decision.additions()) {
            String code = snapshot.bindings().present(addition.targetSystem(), addition.concept().code());
            Coding coding = concept.addCoding().setSystem(addition.targetSystem()).setCode(code);
            if (addition.concept().display() != null && !addition.concept().display().isEmpty()) {
                coding.setDisplay(addition.concept().display());
            }
            Extension mapping = coding.addExtension().setUrl(MAPPING_EXTENSION);
            mapping.addExtension("equivalence", new CodeType(addition.equivalence().toCode()));
            if (addition.gemFlags() != null) {
                mapping.addExtension("gemFlags", new StringType(addition.gemFlags().digits()));
            }
            mapping.addExtension("source", new Coding(addition.from().system(), addition.from().code(), null));
            added.add(code);
        }
        recorder.record(location, originals.get(0), decision, added, decision.outcome());
    }
}
