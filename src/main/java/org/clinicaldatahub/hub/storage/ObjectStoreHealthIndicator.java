package org.clinicaldatahub.hub.storage;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

import software.amazon.awssdk.services.s3.S3Client;

/** Health of the object store: every bucket of the storage policy must answer. */
@Component("objectStore")
public class ObjectStoreHealthIndicator implements HealthIndicator {

    private final S3Client s3;
    private final StoragePolicy policy;

    public ObjectStoreHealthIndicator(S3Client s3, StoragePolicy policy) {
        this.s3 = s3;
        this.policy = policy;
    }

    @Override
    public Health health() {
        Health.Builder health = Health.up();
        for (DataClass dataClass : policy.dataClasses()) {
            try {
                s3.headBucket(b -> b.bucket(dataClass.bucket()));
                health.withDetail(dataClass.name(), dataClass.bucket());
            } catch (RuntimeException e) {
                return Health.down().withDetail(dataClass.name(), dataClass.bucket())
                        .withDetail("error", e.getClass().getSimpleName()).build();
            }
        }
        return health.build();
    }
}
