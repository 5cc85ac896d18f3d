package org.clinicaldatahub.hub.terminology;

/**
 * What the mapper did with one coded value. The outcomes an analyst has to act on are
 * {@linkplain #reported() reported}: they go to the unmapped-code work queue and the
 * {@code unmapped} metric.
 */
public enum MappingOutcome {
    /** A standard code was added beside the original. */
    MAPPED("mapped", false),
    /** The original already is in the target system and exists there; nothing to add. */
    STANDARD("standard", false),
    /** The standard code was already present (e.g. a re-run, or the sender sent it). */
    ALREADY_PRESENT("already-present", false),
    /** No map row for the code. */
    UNMAPPED("unmapped", true),
    /** A map row says there is no equivalent (GEM no-map flag, equivalence unmatched/disjoint). */
    NO_MAP("no-map", true),
    /** The map's target code does not exist or is inactive in the loaded code system; not added. */
    TARGET_INVALID("target-invalid", true),
    /** The original claims a standard system, but the code does not exist or is inactive there. */
    UNKNOWN_CODE("unknown-code", true),
    /** The map needs several target codes together (GEM combination); one field cannot hold them. */
    COMBINATION("combination", true),
    /** Several alternative targets and no curated row choosing one. */
    AMBIGUOUS("ambiguous", true),
    /** HL7 v2: the alternate identifier components are taken by another code. */
    NO_FREE_SLOT("no-free-slot", true);

    private final String wireName;
    private final boolean reported;

    MappingOutcome(String wireName, boolean reported) {
        this.wireName = wireName;
        this.reported = reported;
    }

    /** Spelling in metrics, reports and the work queue. */
    public String wireName() {
        return wireName;
    }

    /** True when an analyst has to look at it (work queue, unmapped metric). */
    public boolean reported() {
        return reported;
    }
}
