package org.clinicaldatahub.hub.storage;

import java.util.Map;

/**
 * One data class of the storage policy: where a kind of data lives, how it is labelled and
 * protected, and how it ages.
 *
 * @param name         policy name, e.g. {@code clinical-hot}
 * @param zone         {@code identified} or {@code de-identified}; the two never share a bucket
 * @param bucket       bucket name
 * @param prefix       key prefix inside the bucket ("" for none), so classes can share a bucket
 * @param keyLayout    key template with {@code {channel}}, {@code {yyyy}}, {@code {MM}}, {@code {dd}}, {@code {name}}
 * @param storageClass S3 storage class at write time, e.g. {@code STANDARD}
 * @param tags         object tags written with every object
 * @param objectLock   object lock every object is written with, or {@code null} for none
 * @param versioning   bucket versioning (always on with object lock)
 * @param encryption   server-side encryption of the bucket, or {@code null} for the store's default
 * @param lifecycle    transitions and expiry
 * @param credentials  name of the credentials ({@code hub.storage.credentials.<name>}), or {@code null} for the default
 * @param legalHolds   whether legal holds can be placed on its objects (needs a bucket created with object lock)
 */
public record DataClass(String name, String zone, String bucket, String prefix, String keyLayout, String storageClass,
        Map<String, String> tags, ObjectLock objectLock, boolean versioning, Encryption encryption,
        Lifecycle lifecycle, String credentials, boolean legalHolds) {

    public static final String IDENTIFIED = "identified";
    public static final String DEIDENTIFIED = "de-identified";

    public DataClass {
        prefix = prefix == null ? "" : prefix;
        tags = Map.copyOf(tags);
        lifecycle = lifecycle == null ? Lifecycle.NONE : lifecycle;
        versioning = versioning || objectLock != null || legalHolds;
    }

    /** A class with only placement and labels (no lock, versioning, encryption or lifecycle). */
    public DataClass(String name, String zone, String bucket, String keyLayout, String storageClass,
            Map<String, String> tags) {
        this(name, zone, bucket, "", keyLayout, storageClass, tags, null, false, null, Lifecycle.NONE, null, false);
    }

    /** Whether the bucket must be created with S3 Object Lock (retention or legal holds). */
    public boolean needsObjectLockBucket() {
        return objectLock != null || legalHolds;
    }
}
