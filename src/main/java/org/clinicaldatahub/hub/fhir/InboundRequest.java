package org.clinicaldatahub.hub.fhir;

import java.util.List;

import org.hl7.fhir.r4.model.Resource;

/**
 * What the inbound endpoint accepted from one request: a batch or transaction Bundle, or a single
 * resource created ({@code POST /fhir/Type}) or updated ({@code PUT /fhir/Type/id}).
 */
public record InboundRequest(Kind kind, FhirFormat format, List<Entry> entries) {

    /** The interaction (FHIR R4 http.html). */
    public enum Kind { BATCH, TRANSACTION, CREATE, UPDATE }

    /**
     * One accepted resource.
     *
     * @param resource   the resource with its assigned id and references resolved
     * @param json       the resource as FHIR JSON, the Kafka record value
     * @param patientKey the patient reference the Kafka record is keyed by ({@code Patient/123})
     * @param created    true for a create (201), false for an update (200)
     */
    public record Entry(Resource resource, byte[] json, String patientKey, boolean created) {

        public String location() {
            return resource.fhirType() + "/" + resource.getIdElement().getIdPart();
        }
    }

    public int resourceCount() {
        return entries.size();
    }
}
