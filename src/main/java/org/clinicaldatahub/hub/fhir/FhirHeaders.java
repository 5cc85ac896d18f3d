package org.clinicaldatahub.hub.fhir;

/** Camel headers and exchange properties of the FHIR channels (the shared ones are in HubHeaders). */
public final class FhirHeaders {

    /** HTTP method of the inbound request: {@code POST} or {@code PUT}. */
    public static final String METHOD = "hubFhirMethod";
    /** Resource type named in the request path ({@code /fhir/Patient}), absent for the base. */
    public static final String PATH_TYPE = "hubFhirPathType";
    /** Resource id named in the request path ({@code PUT /fhir/Patient/123}). */
    public static final String PATH_ID = "hubFhirPathId";
    /** Content-Type of the request. */
    public static final String CONTENT_TYPE = "Content-Type";
    /** Accept header of the request. */
    public static final String ACCEPT = "Accept";
    /** HTTP status of the answer. */
    public static final String RESPONSE_STATUS = "CamelHttpResponseCode";
    /** Location header of a 201 answer. */
    public static final String LOCATION = "hubFhirLocation";
    /** Resource type of one Kafka record. */
    public static final String RESOURCE_TYPE = "hubFhirResourceType";
    /** Logical id of the resource of one Kafka record. */
    public static final String RESOURCE_ID = "hubFhirResourceId";
    /** Version id of the resource of one Kafka record (polling). */
    public static final String VERSION_ID = "hubFhirVersionId";

    /** Exchange property: the bytes as received, kept for the quarantine after the body was replaced. */
    public static final String RECEIVED_BYTES = "hubFhirReceivedBytes";
    /** Exchange property: the {@link InboundRequest} the receiver accepted. */
    public static final String REQUEST = "hubFhirRequest";

    private FhirHeaders() {
    }
}
