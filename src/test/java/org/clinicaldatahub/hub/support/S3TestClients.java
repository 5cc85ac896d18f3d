package org.clinicaldatahub.hub.support;

import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** S3 clients for tests that reach the embedded S3 server through a {@link TcpProxy} they cut. */
public final class S3TestClients {

    private S3TestClients() {
    }

    /**
     * A client of the embedded S3 server on {@code port} (e.g. a proxy's) configured like the
     * hub's, that gives up on a call after 3 s, so a cut network fails fast.
     */
    public static S3Client anonymousVia(int port) {
        return S3Client.builder().region(Region.US_EAST_1)
                .credentialsProvider(AnonymousCredentialsProvider.create()).forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(c -> c.apiCallTimeout(Duration.ofSeconds(3)))
                .endpointOverride(URI.create("http://127.0.0.1:" + port)).build();
    }
}
