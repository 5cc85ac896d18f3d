package org.clinicaldatahub.hub.audit;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Result of an audited step; the three values of the {@code hubOutcome} header. They map onto
 * FHIR AuditEvent.outcome 0 / 4 / 8 and the IHE ATNA EventOutcomeIndicator for later export.
 */
public enum AuditOutcome {
    SUCCESS("success"),
    REJECTED("rejected"),
    ERROR("error");

    private final String wireName;

    AuditOutcome(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** Parses a wire name; case-insensitive. */
    @JsonCreator
    public static AuditOutcome fromWireName(String name) {
        for (AuditOutcome outcome : values()) {
            if (outcome.wireName.equalsIgnoreCase(name)) {
                return outcome;
            }
        }
        throw new IllegalArgumentException("unknown audit outcome: " + name);
    }
}
