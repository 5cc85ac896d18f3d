package org.clinicaldatahub.hub.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;
import org.clinicaldatahub.hub.audit.AuditRecorder;
import org.clinicaldatahub.hub.storage.Sha256;
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
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * The spool drain uploads a round of instances in parallel, so a round must not outlive its
 * failure: once one upload of a round failed (the real embedded S3 server behind a TCP proxy that
 * is cut), the round's other uploads fail at once without touching the store, even if it answers
 * again meanwhile; the drain's next round, which starts by asking {@code storeReachable}, uploads.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability
@ActiveProfiles("test")
class DicomSpoolDrainUploadTest {

    @TempDir
    Path dir;

    @Autowired
    StoragePolicy policy;
    @Autowired
    StorageProperties storageProperties;
    @Autowired
    S3Client directS3;
    @Autowired
    AuditRecorder auditRecorder;
    @Autowired
    CamelContext camel;
    @Value("${hub.embedded.s3.port}")
    int s3Port;

    @Test
    void afterAFailedUploadTheRestOfTheRoundFailsFastAndTheNextRoundUploads() throws Exception {
        DicomProperties properties = new DicomProperties();
        String run = Long.toString(System.nanoTime());
        ReceivedInstance first = instance("1.2.826.0.1.3680043.2.1143.91." + run + ".1");
        ReceivedInstance second = instance("1.2.826.0.1.3680043.2.1143.91." + run + ".2");
        String bucket = policy.dataClass(properties.getDataClass()).bucket();
        try (TcpProxy network = new TcpProxy(s3Port);
                S3Client viaNetwork = S3TestClients.anonymousVia(network.port());
                DicomSpool spool = new DicomSpool(dir.resolve("spool"))) {
            TieredStore store = new TieredStore(viaNetwork, policy, storageProperties,
                    new StaticListableBeanFactory().getBeanProvider(BuildProperties.class));
            DicomInstanceStore instances = new DicomInstanceStore(store, spool, auditRecorder, properties);
            assertThat(instances.storeReachable()).isTrue();

            network.cut();
            assertThatThrownBy(() -> instances.upload(exchangeOf(first))).as("store unreachable")
                    .isInstanceOf(SdkClientException.class);
            network.restore();
            assertThatThrownBy(() -> instances.upload(exchangeOf(second))).as("same round, store back")
                    .isInstanceOf(IOException.class).hasMessageContaining("earlier upload of this spool drain round");
            assertThat(stored(bucket, second, properties)).as("not tried").isFalse();

            assertThat(instances.storeReachable()).as("the next round starts").isTrue();
            instances.upload(exchangeOf(first));
            instances.upload(exchangeOf(second));
            assertThat(stored(bucket, first, properties)).isTrue();
            assertThat(stored(bucket, second, properties)).isTrue();
        }
    }

    private ReceivedInstance instance(String sopInstanceUid) throws IOException {
        byte[] content = ("instance " + sopInstanceUid).getBytes(StandardCharsets.US_ASCII);
        Path file = Files.write(Files.createDirectories(dir.resolve("incoming")).resolve(sopInstanceUid + ".dcm"),
                content);
        return new ReceivedInstance(file, content.length, Sha256.hexDigest(content), 0, "1.2.840.10008.5.1.4.1.1.2",
                sopInstanceUid, "1.2.3", "1.2.3.0", "CT", "1.2.840.10008.1.2.1", "STORESCU", "127.0.0.1", "a1", null);
    }

    private Exchange exchangeOf(ReceivedInstance instance) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setBody(instance);
        return exchange;
    }

    private boolean stored(String bucket, ReceivedInstance instance, DicomProperties properties) {
        try {
            directS3.headObject(r -> r.bucket(bucket).key(instance.objectKey(properties.getKeyLayout())));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        }
    }
}
