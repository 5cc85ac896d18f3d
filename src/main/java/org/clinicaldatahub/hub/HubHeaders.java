package org.clinicaldatahub.hub;

/**
 * Camel header names shared by every channel. Routes and the audit trail rely on them, so
 * they are the contract between capabilities. Values are references, never PHI: a patient
 * appears only as a keyed pseudonym, a message only by its control id and checksum.
 */
public final class HubHeaders {

    /** Channel that received the data, e.g. {@code hl7-inbound-mllp}. */
    public static final String CHANNEL = "hubChannel";
    /** Calling system: HL7 sending application^facility, DICOM calling AE title, or HTTP user. */
    public static final String ACTOR = "hubActor";
    /** HL7 MSH-10 message control id. */
    public static final String CONTROL_ID = "hubControlId";
    /** Idempotency key from natural keys (HL7: sending facility + MSH-10). */
    public static final String DEDUP_KEY = "hubDedupKey";
    /** HL7 message type, e.g. {@code ADT^A01}. */
    public static final String MESSAGE_TYPE = "hubMessageType";
    /** HL7 version from MSH-12, e.g. {@code 2.5.1}. */
    public static final String VERSION = "hubVersion";
    /** Character set the inbound bytes were decoded with (from MSH-18). */
    public static final String CHARSET = "hubCharset";
    /** Hex SHA-256 of the payload as received. */
    public static final String SHA256 = "hubSha256";
    /** Object store bucket a payload was written to. */
    public static final String BUCKET = "hubBucket";
    /** Object store key a payload was written to. */
    public static final String OBJECT_KEY = "hubObjectKey";
    /** Keyed pseudonym of the patient, when one is known. */
    public static final String PATIENT_PSEUDONYM = "hubPatientPseudonym";
    /** Machine-readable reason code for a rejection or quarantine, e.g. {@code HL7_NO_MSH}. */
    public static final String REASON_CODE = "hubReasonCode";
    /** Outcome of the last step: {@code success}, {@code rejected}, {@code error}. */
    public static final String OUTCOME = "hubOutcome";

    private HubHeaders() {
    }
}
