package org.clinicaldatahub.hub.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.clinicaldatahub.hub.audit.AuditTestSupport.logIn;
import static org.clinicaldatahub.hub.audit.AuditTestSupport.received;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.clinicaldatahub.hub.storage.StoragePolicy;
import org.clinicaldatahub.hub.storage.StorageProperties;
import org.clinicaldatahub.hub.storage.TieredStore;
import org.clinicaldatahub.hub.support.S3TestClients;
import org.clinicaldatahub.hub.support.TcpProxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.boot.info.BuildProperties;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The audit bucket becomes unreachable (the real embedded S3 server behind a TCP proxy that is
 * cut) while events keep being recorded: recording goes on, shipping fails and backs off, the
 * backlog and its age grow, and once the network is back the whole backlog is shipped and the
 * bucket verifies with every event.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability
@ActiveProfiles("test")
class AuditBucketOutageTest {

    @TempDir
    Path dir;

    @Autowired
    StoragePolicy policy;
    @Autowired
    StorageProperties storageProperties;
    @Autowired
    S3Client directS3;
    @Value("${hub.embedded.s3.port}")
    int s3Port;

    @Test
    void eventsRecordedWhileTheBucketIsDownAreShippedWhenItReturns() throws Exception {
        String node = "outage-" + Long.toString(System.nanoTime(), 36);
        AuditSigningKeys keys = AuditSigningKeys.ephemeral();
        AuditProperties.Shipping settings = new AuditProperties.Shipping();
        settings.setInterval(Duration.ofMillis(50));
        settings.setMaxBackoff(Duration.ofMillis(400));
        settings.setMaxEvents(500);

        try (TcpProxy network = new TcpProxy(s3Port);
                S3Client viaNetwork = S3TestClients.anonymousVia(network.port());
                AuditLog log = logIn(dir.resolve("audit"), keys).checkpointEvery(100, Duration.ofMillis(100))
                        .open()) {
            StaticListableBeanFactory noBuildInfo = new StaticListableBeanFactory();
            TieredStore store = new TieredStore(viaNetwork, policy, storageProperties,
                    noBuildInfo.getBeanProvider(BuildProperties.class));
            AuditShipping shipping = new AuditShipping(log, List.of(new AuditShipperRenaming(node, store)), settings,
                    Clock.systemUTC());
            shipping.start();
            try {
                for (int i = 1; i <= 300; i++) {
                    log.append(received(i));
                }
                awaitUnshippedZero(log, Duration.ofSeconds(30));
                long shippedBeforeOutage = log.shippedSeq();

                network.cut();
                for (int i = 301; i <= 3000; i++) {
                    log.append(received(i));
                }
                log.flush();
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (shipping.failures() < 3 && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertThat(shipping.failures()).as("shipping failed while the bucket was unreachable")
                        .isGreaterThanOrEqualTo(3);
                assertThat(log.shippedSeq()).isEqualTo(shippedBeforeOutage);
                assertThat(shipping.unshipped()).isGreaterThanOrEqualTo(2700);
                assertThat(shipping.backlogAge()).isPositive();
                assertThat(shipping.lastError()).isNotNull();
                assertThat(log.isAvailable()).as("recording goes on without the bucket").isTrue();

                network.restore();
                awaitUnshippedZero(log, Duration.ofSeconds(60));
                assertThat(shipping.backlogAge()).isZero();
            } finally {
                shipping.stop();
            }
            long last = log.lastSeq();
            String bucket = policy.dataClass("audit").bucket();
            List<AuditSegment> shipped = AuditBucketSegments.read(directS3, bucket, "outage-test/" + node + "/");
            AuditVerificationResult result = new AuditVerifier(keys.publicKey()).allowOpenTail(true).verify(shipped);
            assertThat(result.intact()).as(result.summary()).isTrue();
            assertThat(result.summary()).contains("OK: " + last + " events");
        }
    }

    private static void awaitUnshippedZero(AuditLog log, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (log.unshippedCount() > 0) {
            assertThat(System.nanoTime()).as("backlog shipped within %s, %d left", timeout, log.unshippedCount())
                    .isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    /** The bucket shipper, with keys under a prefix of this test's own (not the hub's audit/), so the check reads only them. */
    private record AuditShipperRenaming(String node, TieredStore store) implements AuditShipper {
        @Override
        public void ship(AuditBatch batch) {
            new ObjectStoreAuditShipper(store, "audit", "outage-test/" + node).ship(batch);
        }
    }
}
