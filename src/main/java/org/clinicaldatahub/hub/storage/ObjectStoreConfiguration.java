package org.clinicaldatahub.hub.storage;

import java.time.Duration;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
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

    /** Creates missing buckets once the hub is up, so a misconfigured store shows at start-up. */
    @Bean
    org.springframework.boot.ApplicationRunner createPolicyBuckets(TieredStore tieredStore, StorageProperties properties) {
        return args -> {
            if (properties.isCreateBuckets()) {
                tieredStore.ensureBuckets();
            }
        };
    }

    @Bean(destroyMethod = "close")
    S3Client s3Client(StorageProperties properties) {
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(properties.getRegion()))
                .credentialsProvider(credentials(properties))
                .forcePathStyle(properties.isPathStyle())
                // The hub computes SHA-256 itself and sends it; the SDK need not add CRC32 trailers.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(ApacheHttpClient.builder()
                        .maxConnections(32)
                        .connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofSeconds(60)));
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
