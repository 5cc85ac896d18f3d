package org.clinicaldatahub.hub.fhir.internal;

import java.util.List;
import java.util.Set;

import ca.uhn.fhir.util.FhirTerser;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Resource;

/**
 * The patient a resource belongs to, as a reference ({@code Patient/123}), for keying Kafka records
 * so one patient's resources stay in order on one partition. Uses the R4 Patient compartment
 * definition (compartmentdefinition-patient), so every resource type is covered without a table
 * of element paths; resources outside any patient's compartment are keyed by themselves.
 */
public final class PatientKeys {

    private PatientKeys() {
    }

    public static String of(FhirTerser terser, Resource resource) {
        String self = resource.fhirType() + "/" + resource.getIdElement().getIdPart();
        if ("Patient".equals(resource.fhirType())) {
            return self;
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
}
