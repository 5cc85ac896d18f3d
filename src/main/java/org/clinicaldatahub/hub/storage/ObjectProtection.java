package org.clinicaldatahub.hub.storage;

import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectLockLegalHoldStatus;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.Tag;

/**
 * Legal holds and pins on stored objects. A legal hold is S3 Object Lock's own hold (the store
 * refuses to delete the version while it is on); a pin is the object tag {@code pinned=true},
 * which takes the object out of the lifecycle expiry rules (they only match {@code pinned=false}).
 * The hub's own overwrite and delete paths refuse both.
 */
public final class ObjectProtection {

    /** Tag every object carries; lifecycle expiry rules only match {@code pinned=false}. */
    public static final String PINNED_TAG = "pinned";

    private final ObjectStoreClients clients;
    private final StoragePolicy policy;

    public ObjectProtection(ObjectStoreClients clients, StoragePolicy policy) {
        this.clients = clients;
        this.policy = policy;
    }

    /** Why the object may not be overwritten or deleted, or empty when it may (or does not exist). */
    public Optional<String> protection(DataClass dataClass, String key) {
        S3Client s3 = clients.forClass(dataClass);
        HeadObjectResponse head;
        try {
            head = s3.headObject(b -> b.bucket(dataClass.bucket()).key(key));
        } catch (NoSuchKeyException missing) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
        return protection(dataClass, key, head);
    }

    /**
     * As {@link #protection(DataClass, String)} for an object whose HEAD the caller already has
     * (it exists): saves asking for it again.
     */
    public Optional<String> protection(DataClass dataClass, String key, HeadObjectResponse head) {
        if (head.objectLockLegalHoldStatus() == ObjectLockLegalHoldStatus.ON || legalHold(dataClass, key)) {
            return Optional.of("legal-hold");
        }
        if (isPinned(dataClass, key)) {
            return Optional.of("pinned");
        }
        return Optional.empty();
    }

    private boolean legalHold(DataClass dataClass, String key) {
        if (!dataClass.needsObjectLockBucket()) {
            return false;
        }
        try {
            return clients.forClass(dataClass).getObjectLegalHold(b -> b.bucket(dataClass.bucket()).key(key))
                    .legalHold().status() == ObjectLockLegalHoldStatus.ON;
        } catch (S3Exception none) {
            return false; // no hold was ever set on this object
        }
    }

    public boolean isPinned(DataClass dataClass, String key) {
        List<Tag> tags = clients.forClass(dataClass).getObjectTagging(b -> b.bucket(dataClass.bucket()).key(key)).tagSet();
        return tags.stream().anyMatch(t -> PINNED_TAG.equals(t.key()) && "true".equals(t.value()));
    }

    public void placeLegalHold(String dataClassName, String key) {
        setLegalHold(policy.dataClass(dataClassName), key, ObjectLockLegalHoldStatus.ON);
    }

    public void releaseLegalHold(String dataClassName, String key) {
        setLegalHold(policy.dataClass(dataClassName), key, ObjectLockLegalHoldStatus.OFF);
    }

    public boolean isOnLegalHold(String dataClassName, String key) {
        return legalHold(policy.dataClass(dataClassName), key);
    }

    private void setLegalHold(DataClass dataClass, String key, ObjectLockLegalHoldStatus status) {
        if (!dataClass.needsObjectLockBucket()) {
            throw new IllegalArgumentException(dataClass.name() + " does not allow legal holds (legalHolds: false)");
        }
        clients.forClass(dataClass).putObjectLegalHold(b -> b.bucket(dataClass.bucket()).key(key)
                .legalHold(h -> h.status(status)));
    }

    public void pin(String dataClassName, String key) {
        setPinned(policy.dataClass(dataClassName), key, true);
    }

    public void unpin(String dataClassName, String key) {
        setPinned(policy.dataClass(dataClassName), key, false);
    }

    private void setPinned(DataClass dataClass, String key, boolean pinned) {
        S3Client s3 = clients.forClass(dataClass);
        List<Tag> tags = new java.util.ArrayList<>(s3.getObjectTagging(b -> b.bucket(dataClass.bucket()).key(key)).tagSet()
                .stream().filter(t -> !PINNED_TAG.equals(t.key())).toList());
        tags.add(Tag.builder().key(PINNED_TAG).value(Boolean.toString(pinned)).build());
        s3.putObjectTagging(b -> b.bucket(dataClass.bucket()).key(key).tagging(t -> t.tagSet(tags)));
    }
}
