package org.clinicaldatahub.hub.audit;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.security.PublicKey;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/** {@code audit verify --bucket ...}: verifies the trail as shipped to the WORM audit bucket. */
final class AuditBucketVerification {

    private AuditBucketVerification() {
    }

    static int run(String bucket, String endpoint, String prefix, String region, PublicKey publicKey,
            boolean openTail, PrintStream out, PrintStream err) {
        S3ClientBuilder builder = S3Client.builder().region(Region.of(region)).forcePathStyle(true);
        if (endpoint != null) {
            builder.endpointOverride(URI.create(endpoint));
        }
        String accessKey = System.getenv("HUB_S3_ACCESS_KEY");
        String secretKey = System.getenv("HUB_S3_SECRET_KEY");
        if (accessKey != null && secretKey != null) {
            builder.credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)));
        }
        try (S3Client s3 = builder.build()) {
            return verify(s3, bucket, prefix, publicKey, openTail, out, err);
        }
    }

    /** Verifies the batches shipped under {@code prefix} in {@code bucket}; returns the exit code. */
    static int verify(S3Client s3, String bucket, String prefix, PublicKey publicKey, boolean openTail,
            PrintStream out, PrintStream err) {
        try {
            List<AuditSegment> segments = AuditBucketSegments.read(s3, bucket, prefix);
            if (segments.isEmpty()) {
                err.println("ERROR: no audit batches under s3://" + bucket + "/" + prefix);
                return AuditVerifyCommand.TAMPERED;
            }
            AuditVerificationResult result = new AuditVerifier(publicKey).allowOpenTail(openTail).verify(segments);
            out.println(result.summary());
            return result.intact() ? AuditVerifyCommand.INTACT : AuditVerifyCommand.TAMPERED;
        } catch (IOException | SdkException e) {
            err.println("ERROR: cannot read the audit bucket: " + e.getClass().getSimpleName());
            return AuditVerifyCommand.USAGE;
        }
    }
}
