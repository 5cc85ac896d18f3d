package org.clinicaldatahub.hub.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
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
        assertThat(s3.getObjectLockConfiguration(b -> b.bucket(bucket)).objectLockConfiguration().objectLockEnabled())
                .isEqualTo(ObjectLockEnabled.ENABLED);
        List<S3Object> objects = s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix("audit/")).contents()
                .stream().toList();
        assertThat(objects).isNotEmpty();
        S3Object newest = objects.stream().max((a, b) -> a.lastModified().compareTo(b.lastModified())).orElseThrow();
        GetObjectRetentionResponse retention = s3.getObjectRetention(b -> b.bucket(bucket).key(newest.key()));
        assertThat(retention.retention().mode()).isEqualTo(ObjectLockRetentionMode.COMPLIANCE);
        Instant sevenYears = Instant.now().atZone(java.time.ZoneOffset.UTC).plusYears(7).toInstant();
        assertThat(retention.retention().retainUntilDate()).isBetween(sevenYears.minus(2, ChronoUnit.DAYS),
                sevenYears.plus(1, ChronoUnit.DAYS));

        // the node is still running, so the shipped trail ends in an interval checkpoint (open tail)
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = AuditBucketVerification.verify(s3, bucket, "audit/", AuditSigningKeys.readPublicKey(
                properties.resolvedPublicKeyFile()), true, new PrintStream(out), new PrintStream(out));
        assertThat(exit).as(out.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("OK");

        Set<Long> onTopic = eventSeqsOnTopic(recorder.log().nodeId(), before + 1, recorded);
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

    private Set<Long> eventSeqsOnTopic(String node, long from, long to) {
        Set<Long> seqs = new HashSet<>();
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            String topic = properties.getShipping().getKafkaTopic();
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic, Duration.ofSeconds(10))
                    .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
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
