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
import org.springframework.beans.factory.annotation.Autowired;
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
import software.amazon.awssdk.services.s3.model.ObjectLockEnabled;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * The tiered sink: writes a payload into the bucket of its data class, with the class's key
 * layout, storage class and tags, a SHA-256 checksum the server verifies, and provenance
 * metadata (source system, channel, hub version, sha256). Routes call it as {@code tieredStore}.
 */
@Component("tieredStore")
public class TieredStore {

    private static final Logger LOG = LoggerFactory.getLogger(TieredStore.class);

    private final ObjectStoreClients clients;
    private final ObjectProtection protection;
    private final StoragePolicy policy;
    private final StorageProperties properties;
    private final String hubVersion;
    private final Clock clock;
    private final Map<String, Boolean> knownBuckets = new ConcurrentHashMap<>();
    private volatile long multipartThreshold = 64L << 20;
    private volatile long multipartPartSize = 16L << 20;

    /** With one client for every data class. */
    public TieredStore(S3Client s3, StoragePolicy policy, StorageProperties properties,
            ObjectProvider<BuildProperties> buildProperties) {
        this(ObjectStoreClients.single(s3), policy, properties, buildProperties);
    }

    @Autowired
    public TieredStore(ObjectStoreClients clients, StoragePolicy policy, StorageProperties properties,
            ObjectProvider<BuildProperties> buildProperties) {
        this.clients = clients;
        this.protection = new ObjectProtection(clients, policy);
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
        ensureBucket(dataClass);
        String key = key(dataClass, channel, name, keyDate.withZoneSameInstant(ZoneOffset.UTC));
        refuseIfProtected(dataClass, key, "overwrite");
        S3Client s3 = clients.forClass(dataClass);
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
                .tagging(tagging(tagsOf(dataClass)))
                .contentLength((long) bytes.length)
                .applyMutation(b -> lock(b, Boolean.TRUE.equals(knownBuckets.get(dataClass.bucket()))
                        ? dataClass.objectLock() : null))
                .build();
        s3.putObject(request, RequestBody.fromBytes(bytes));
        if (request.objectLockMode() != null) {
            confirmRetention(s3, dataClass.bucket(), key, request);
        }
        return new StoredObject(dataClass.name(), dataClass.bucket(), key, sha256Hex, bytes.length);
    }

    /** The policy's tags plus {@code pinned=false}, which the lifecycle expiry rules match on. */
    private static Map<String, String> tagsOf(DataClass dataClass) {
        Map<String, String> tags = new java.util.LinkedHashMap<>(dataClass.tags());
        tags.putIfAbsent(ObjectProtection.PINNED_TAG, "false");
        return tags;
    }

    private void refuseIfProtected(DataClass dataClass, String key, String action) {
        protection.protection(dataClass, key).ifPresent(reason -> {
            throw new ObjectProtectedException(dataClass.name() + " object " + key + " is protected (" + reason
                    + "): " + action + " refused");
        });
    }

    /** Deletes an object unless it is on legal hold or pinned (the hub's only delete path). */
    public void delete(String dataClassName, String key) {
        DataClass dataClass = policy.dataClass(dataClassName);
        refuseIfProtected(dataClass, key, "delete");
        clients.forClass(dataClass).deleteObject(b -> b.bucket(dataClass.bucket()).key(key));
    }

    /** Legal holds and pins on this store's objects. */
    public ObjectProtection protection() {
        return protection;
    }

    /** The client a data class is written with. */
    public S3Client client(DataClass dataClass) {
        return clients.forClass(dataClass);
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
        ensureBucket(dataClass);
        refuseIfProtected(dataClass, key, "overwrite");
        return writeFile(dataClass, key, channel, file, sha256Hex, metadata);
    }

    /** What {@link #putFileAtKeyUnlessStored} did: the object at the key, and whether it was there already. */
    public record KeyedPut(StoredObject object, boolean alreadyStored) {
    }

    /**
     * As {@link #putFileAtKey}, but skips the write when the object at the key already holds these
     * bytes (its {@code sha256} metadata equals {@code sha256Hex} and its size the file's): a resend,
     * or an upload whose answer was lost. One HEAD answers both that question and whether an
     * existing object may be overwritten (legal hold, pin), so a new object costs one HEAD and one
     * PUT rather than two HEADs and a PUT. A partial or different object is overwritten unless
     * protected.
     */
    public KeyedPut putFileAtKeyUnlessStored(String dataClassName, String key, String channel, Path file,
            String sha256Hex, Map<String, String> metadata) throws IOException {
        DataClass dataClass = policy.dataClass(dataClassName);
        ensureBucket(dataClass);
        Optional<HeadObjectResponse> head = head(dataClass, key);
        if (head.isPresent()) {
            Optional<StoredObject> existing = storedFrom(dataClass, key, head.get());
            if (existing.isPresent() && existing.get().sha256().equals(sha256Hex)
                    && existing.get().size() == Files.size(file)) {
                return new KeyedPut(existing.get(), true);
            }
            protection.protection(dataClass, key, head.get()).ifPresent(reason -> {
                throw new ObjectProtectedException(dataClass.name() + " object " + key + " is protected (" + reason
                        + "): overwrite refused");
            });
        }
        return new KeyedPut(writeFile(dataClass, key, channel, file, sha256Hex, metadata), false);
    }

    private StoredObject writeFile(DataClass dataClass, String key, String channel, Path file, String sha256Hex,
            Map<String, String> metadata) throws IOException {
        S3Client s3 = clients.forClass(dataClass);
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
                    .tagging(tagging(tagsOf(dataClass)))
                    .contentLength(size)
                    .applyMutation(b -> lock(b, Boolean.TRUE.equals(knownBuckets.get(dataClass.bucket()))
                            ? dataClass.objectLock() : null))
                    .build();
            s3.putObject(request, RequestBody.fromFile(file));
        } else {
            MultipartUpload.upload(s3, dataClass, key, file, size, multipartPartSize, meta, tagging(tagsOf(dataClass)));
        }
        return new StoredObject(dataClass.name(), dataClass.bucket(), key, sha256Hex, size);
    }

    /**
     * Streams a file of any size to an explicit key, computing its SHA-256 on the way (the file is
     * read once; memory holds {@code options.concurrency() + 1} parts at most). Files up to one
     * part go up in a single PUT with the checksum in the {@code sha256} metadata; larger ones as
     * a multipart upload, resumable through {@code options.journal()}, whose SHA-256 is only known
     * at the end and is therefore written as the object tag {@code sha256} (and as metadata too
     * when the caller knew it in advance). {@link #storedSha256} reads either.
     *
     * @throws FileChangedException     the file changed while it was read; nothing was stored
     * @throws ChecksumMismatchException the file does not match {@code options}' expected digests; nothing was stored
     */
    public StoredObject putFileStreaming(String dataClassName, String key, String channel, Path file,
            Map<String, String> metadata, MultipartUpload.Options options) throws IOException {
        DataClass dataClass = policy.dataClass(dataClassName);
        ensureBucket(dataClass);
        refuseIfProtected(dataClass, key, "overwrite");
        S3Client s3 = clients.forClass(dataClass);
        Map<String, String> meta = new HashMap<>(metadata);
        meta.put("channel", channel);
        meta.put("hub-version", hubVersion);
        meta.put("data-class", dataClass.name());
        meta.putIfAbsent("source-system", "unknown");
        if (Files.size(file) <= options.partSize()) {
            return putSmallFile(dataClass, s3, key, file, meta, options);
        }
        if (options.expectedSha256() != null) {
            meta.put("sha256", options.expectedSha256().toLowerCase(java.util.Locale.ROOT));
        }
        MultipartUpload.Result result = MultipartUpload.stream(s3, dataClass, key, file, meta,
                tagging(tagsOf(dataClass)), options);
        Map<String, String> tags = tagsOf(dataClass);
        tags.put("sha256", result.sha256Hex());
        s3.putObjectTagging(r -> r.bucket(dataClass.bucket()).key(key).tagging(t -> t.tagSet(tags.entrySet().stream()
                .map(e -> software.amazon.awssdk.services.s3.model.Tag.builder().key(e.getKey()).value(e.getValue()).build())
                .toList())));
        return new StoredObject(dataClass.name(), dataClass.bucket(), key, result.sha256Hex(), result.size());
    }

    private StoredObject putSmallFile(DataClass dataClass, S3Client s3, String key, Path file, Map<String, String> meta,
            MultipartUpload.Options options) throws IOException {
        MultipartUpload.FileState before = MultipartUpload.FileState.of(file);
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate((int) before.size());
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file)) {
            MultipartUpload.readFully(channel, buffer, (int) before.size(), file);
            if (channel.read(java.nio.ByteBuffer.allocate(1), before.size()) > 0) {
                throw new FileChangedException(file.getFileName() + " grew while it was uploaded");
            }
        }
        if (!before.equals(MultipartUpload.FileState.of(file))) {
            throw new FileChangedException(file.getFileName() + " changed (size or modification time) while it was uploaded");
        }
        byte[] bytes = buffer.array();
        byte[] digest = Sha256.digest(bytes);
        String sha256Hex = HexFormat.of().formatHex(digest);
        MultipartUpload.verify("SHA-256", options.expectedSha256(), sha256Hex, file);
        if (options.expectedMd5() != null) {
            MultipartUpload.verify("MD5", options.expectedMd5(),
                    HexFormat.of().formatHex(MultipartUpload.md5().digest(bytes)), file);
        }
        meta.put("sha256", sha256Hex);
        s3.putObject(PutObjectRequest.builder()
                .bucket(dataClass.bucket())
                .key(key)
                .storageClass(dataClass.storageClass())
                .checksumAlgorithm(ChecksumAlgorithm.SHA256)
                .checksumSHA256(Base64.getEncoder().encodeToString(digest))
                .metadata(meta)
                .tagging(tagging(tagsOf(dataClass)))
                .contentLength((long) bytes.length)
                .build(), RequestBody.fromBytes(bytes));
        options.progress().partDone(1, bytes.length, false);
        return new StoredObject(dataClass.name(), dataClass.bucket(), key, sha256Hex, bytes.length);
    }

    /** The key the data class's layout gives {@code name} from {@code channel} today. */
    public String keyFor(String dataClassName, String channel, String name) {
        return key(policy.dataClass(dataClassName), channel, name,
                ZonedDateTime.now(clock).withZoneSameInstant(ZoneOffset.UTC));
    }

    /** The {@code sha256} metadata of the object at {@code key}, or empty when there is none. */
    public Optional<String> storedSha256(String dataClassName, String key) {
        return stored(dataClassName, key).map(StoredObject::sha256);
    }

    /**
     * The object at {@code key} as stored: its {@code sha256} metadata and its size (content
     * length), or empty when there is none or it has no {@code sha256} metadata. A caller that
     * skips a write because "the same bytes are already there" compares both: the metadata is
     * what the writer claimed, the size is what the store holds.
     */
    public Optional<StoredObject> stored(String dataClassName, String key) {
        DataClass dataClass = policy.dataClass(dataClassName);
        ensureBucket(dataClass);
        return head(dataClass, key).flatMap(head -> storedFrom(dataClass, key, head));
    }

    /** The object's HEAD, or empty when there is no object at the key. */
    private Optional<HeadObjectResponse> head(DataClass dataClass, String key) {
        try {
            return Optional.of(clients.forClass(dataClass).headObject(h -> h.bucket(dataClass.bucket()).key(key)));
        } catch (NoSuchKeyException missing) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private Optional<StoredObject> storedFrom(DataClass dataClass, String key, HeadObjectResponse head) {
        String sha256 = head.metadata().get("sha256");
        Long length = head.contentLength();
        long size = length == null ? -1 : length;
        if (sha256 == null) {
            // streamed multipart objects carry their SHA-256 as a tag (known only after the last part)
            try {
                sha256 = clients.forClass(dataClass).getObjectTagging(t -> t.bucket(dataClass.bucket()).key(key))
                        .tagSet().stream().filter(tag -> "sha256".equals(tag.key())).map(tag -> tag.value())
                        .findFirst().orElse(null);
            } catch (NoSuchKeyException missing) {
                return Optional.empty();
            }
        }
        return sha256 == null ? Optional.empty()
                : Optional.of(new StoredObject(dataClass.name(), dataClass.bucket(), key, sha256, size));
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
        return dataClass.prefix() + dataClass.keyLayout()
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

    /**
     * Makes sure the lock sent with the object is in place. Some S3-compatible servers (S3Mock
     * among them) ignore the object-lock headers of a PUT and only honour PutObjectRetention;
     * setting the same retention again is harmless on AWS S3 and MinIO.
     */
    private void confirmRetention(S3Client s3, String bucket, String key, PutObjectRequest request) {
        try {
            if (s3.getObjectRetention(b -> b.bucket(bucket).key(key)).retention() != null) {
                return;
            }
        } catch (S3Exception missing) {
            LOG.debug("No retention on {} after the put ({}); setting it", key, missing.statusCode());
        }
        s3.putObjectRetention(b -> b.bucket(bucket).key(key).retention(r -> r
                .mode(request.objectLockModeAsString())
                .retainUntilDate(request.objectLockRetainUntilDate())));
    }

    private void lock(PutObjectRequest.Builder request, ObjectLock objectLock) {
        if (objectLock != null) {
            request.objectLockMode(objectLock.mode())
                    .objectLockRetainUntilDate(objectLock.retainUntil(clock.instant()));
        }
    }

    /** Creates every bucket of the policy that is missing; called once at start-up. */
    public void ensureBuckets() {
        policy.dataClasses().forEach(this::ensureBucket);
    }

    /** The data classes of the policy, for components that report on or reconcile buckets. */
    public StoragePolicy policy() {
        return policy;
    }

    private void ensureBucket(DataClass dataClass) {
        String bucket = dataClass.bucket();
        if (knownBuckets.containsKey(bucket)) {
            return;
        }
        S3Client s3 = clients.forClass(dataClass);
        try {
            s3.headBucket(b -> b.bucket(bucket));
        } catch (NoSuchBucketException missing) {
            if (!properties.isCreateBuckets()) {
                throw missing;
            }
            try {
                // Object lock can only be switched on when a bucket is created (it also turns on versioning).
                boolean locked = policy.classesIn(bucket).stream().anyMatch(DataClass::needsObjectLockBucket);
                s3.createBucket(b -> b.bucket(bucket).objectLockEnabledForBucket(locked ? Boolean.TRUE : null));
                LOG.info("Created bucket {}{}", bucket, locked ? " with object lock" : "");
            } catch (BucketAlreadyOwnedByYouException raced) {
                LOG.debug("Bucket {} created concurrently", bucket);
            }
        }
        knownBuckets.put(bucket, dataClass.objectLock() == null || objectLockEnabled(s3, bucket));
    }

    /**
     * Whether the bucket can take locked objects. A bucket made before the policy asked for a lock
     * cannot be converted here (S3 allows that only at creation or through support), so writes go
     * on without the lock and the gap is logged; the storage-policy reconciliation reports it as drift.
     */
    private boolean objectLockEnabled(S3Client s3, String bucket) {
        try {
            ObjectLockEnabled enabled = s3.getObjectLockConfiguration(b -> b.bucket(bucket))
                    .objectLockConfiguration().objectLockEnabled();
            if (enabled == ObjectLockEnabled.ENABLED) {
                return true;
            }
        } catch (S3Exception notConfigured) {
            LOG.debug("No object lock configuration on {}: {}", bucket, notConfigured.statusCode());
        }
        LOG.error("Bucket {} has no object lock although the storage policy asks for it: objects are written "
                + "WITHOUT WORM protection. Recreate the bucket with object lock enabled.", bucket);
        return false;
    }

    /** Whether objects of this data class are written with its object lock (false while the bucket lacks it). */
    public boolean isLocked(String dataClassName) {
        DataClass dataClass = policy.dataClass(dataClassName);
        ensureBucket(dataClass);
        return dataClass.objectLock() != null && Boolean.TRUE.equals(knownBuckets.get(dataClass.bucket()));
    }
}
