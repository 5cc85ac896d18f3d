package org.clinicaldatahub.hub.hl7;

/**
 * A message the hub refuses or cannot process. The message text is the hub's own wording and is
 * safe to log and to return in ERR: it never quotes field content, because field content is PHI.
 */
public class Hl7Rejection extends RuntimeException {

    /** HL7 acknowledgment code: AR (refused, do not resend as is) or AE (processing error, retry). */
    public enum AckCode { AR, AE }

    private final String reasonCode;
    private final AckCode ackCode;
    private final String hl7ErrorCode;

    /**
     * @param reasonCode   hub reason code, e.g. {@code HL7_VERSION_NOT_ALLOWED}
     * @param hl7ErrorCode HL7 table 0357 code, e.g. {@code 203} unsupported version id
     * @param description  PHI-free text for ERR and the quarantine record
     */
    public Hl7Rejection(String reasonCode, AckCode ackCode, String hl7ErrorCode, String description) {
        super(description, null, false, false);
        this.reasonCode = reasonCode;
        this.ackCode = ackCode;
        this.hl7ErrorCode = hl7ErrorCode;
    }

    public String reasonCode() { return reasonCode; }
    public AckCode ackCode() { return ackCode; }
    public String hl7ErrorCode() { return hl7ErrorCode; }
}
