package org.clinicaldatahub.hub.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.clinicaldatahub.hub.dicom.data.FileMetaInformation;
import org.clinicaldatahub.hub.dicom.support.ChildHub;
import org.clinicaldatahub.hub.dicom.support.Dcmtk;
import org.clinicaldatahub.hub.dicom.support.SyntheticCt;
import org.clinicaldatahub.hub.dicom.support.SyntheticMultiFrame;
import org.clinicaldatahub.hub.support.TcpProxy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The DICOM channel of a whole hub running as a child JVM with a 256 MB heap (its embedded S3
 * server is its own child process; the hub reaches it through a {@link TcpProxy} the test can cut):
 * <ul>
 * <li>a 1 GiB multi-frame instance sent by DCMTK storescu arrives in S3 (multipart) with its data
 *     set byte-identical, and the hub never needed more heap (it exits on an OutOfMemoryError);</li>
 * <li>with the object store cut off in the middle of a run, every instance is still acknowledged
 *     (into the local spool), and after the store returns every one of them is in S3 exactly once,
 *     with one stored event each.</li>
 * </ul>
 * With {@code hub.dicom.acknowledge-after: stored} (the default); {@link DicomChildHubSpooledTest}
 * runs the outage test again with {@code spooled}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DicomChildHubTest {

    private final Path data = Path.of("target/test-data/dicom-child-" + acknowledgeAfter()).toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String run = Long.toString(System.currentTimeMillis() % 1_000_000_000L);
    private TcpProxy network;
    private ChildHub hub;
    private S3Client s3;

    @BeforeAll
    void startHub() throws Exception {
        assumeThat(Dcmtk.available()).as("DCMTK (apt-get install dcmtk) is required").isTrue();
        ChildHub.deleteRecursively(data);
        int s3Port = ChildHub.freePort();
        network = new TcpProxy(s3Port, storeDelay());
        hub = ChildHub.start(data, "256m", s3Port, "http://127.0.0.1:" + network.port(),
                "--hub.dicom.spool-drain-interval=500ms", "--hub.dicom.acknowledge-after=" + acknowledgeAfter());
        s3 = S3Client.builder().region(Region.US_EAST_1).credentialsProvider(AnonymousCredentialsProvider.create())
                .forcePathStyle(true).requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                // The SDK's 30 s read timeout is too short for reading back the gigabyte: S3Mock is
                // a JVM with a small serial-GC heap competing for two loaded cores with the hub, its
                // broker and the test, and can stall longer than that between two reads. The hub's
                // own client on the embedded S3Mock waits 15 min (hub.storage.socket-timeout).
                .httpClientBuilder(ApacheHttpClient.builder().connectionTimeout(Duration.ofSeconds(30))
                        .socketTimeout(Duration.ofMinutes(15)))
                .endpointOverride(URI.create("http://127.0.0.1:" + s3Port)).build();
    }

    @AfterAll
    void stopHub() throws Exception {
        if (s3 != null) {
            s3.close();
        }
        if (hub != null) {
            hub.close();
        }
        if (network != null) {
            network.close();
        }
        if (Files.exists(data.resolve("hub.log"))) {
            Files.copy(data.resolve("hub.log"), data.resolveSibling("dicom-child-" + acknowledgeAfter() + "-hub.log"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        ChildHub.deleteRecursively(data); // a gigabyte in the S3 server's directory
    }

    /** How far away the object store is: added to the way there and the way back. */
    Duration storeDelay() {
        return Duration.ZERO;
    }

    /** {@code hub.dicom.acknowledge-after} of the child hub. */
    String acknowledgeAfter() {
        return "stored";
    }

    @Test
    void aGigabyteMultiFrameInstanceIsStoredByteIdenticalWithin256MbOfHeap() throws Exception {
        Path file = Files.createTempFile("hub-1gib-", ".dcm");
        try {
            String instance = SyntheticCt.instanceUid(run, 1000);
            String sent = SyntheticMultiFrame.write(file, SyntheticCt.studyUid(run), SyntheticCt.seriesUid(run),
                    instance, 2048);
            assertThat(Files.size(file)).isGreaterThan(1L << 30);

            Dcmtk.Result result = Dcmtk.run(List.of("storescu", "-aet", "MODALITY", "-aec", "HUB", "-xe",
                    // the answer comes once the gigabyte is in S3; storescu's default socket timeout is 60 s
                    "-ts", "600",
                    // Sending the gigabyte, the hub's multipart upload and S3Mock assembling the parts
                    // into one file (silent, minutes on a busy disk) share two loaded cores with the
                    // broker and the test: a deadline against a hang, not a benchmark.
                    "localhost", Integer.toString(hub.dicomPort), file.toString()), Duration.ofMinutes(20));
            assertThat(result.exitCode()).as(result.output()).isZero();
            assertThat(result.output()).as("storescu reports problems only").doesNotContain("Status", "E:");

            String key = key(instance);
            var head = s3.headObject(r -> r.bucket("hub-clinical").key(key));
            assertThat(head.contentLength()).isGreaterThan(1L << 30);
            assertThat(head.eTag()).as("stored as a multipart upload").contains("-");
            try (InputStream in = s3.getObject(r -> r.bucket("hub-clinical").key(key))) {
                assertThat(SyntheticMultiFrame.dataSetSha256(in)).as("data set in S3").isEqualTo(sent);
            }
            assertThat(hub.alive()).as("hub still running with -Xmx256m").isTrue();
            assertThat(hub.log()).doesNotContain("OutOfMemoryError");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void instancesAcknowledgedWhileS3IsDownAllReachS3ExactlyOnce() throws Exception {
        Path dir = Files.createTempDirectory("hub-outage-");
        try {
            int count = 30;
            List<Path> files = new ArrayList<>();
            for (int n = 1; n <= count; n++) {
                Path dump = dir.resolve(n + ".dump");
                Files.writeString(dump, SyntheticCt.dumpWithInstance(run, n), StandardCharsets.ISO_8859_1);
                Path file = dir.resolve(n + ".dcm");
                Dcmtk.ok("dump2dcm", "+te", dump.toString(), file.toString());
                files.add(file);
            }
            Path pending = data.resolve("dicom-spool/pending");
            for (int i = 0; i < count; i++) {
                if (i == 10) {
                    network.cut(); // the object store becomes unreachable mid-run
                }
                if (i == 20) {
                    if (acknowledgeAfter().equals("stored")) {
                        assertThat(spooled(pending)).as("acknowledged into the spool while S3 was down").isEqualTo(10);
                    } else {
                        // every instance goes through the spool; those of the outage cannot have left it
                        assertThat(spooled(pending)).as("acknowledged into the spool while S3 was down")
                                .isGreaterThanOrEqualTo(10);
                    }
                    network.restore();
                }
                Dcmtk.Result result = Dcmtk.run("storescu", "-v", "-aet", "STORESCU", "-aec", "HUB", "localhost",
                        Integer.toString(hub.dicomPort), files.get(i).toString());
                assertThat(result.exitCode()).as(result.output()).isZero();
                assertThat(result.output()).as("instance %d", i).contains("Received Store Response (Success)");
            }

            // the child hub drains its spool to S3Mock; both compete for the cores with the test
            long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
            while ((stored().size() < count || spooled(pending) > 0) && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            List<S3Object> objects = stored();
            assertThat(objects).as("every acknowledged instance in S3").hasSize(count);
            assertThat(spooled(pending)).as("spool drained").isZero();
            for (Path file : files) {
                String sop = meta(file).mediaStorageSopInstanceUid();
                try (InputStream sent = Files.newInputStream(file);
                        InputStream in = s3.getObject(r -> r.bucket("hub-clinical").key(key(sop)))) {
                    assertThat(SyntheticMultiFrame.dataSetSha256(in)).as("data set of %s", sop)
                            .isEqualTo(SyntheticMultiFrame.dataSetSha256(sent));
                }
            }
            Map<String, Integer> events = storedEvents(count);
            assertThat(events).as("one stored event per instance").hasSize(count);
            assertThat(events.values()).as("no instance published twice").containsOnly(1);
        } finally {
            ChildHub.deleteRecursively(dir);
        }
    }

    private String key(String sopInstanceUid) {
        return "dicom/" + SyntheticCt.studyUid(run) + "/" + SyntheticCt.seriesUid(run) + "/" + sopInstanceUid + ".dcm";
    }

    private List<S3Object> stored() {
        return s3.listObjectsV2Paginator(r -> r.bucket("hub-clinical")
                .prefix("dicom/" + SyntheticCt.studyUid(run) + "/" + SyntheticCt.seriesUid(run) + "/" + SyntheticCt.UID_ROOT
                        + run + ".3."))
                .contents().stream().filter(o -> !o.key().endsWith(".3.1000.dcm")).toList();
    }

    /** Instances in the spool of {@code pending}'s spool directory: its files and its kept slots. */
    static long spooled(Path pending) throws Exception {
        return DicomSpool.countOnDisk(pending.getParent());
    }

    private static FileMetaInformation meta(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return FileMetaInformation.readFrom(in);
        }
    }

    /** Stored events of this run's instances by SOP Instance UID, with how often each came. */
    private Map<String, Integer> storedEvents(int expected) throws Exception {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:" + hub.kafkaPort);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "dicom-child-test-" + run);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Map<String, Integer> events = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of("hub.dicom.stored"));
            // joining a group on the child's fresh broker alone can take seconds on loaded cores
            long deadline = System.currentTimeMillis() + 120_000;
            long quietUntil = Long.MAX_VALUE;
            // read until all are there, then a little longer so a late duplicate would show
            while (System.currentTimeMillis() < Math.min(deadline, quietUntil)) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(300))) {
                    JsonNode event = JSON.readTree(record.value());
                    String sop = event.path("sopInstanceUid").asText();
                    if (sop.startsWith(SyntheticCt.UID_ROOT + run + ".3.") && !sop.endsWith(".3.1000")) {
                        events.merge(sop, 1, Integer::sum);
                    }
                }
                if (events.size() >= expected && quietUntil == Long.MAX_VALUE) {
                    quietUntil = System.currentTimeMillis() + 2000;
                }
            }
        }
        return events;
    }
}
