package org.clinicaldatahub.hub.storage;

/**
 * Where a payload was durably written.
 *
 * @param dataClass data class name
 * @param bucket    bucket
 * @param key       object key
 * @param sha256    hex SHA-256 of the stored bytes, verified by the server on upload
 * @param size      stored size in bytes
 */
public record StoredObject(String dataClass, String bucket, String key, String sha256, long size) {
}
