package org.clinicaldatahub.hub.storage;

import java.util.Map;

/**
 * One data class of the storage policy: where a kind of data lives and how it is labelled.
 *
 * @param name         policy name, e.g. {@code clinical-hot}
 * @param zone         {@code identified} or {@code de-identified}; the two never share a bucket
 * @param bucket       bucket name
 * @param keyLayout    key template with {@code {channel}}, {@code {yyyy}}, {@code {MM}}, {@code {dd}}, {@code {name}}
 * @param storageClass S3 storage class at write time, e.g. {@code STANDARD}
 * @param tags         object tags written with every object
 * @param objectLock   object lock every object is written with, or {@code null} for none
 */
public record DataClass(String name, String zone, String bucket, String keyLayout, String storageClass,
        Map<String, String> tags, ObjectLock objectLock) {

    public DataClass(String name, String zone, String bucket, String keyLayout, String storageClass,
            Map<String, String> tags) {
        this(name, zone, bucket, keyLayout, storageClass, tags, null);
    }

    public static final String IDENTIFIED = "identified";
    public static final String DEIDENTIFIED = "de-identified";
}
