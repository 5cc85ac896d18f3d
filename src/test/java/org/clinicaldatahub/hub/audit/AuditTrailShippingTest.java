package org.clinicaldatahub.hub.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.clinicaldatahub.hub.hl7.Hl7Properties;
import org.clinicaldatahub.hub.hl7.support.Ack;
import org.clinicaldatahub.hub.hl7.support.MllpClient;
import org.clinicaldatahub.hub.hl7.support.SyntheticHl7;
import org.clinicaldatahub.hub.storage.TieredStore;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.test.context.ActiveProfiles;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRetentionResponse;
import software.amazon.awssdk.services.s3.model.ObjectLockEnabled;
import software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The running hub ships its audit trail: after HL7 traffic every signed event is in the WORM
 * audit bucket (object lock COMPLIANCE, 7 years from the storage policy), the bucket verifies
 * with the public key like the local log, every event line is on the audit topic, and the audit
 * lag is visible as a metric and in health.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability
@ActiveProfiles("test")
class AuditTrailShippingTest {

    private static final Pattern SEQ = Pattern.compile("\"seq\":(\\d+)");

    @Autowired
    AuditRecorder recorder;
    @Autowired
    AuditShipping shipping;
    @Autowired
    AuditProperties properties;
    @Autowired
    TieredStore store;
    @Autowired
    S3Client s3;
    @Autowired
    Hl7Properties hl7;
    @Autowired
    TestRestTemplate http;
    @Value("${hub.kafka.bootstrap-servers}")
    String bootstrapServers;

    @Test
    void hl7TrafficIsShippedToTheLockedBucketAndTheTopicAndVerifies() throws Exception {
        String prefix = "S" + Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36).toUpperCase();
        SyntheticHl7 generator = new SyntheticHl7(33, 10).controlIdPrefix(prefix);
        long before = recorder.log().lastSeq();
        Instant started = Instant.now();
        try (MllpClient client = MllpClient.connect("localhost", hl7.getMllpPort(), Duration.ofSeconds(5))) {
            for (int i = 0; i < 50; i++) {
                SyntheticHl7.Message message = generator.next();
                Ack ack = MllpClient.parseAck(client.request(message.bytes(), Duration.ofSeconds(30)),
                        StandardCharsets.ISO_8859_1);
                assertThat(ack.code()).isEqualTo("AA");
            }
        }
        long recorded = recorder.log().lastSeq();
        assertThat(recorded).as("received and published per message").isGreaterThanOrEqualTo(before + 100);
        awaitShipped(recorded, Duration.ofSeconds(60));

        String bucket = store.policy().dataClass("audit").bucket();
        // Only this node's batches: the bucket is shared with every other hub the tests start on
        // the embedded S3 server (own-hub-context tests, earlier runs: S3Mock keeps its objects in
        // target/test-data), whose chains are signed with other keys. Batch keys are
        // audit/<yyyy>/<MM>/<dd>/<node>-<from>-<to>.log.gz, so the node is picked by name.
        String node = recorder.log().nodeId();
        Pattern ownBatch = Pattern.compile("(?:.*/)?" + Pattern.quote(node) + "-\\d{20}-\\d{20}\\.log(?:\\.gz)?");
        assertThat(s3.getObjectLockConfiguration(b -> b.bucket(bucket)).objectLockConfiguration().objectLockEnabled())
                .isEqualTo(ObjectLockEnabled.ENABLED);
        List<S3Object> objects = s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(ObjectStoreAuditShipper.CHANNEL + "/"))
                .contents().stream().filter(o -> ownBatch.matcher(o.key()).matches()).toList();
        assertThat(objects).isNotEmpty();
        S3Object newest = objects.stream().max((a, b) -> a.lastModified().compareTo(b.lastModified())).orElseThrow();
        GetObjectRetentionResponse retention = s3.getObjectRetention(b -> b.bucket(bucket).key(newest.key()));
        assertThat(retention.retention().mode()).isEqualTo(ObjectLockRetentionMode.COMPLIANCE);
        Instant sevenYears = Instant.now().atZone(java.time.ZoneOffset.UTC).plusYears(7).toInstant();
        assertThat(retention.retention().retainUntilDate()).isBetween(sevenYears.minus(2, ChronoUnit.DAYS),
                sevenYears.plus(1, ChronoUnit.DAYS));

        // the bucket as "audit verify --bucket" reads it (one segment per node), this node's chain
        // verified with the public key; the node is still running, so the shipped trail ends in an
        // interval checkpoint (open tail)
        List<AuditSegment> ownChain = AuditBucketSegments.read(s3, bucket, ObjectStoreAuditShipper.CHANNEL + "/")
                .stream().filter(segment -> segment.name().matches(Pattern.quote(node) + "-\\d{20}\\.log")).toList();
        assertThat(ownChain).as("one chain of node %s in the bucket", node).hasSize(1);
        AuditVerificationResult verification = new AuditVerifier(AuditSigningKeys.readPublicKey(
                properties.resolvedPublicKeyFile())).allowOpenTail(true).verify(ownChain);
        assertThat(verification.intact()).as(verification.summary()).isTrue();
        Matcher verified = Pattern.compile("^OK: (\\d+) events").matcher(verification.summary());
        assertThat(verified.find()).as(verification.summary()).isTrue();
        assertThat(Long.parseLong(verified.group(1))).as("the node's whole chain, from its first event, verified")
                .isGreaterThanOrEqualTo(recorded);

        Set<Long> onTopic = eventSeqsOnTopic(recorder.log().nodeId(), before + 1, recorded, started);
        for (long seq = before + 1; seq <= recorded; seq++) {
            assertThat(onTopic).as("event %d on the audit topic", seq).contains(seq);
        }

        String metrics = http.withBasicAuth("admin", "test-password").getForObject("/actuator/prometheus", String.class);
        assertThat(metrics).contains("hub_audit_unshipped", "hub_audit_shipped_total");
        String health = http.withBasicAuth("admin", "test-password").getForObject("/actuator/health", String.class);
        assertThat(health).contains("auditTrail", "unshipped");
    }

    private void awaitShipped(long seq, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (recorder.log().shippedSeq() < seq) {
            assertThat(System.nanoTime()).as("audit shipped up to %d within %s (shipped %d, last error %s)",
                    seq, timeout, recorder.log().shippedSeq(), shipping.lastError()).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private Set<Long> eventSeqsOnTopic(String node, long from, long to, Instant shippedAfter) {
        Set<Long> seqs = new HashSet<>();
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            String topic = properties.getShipping().getKafkaTopic();
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic, Duration.ofSeconds(60))
                    .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            // The topic holds every event the shared context (and earlier runs: the broker keeps
            // its log in target/test-data) shipped before this test, too much to read from the
            // beginning within any deadline on a loaded machine. Events after "before" were
            // recorded, so shipped, after the test started: begin a minute before that.
            Map<TopicPartition, Long> startAt = new java.util.HashMap<>();
            partitions.forEach(p -> startAt.put(p, shippedAfter.minus(1, ChronoUnit.MINUTES).toEpochMilli()));
            consumer.offsetsForTimes(startAt, Duration.ofSeconds(60)).forEach((partition, offset) ->
                    consumer.seek(partition, offset != null ? offset.offset() : end.get(partition)));
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    String line = new String(record.value(), StandardCharsets.UTF_8);
                    Matcher seq = SEQ.matcher(line);
                    if (node.equals(record.key()) && line.contains("\"type\":\"event\"") && seq.find()) {
                        long value = Long.parseLong(seq.group(1));
                        if (value >= from && value <= to) {
                            seqs.add(value);
                        }
                    }
                }
            }
        }
        return seqs;
    }
}
