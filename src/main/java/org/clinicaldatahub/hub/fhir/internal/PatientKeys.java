package org.clinicaldatahub.hub.fhir.internal;

import java.util.List;
import java.util.Set;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.RuntimeResourceDefinition;
import ca.uhn.fhir.util.FhirTerser;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * The patient a resource belongs to, as a reference ({@code Patient/123}), for keying Kafka records
 * so one patient's resources stay in order on one partition. The common elements {@code subject}
 * and {@code patient} are read directly (cheap: most clinical resources); anything else goes
 * through the R4 Patient compartment definition (compartmentdefinition-patient), so every
 * resource type is covered without a table of element paths. Resources outside any patient's
 * compartment are keyed by themselves.
 */
public final class PatientKeys {

    private static final List<String> DIRECT_ELEMENTS = List.of("subject", "patient");

    private PatientKeys() {
    }

    public static String of(FhirTerser terser, Resource resource) {
        String self = resource.fhirType() + "/" + resource.getIdElement().getIdPart();
        if ("Patient".equals(resource.fhirType())) {
            return self;
        }
        String direct = direct(resource);
        if (direct != null) {
            return direct;
        }
        try {
            List<IIdType> owners = terser.getCompartmentOwnersForResource("Patient", resource, Set.of());
            for (IIdType owner : owners) {
                if (owner.hasIdPart() && "Patient".equals(owner.getResourceType())) {
                    return "Patient/" + owner.getIdPart();
                }
            }
        } catch (RuntimeException e) {
            // not in the Patient compartment
        }
        return self;
    }

    private static String direct(Resource resource) {
        RuntimeResourceDefinition definition = ca.uhn.fhir.context.FhirContext.forR4Cached().getResourceDefinition(resource);
        for (String element : DIRECT_ELEMENTS) {
            BaseRuntimeChildDefinition child = definition.getChildByName(element);
            if (child == null) {
                continue;
            }
            for (IBase value : child.getAccessor().getValues(resource)) {
                if (value instanceof Reference reference && reference.hasReference()) {
                    IIdType target = reference.getReferenceElement();
                    if ("Patient".equals(target.getResourceType()) && target.hasIdPart()) {
                        return "Patient/" + target.getIdPart();
                    }
                }
            }
        }
        return null;
    }
}
