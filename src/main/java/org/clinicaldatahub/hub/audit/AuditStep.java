package org.clinicaldatahub.hub.audit;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What happened to a piece of data at one point of a route, or to the audit trail itself. The
 * data steps follow the life of a message through the hub (DESIGN.md, Audit); the system steps
 * record the trail's own life cycle, so a gap in operation is visible in the trail.
 */
public enum AuditStep {
    /** Accepted from an outside system by a route consumer (MLLP, C-STORE, REST, drop folder). */
    RECEIVED("received"),
    /** Refused or quarantined with a reason code and answered with a negative acknowledgement. */
    REJECTED("rejected"),
    /** Published to Kafka. */
    PUBLISHED("published"),
    /** Passed through the de-identifier. */
    DEIDENTIFIED("deidentified"),
    /** Passed through the terminology mapper. */
    MAPPED("mapped"),
    /** Written to object storage. */
    STORED("stored"),
    /** Sent to another outside system. */
    FORWARDED("forwarded"),
    /** Read by a user or system (FHIR read, object download). */
    READ("read"),
    /** Failed with an error nobody handled. */
    ERROR("error"),
    /** The audit log was opened by a hub process. */
    STARTED("started"),
    /** The audit log was closed cleanly. */
    STOPPED("stopped"),
    /** The audit log was opened after an unclean shutdown (torn tail truncated, final checkpoint missing). */
    RECOVERED("recovered"),
    /** A development signing key was generated because none was configured. */
    KEY_GENERATED("key-generated"),
    /** A bucket's configuration differs from the storage policy (reason: the aspect); outcome says if it was restored. */
    POLICY_DRIFT("policy-drift"),
    /** A legal hold or pin was placed on or released from a stored object. */
    PROTECTION_CHANGED("protection-changed");

    private final String wireName;

    AuditStep(String wireName) {
        this.wireName = wireName;
    }

    /** The spelling in the canonical JSON, e.g. {@code key-generated}. */
    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** Parses a wire name, as YAML routes give it ({@code deidentified}); case-insensitive. */
    @JsonCreator
    public static AuditStep fromWireName(String name) {
        for (AuditStep step : values()) {
            if (step.wireName.equalsIgnoreCase(name) || step.name().equalsIgnoreCase(name)) {
                return step;
            }
        }
        throw new IllegalArgumentException("unknown audit step: " + name);
    }
}
