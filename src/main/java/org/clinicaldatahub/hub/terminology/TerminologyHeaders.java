package org.clinicaldatahub.hub.terminology;

/** Camel headers the terminology step sets. Values are codes and counts, never patient data. */
public final class TerminologyHeaders {

    /** {@link MappingReport#summary()}: each added or reported code with equivalence and GEM flags. */
    public static final String MAPPINGS = "hubTerminologyMappings";
    /** Number of standard codes added. */
    public static final String MAPPED_COUNT = "hubTerminologyMapped";
    /** Number of coded values reported to the unmapped-code work queue. */
    public static final String UNMAPPED_COUNT = "hubTerminologyUnmapped";
    /** Generation of the terminology snapshot used (changes with every reload). */
    public static final String GENERATION = "hubTerminologyGeneration";
    /** Sending system for metrics and the work queue when the payload does not name one (FHIR). */
    public static final String SOURCE = "hubTerminologySource";

    private TerminologyHeaders() {
    }
}
