package org.clinicaldatahub.hub.storage;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import org.clinicaldatahub.hub.audit.AuditRecorder;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

import java.time.Duration;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/** The S3 client of the identified zone, also usable by camel-aws2-s3 endpoints as {@code #s3Client}. */
@Configuration(proxyBeanMethods = false)
public class ObjectStoreConfiguration {

    @Bean
    StoragePolicy storagePolicy(StorageProperties properties) {
        return StoragePolicy.load(properties.getPolicyFile());
    }

    @Bean
    StoragePolicyReconciliation storagePolicyReconciliation(ObjectStoreClients clients, StoragePolicy policy,
            StorageProperties properties, AuditRecorder audit) {
        return new StoragePolicyReconciliation(new StoragePolicyReconciler(clients, policy, properties.isCreateBuckets()),
                properties.getReconcile().getMode(), audit);
    }

    /**
     * Buckets made and brought in line with the policy before any channel or the audit shipper
     * writes (versioning, object lock and default retention apply to what is written after them),
     * so a misconfigured store also shows at start-up.
     */
    @Bean
    StoragePolicyStartupReconciliation reconcileStoragePolicyAtStartup(StoragePolicyReconciliation reconciliation,
            StorageProperties properties) {
        return new StoragePolicyStartupReconciliation(reconciliation, properties.getReconcile().isAtStartup());
    }

    /** {@code hub.storage.policy.drift}: differences the last reconciliation left in place. */
    @Bean
    MeterBinder storagePolicyMetrics(StoragePolicyReconciliation reconciliation) {
        return registry -> Gauge.builder("hub.storage.policy.drift", reconciliation, StoragePolicyReconciliation::openDrift)
                .description("Bucket settings that differ from the storage policy after the last reconciliation")
                .register(registry);
    }

    /** Health {@code storagePolicy}: the last reconciliation's differences as details. */
    @Bean
    HealthIndicator storagePolicyHealthIndicator(StoragePolicyReconciliation reconciliation) {
        return () -> {
            Health.Builder health = reconciliation.lastError() == null ? Health.up() : Health.down()
                    .withDetail("lastError", reconciliation.lastError());
            health.withDetail("mode", reconciliation.mode().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'))
                    .withDetail("lastRun", String.valueOf(reconciliation.lastRun()))
                    .withDetail("openDrift", reconciliation.openDrift());
            List<String> drift = reconciliation.lastDrift().stream()
                    .map(d -> d.bucket() + " " + d.aspect() + ": " + d.action()).toList();
            if (!drift.isEmpty()) {
                health.withDetail("drift", drift);
            }
            if (!reconciliation.bucketsWithoutTagFilters().isEmpty()) {
                health.withDetail("pinsNotExcludedFromExpiry", reconciliation.bucketsWithoutTagFilters());
            }
            return health.build();
        };
    }

    @Bean(destroyMethod = "close")
    S3Client s3Client(StorageProperties properties) {
        return client(properties, credentials(properties));
    }

    /** The default client plus one per named credentials the policy refers to. */
    @Bean(destroyMethod = "close")
    ObjectStoreClients objectStoreClients(S3Client s3Client, StorageProperties properties, StoragePolicy policy) {
        return new ObjectStoreClients(s3Client, policy, properties.getCredentials().keySet(), name -> {
            StorageProperties.Credentials named = properties.getCredentials().get(name);
            return client(properties, StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(named.getAccessKey(), named.getSecretKey())));
        });
    }

    /**
     * The hub's S3 client for these settings. Public for tools and the upload benchmark, which
     * must measure the client the hub really uses.
     */
    public static S3Client client(StorageProperties properties, AwsCredentialsProvider credentials) {
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(properties.getRegion()))
                .credentialsProvider(credentials)
                .forcePathStyle(properties.isPathStyle())
                // The hub computes SHA-256 itself and sends it; the SDK need not add CRC32 trailers.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                // Plain bodies rather than aws-chunked signed chunks: the payload hash is computed
                // once up front, and the embedded S3 server spends about 40% less CPU per upload.
                .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build())
                .httpClientBuilder(ApacheHttpClient.builder()
                        .maxConnections(32)
                        .connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(properties.getSocketTimeout()));
        if (properties.getEndpoint() != null) {
            builder.endpointOverride(properties.getEndpoint());
        }
        return builder.build();
    }

    private static AwsCredentialsProvider credentials(StorageProperties properties) {
        if (properties.getAccessKey() != null && !properties.getAccessKey().isBlank()) {
            return StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(properties.getAccessKey(), properties.getSecretKey()));
        }
        return DefaultCredentialsProvider.builder().build();
    }
}
