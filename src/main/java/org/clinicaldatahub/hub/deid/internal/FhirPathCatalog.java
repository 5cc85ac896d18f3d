package org.clinicaldatahub.hub.deid.internal;

import java.util.Set;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementCompositeDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.FhirContext;

/**
 * Checks a profile's FHIR R4 element path against HAPI FHIR's R4 model: a resource path
 * ({@code Patient.address.postalCode}, choice names such as {@code Observation.valueString}),
 * a datatype or datatype element ({@code HumanName}, {@code Address.state}, {@code dateTime}),
 * {@code Resource.<element>} for every resource, or {@code Extension[<url>]}.
 */
public final class FhirPathCatalog {

    private static final Set<String> RESOURCE_ELEMENTS = Set.of("id", "meta", "implicitRules", "language", "text",
            "contained");

    private FhirPathCatalog() {
    }

    /** Null when the path exists, else what is wrong with it. */
    public static String problem(String path) {
        if (path.startsWith("Extension[")) {
            return path.endsWith("]") && path.length() > "Extension[]".length() ? null
                    : "an extension rule is written Extension[<url>]";
        }
        String[] parts = path.split("\\.");
        FhirContext fhir = FhirContext.forR4Cached();
        if (parts[0].equals("Resource")) {
            return parts.length == 2 && RESOURCE_ELEMENTS.contains(parts[1]) ? null
                    : "Resource paths are Resource." + RESOURCE_ELEMENTS;
        }
        BaseRuntimeElementDefinition<?> definition;
        if (fhir.getResourceTypes().contains(parts[0])) {
            definition = fhir.getResourceDefinition(parts[0]);
        } else {
            definition = fhir.getElementDefinition(parts[0]);
            if (definition == null) {
                return "'" + parts[0] + "' is neither an R4 resource nor an R4 datatype";
            }
        }
        for (int i = 1; i < parts.length; i++) {
            if (!(definition instanceof BaseRuntimeElementCompositeDefinition<?> composite)) {
                return "'" + parts[i - 1] + "' has no elements";
            }
            BaseRuntimeChildDefinition child = composite.getChildByName(parts[i]);
            if (child == null) {
                return "'" + String.join(".", java.util.Arrays.copyOf(parts, i)) + "' has no element '" + parts[i] + "'";
            }
            definition = child.getChildByName(parts[i]);
            if (definition == null) {
                return null; // a backbone element or reference: deeper names are checked no further
            }
        }
        return null;
    }
}
