package org.clinicaldatahub.hub.audit;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The closed set of references an audit event may carry. An event names data only by these
 * keys, so a caller cannot put a patient name or a message body into the trail by choosing a
 * key: the trail holds references (HIPAA minimum necessary, 45 CFR 164.502(b)), never PHI.
 * A new kind of reference is a reviewed code change here, not a free-form string.
 */
public enum AuditRef {
    /** HL7 MSH-10 message control id ({@code hubControlId}). */
    CONTROL_ID("controlId"),
    /** HL7 message type such as {@code ADT^A01} ({@code hubMessageType}). */
    MESSAGE_TYPE("messageType"),
    /** Channel (route) that received the data ({@code hubChannel}). */
    CHANNEL("channel"),
    /** Object store bucket ({@code hubBucket}). */
    BUCKET("bucket"),
    /** Object store key ({@code hubObjectKey}). */
    OBJECT_KEY("objectKey"),
    /** Keyed pseudonym of the patient ({@code hubPatientPseudonym}), never the identifier itself. */
    PATIENT_PSEUDONYM("patientPseudonym"),
    /** DICOM SOP Instance UID (0008,0018). */
    SOP_INSTANCE_UID("sopInstanceUid"),
    /** DICOM Study Instance UID (0020,000D). */
    STUDY_INSTANCE_UID("studyInstanceUid"),
    /** Sequencer run id. */
    RUN_ID("runId"),
    /** Camel exchange id, to correlate the steps of one message. */
    EXCHANGE_ID("exchangeId"),
    /** Endpoint a message was sent to, without query parameters or user info. */
    ENDPOINT("endpoint"),
    /** Id of the signing key (system events). */
    KEY_ID("keyId"),
    /** Bytes of a torn last record truncated on recovery (system events). */
    TRUNCATED_BYTES("truncatedBytes");

    private static final Map<String, AuditRef> BY_WIRE_NAME = Stream.of(values())
            .collect(Collectors.toUnmodifiableMap(r -> r.wireName.toLowerCase(Locale.ROOT), Function.identity()));

    private final String wireName;

    AuditRef(String wireName) {
        this.wireName = wireName;
    }

    /** The key in the event's {@code refs} object. */
    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** Parses a wire name; case-insensitive. */
    public static AuditRef fromWireName(String name) {
        AuditRef ref = name == null ? null : BY_WIRE_NAME.get(name.toLowerCase(Locale.ROOT));
        if (ref == null) {
            throw new IllegalArgumentException("unknown audit reference: " + name);
        }
        return ref;
    }
}
