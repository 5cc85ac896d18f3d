package org.clinicaldatahub.hub.storage;

/**
 * Server-side encryption of a bucket: {@code SSE-S3} (store-managed keys, AES256) or
 * {@code SSE-KMS} with a key id from the store's KMS.
 */
public record Encryption(String type, String kmsKeyId) {

    public static final String SSE_S3 = "SSE-S3";
    public static final String SSE_KMS = "SSE-KMS";
}
