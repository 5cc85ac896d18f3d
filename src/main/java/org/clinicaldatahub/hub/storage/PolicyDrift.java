package org.clinicaldatahub.hub.storage;

/**
 * One difference between a bucket and the storage policy.
 *
 * @param bucket   the bucket
 * @param aspect   what differs: {@code bucket}, {@code object-lock}, {@code default-retention},
 *                 {@code versioning}, {@code lifecycle}, {@code encryption}
 * @param expected what the policy asks for
 * @param actual   what the bucket has
 * @param action   {@code reported}, {@code restored}, or {@code kept-stricter} (a stricter setting made by hand is not weakened)
 */
public record PolicyDrift(String bucket, String aspect, String expected, String actual, String action) {

    public static final String REPORTED = "reported";
    public static final String RESTORED = "restored";
    public static final String KEPT_STRICTER = "kept-stricter";
}
