package org.clinicaldatahub.hub.deid;

/**
 * Provenance headers of a de-identified record (Kafka record headers on {@code hub.deid.*}, kept
 * in the research archive's NDJSON lines). References only: never a value from the identified record.
 */
public final class DeidHeaders {

    /** Profile applied, e.g. {@code safe-harbor}. */
    public static final String PROFILE = "hubDeidProfile";
    /** Version of that profile file, e.g. {@code 1.0.0}. */
    public static final String PROFILE_VERSION = "hubDeidProfileVersion";
    /** Version of the hub that de-identified the record. */
    public static final String HUB_VERSION = "hubSoftwareVersion";
    /** Where the identified source is: {@code <topic>/<partition>/<offset>} (its archive object holds that offset). */
    public static final String SOURCE_REF = "hubSourceRef";
    /** SHA-256 of the identified source as received. */
    public static final String SOURCE_SHA256 = "hubSourceSha256";
    /** Counts of what was changed, by path and action ({@code PID-5 remove=1, ...}). */
    public static final String CHANGES = "hubDeidChanges";

    private DeidHeaders() {
    }
}
