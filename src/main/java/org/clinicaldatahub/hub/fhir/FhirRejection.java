package org.clinicaldatahub.hub.fhir;

/**
 * Input the FHIR endpoint refuses, answered with an OperationOutcome (FHIR R4 3.1.0.5 "Handling
 * errors"). The text names the problem by element or rule only, never by a value from the body,
 * because it reaches the sender, the quarantine metadata and possibly logs.
 */
public class FhirRejection extends RuntimeException {

    private final String reasonCode;
    private final int httpStatus;
    private final String issueCode;

    /**
     * @param reasonCode machine-readable reason, e.g. {@code FHIR_UNKNOWN_RESOURCE_TYPE}
     * @param httpStatus HTTP status of the answer
     * @param issueCode  OperationOutcome.issue.code (FHIR value set issue-type), e.g. {@code structure}
     * @param text       the diagnostics, without PHI
     */
    public FhirRejection(String reasonCode, int httpStatus, String issueCode, String text) {
        super(text, null, false, false);
        this.reasonCode = reasonCode;
        this.httpStatus = httpStatus;
        this.issueCode = issueCode;
    }

    public String reasonCode() {
        return reasonCode;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public String issueCode() {
        return issueCode;
    }
}
