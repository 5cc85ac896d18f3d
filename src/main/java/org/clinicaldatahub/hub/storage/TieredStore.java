package org.clinicaldatahub.hub.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.stereotype.Component;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * The tiered sink: writes a payload into the bucket of its data class, with the class's key
 * layout, storage class and tags, a SHA-256 checksum the server verifies, and provenance
 * metadata (source system, channel, hub version, sha256). Routes call it as {@code tieredStore}.
 */
@Component("tieredStore")
public class TieredStore {

    private static final Logger LOG = LoggerFactory.getLogger(TieredStore.class);

    private final S3Client s3;
    private final StoragePolicy policy;
    private final StorageProperties properties;
    private final String hubVersion;
    private final Clock clock;
    private final Map<String, Boolean> knownBuckets = new ConcurrentHashMap<>();
    private volatile long multipartThreshold = 64L << 20;
    private volatile long multipartPartSize = 16L << 20;

    public TieredStore(S3Client s3, StoragePolicy policy, StorageProperties properties,
            ObjectProvider<BuildProperties> buildProperties) {
        this.s3 = s3;
        this.policy = policy;
        this.properties = properties;
        BuildProperties build = buildProperties.getIfAvailable();
        this.hubVersion = build == null ? "dev" : build.getVersion();
        this.clock = Clock.systemUTC();
    }

    public String hubVersion() {
        return hubVersion;
    }

    /**
     * Stores {@code bytes} as {@code name} in the data class, returning where it went. The put is
     * idempotent: the same name in the same data class and day lands on the same key.
     *
     * @param metadata extra provenance (references only: never PHI; S3 metadata is visible to
     *                 anyone who can list the bucket)
     */
    public StoredObject put(String dataClassName, String channel, String name, byte[] bytes,
            Map<String, String> metadata) {
        return put(dataClassName, channel, name, bytes, metadata, ZonedDateTime.now(clock));
    }

    /** As {@link #put(String, String, String, byte[], Map)} with the date used in the key layout. */
    public StoredObject put(String dataClassName, String channel, String name, byte[] bytes,
            Map<String, String> metadata, ZonedDateTime keyDate) {
        DataClass dataClass = policy.dataClass(dataClassName);
        ensureBucket(dataClass.bucket());
        String key = key(dataClass, channel, name, keyDate.withZoneSameInstant(ZoneOffset.UTC));
        byte[] digest = Sha256.digest(bytes);
        String sha256Hex = HexFormat.of().formatHex(digest);
        Map<String, String> meta = new HashMap<>(metadata);
        meta.put("sha256", sha256Hex);
        meta.put("channel", channel);
        meta.put("hub-version", hubVersion);
        meta.put("data-class", dataClass.name());
        meta.putIfAbsent("source-system", "unknown");
        PutObjectRequest request = PutObjectRequest.builder()
                .bucket(dataClass.bucket())
                .key(key)
                .storageClass(dataClass.storageClass())
                .checksumAlgorithm(ChecksumAlgorithm.SHA256)
                .checksumSHA256(Base64.getEncoder().encodeToString(digest))
                .metadata(meta)
                .tagging(tagging(dataClass.tags()))
                .contentLength((long) bytes.length)
                .build();
        s3.putObject(request, RequestBody.fromBytes(bytes));
        return new StoredObject(dataClass.name(), dataClass.bucket(), key, sha256Hex, bytes.length);
    }

    /**
     * Stores a file as {@code name} in the data class (key from the class's layout), streaming it
     * from disk: one PUT up to {@code multipartThreshold} bytes, a multipart upload above.
     *
     * @param sha256Hex SHA-256 of the file, computed by the caller while it wrote the file
     */
    public StoredObject putFile(String dataClassName, String channel, String name, Path file, String sha256Hex,
            Map<String, String> metadata) throws IOException {
        DataClass dataClass = policy.dataClass(dataClassName);
        String key = key(dataClass, channel, name, ZonedDateTime.now(clock).withZoneSameInstant(ZoneOffset.UTC));
        return putFileAtKey(dataClassName, key, channel, file, sha256Hex, metadata);
    }

    /**
     * Stores a file under an explicit key in the data class's bucket, with its storage class, tags
     * and provenance metadata. For channels whose natural key is the whole identity of the object
     * (DICOM: Study/Series/SOP Instance UID), so that a resend on any day lands on the same key.
     */
    public StoredObject putFileAtKey(String dataClassName, String key, String channel, Path file, String sha256Hex,
            Map<String, String> metadata) throws IOException {
        DataClass dataClass = policy.dataClass(dataClassName);
        ensureBucket(dataClass.bucket());
        long size = Files.size(file);
        Map<String, String> meta = new HashMap<>(metadata);
        meta.put("sha256", sha256Hex);
        meta.put("channel", channel);
        meta.put("hub-version", hubVersion);
        meta.put("data-class", dataClass.name());
        meta.putIfAbsent("source-system", "unknown");
        if (size <= multipartThreshold) {
            PutObjectRequest request = PutObjectRequest.builder()
                    .bucket(dataClass.bucket())
                    .key(key)
                    .storageClass(dataClass.storageClass())
                    .checksumAlgorithm(ChecksumAlgorithm.SHA256)
                    .checksumSHA256(Base64.getEncoder().encodeToString(HexFormat.of().parseHex(sha256Hex)))
                    .metadata(meta)
                    .tagging(tagging(dataClass.tags()))
                    .contentLength(size)
                    .build();
            s3.putObject(request, RequestBody.fromFile(file));
        } else {
            MultipartUpload.upload(s3, dataClass, key, file, size, multipartPartSize, meta, tagging(dataClass.tags()));
        }
        return new StoredObject(dataClass.name(), dataClass.bucket(), key, sha256Hex, size);
    }

    /** The {@code sha256} metadata of the object at {@code key}, or empty when there is none. */
    public Optional<String> storedSha256(String dataClassName, String key) {
        DataClass dataClass = policy.dataClass(dataClassName);
        ensureBucket(dataClass.bucket());
        try {
            HeadObjectResponse head = s3.headObject(h -> h.bucket(dataClass.bucket()).key(key));
            return Optional.ofNullable(head.metadata().get("sha256"));
        } catch (NoSuchKeyException missing) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** The bucket of a data class. */
    public String bucketOf(String dataClassName) {
        return policy.dataClass(dataClassName).bucket();
    }

    /** Objects larger than this go up in parts (default 64 MiB). */
    public void setMultipart(long threshold, long partSize) {
        this.multipartThreshold = threshold;
        this.multipartPartSize = Math.max(5L << 20, partSize);
    }

    static String key(DataClass dataClass, String channel, String name, ZonedDateTime date) {
        return dataClass.keyLayout()
                .replace("{channel}", channel)
                .replace("{yyyy}", String.format("%04d", date.getYear()))
                .replace("{MM}", String.format("%02d", date.getMonthValue()))
                .replace("{dd}", String.format("%02d", date.getDayOfMonth()))
                .replace("{name}", name);
    }

    private static String tagging(Map<String, String> tags) {
        return tags.entrySet().stream()
                .map(e -> urlEncode(e.getKey()) + "=" + urlEncode(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    private static String urlEncode(String value) {
        return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Creates every bucket of the policy that is missing; called once at start-up. */
    public void ensureBuckets() {
        policy.dataClasses().forEach(dataClass -> ensureBucket(dataClass.bucket()));
    }

    private void ensureBucket(String bucket) {
        if (knownBuckets.containsKey(bucket)) {
            return;
        }
        try {
            s3.headBucket(b -> b.bucket(bucket));
        } catch (NoSuchBucketException missing) {
            if (!properties.isCreateBuckets()) {
                throw missing;
            }
            try {
                s3.createBucket(b -> b.bucket(bucket));
                LOG.info("Created bucket {}", bucket);
            } catch (BucketAlreadyOwnedByYouException raced) {
                LOG.debug("Bucket {} created concurrently", bucket);
            }
        }
        knownBuckets.put(bucket, Boolean.TRUE);
    }
}
