package org.clinicaldatahub.hub.terminology;

/** A code as a message carries it: system URI (resolved from the HL7 v2 name), code and display. */
public record SourceCoding(String system, String code, String display) {
}
