package org.clinicaldatahub.hub.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.zip.GZIPInputStream;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A crash between storing an archive object and committing its offset must not create a second
 * copy: the restarted archiver re-reads from the committed offset and overwrites the same object.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability
@ActiveProfiles("test")
class TopicArchiverRestartTest {

    @Autowired
    TieredStore tieredStore;
    @Autowired
    S3Client s3;
    @Value("${hub.kafka.bootstrap-servers}")
    String bootstrapServers;

    @Test
    void lostCommitAfterAStoredBatchLeavesEveryRecordInExactlyOneObject() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String topic = "test.archive." + run;
        String channel = "archive-test-" + run;
        TopicArchiver.Settings settings = new TopicArchiver.Settings(channel, topic, "g-" + run, "clinical-hot",
                "test", 40, 1 << 20, Duration.ofMillis(300));

        produce(topic, 0, 100);
        TopicArchiver first = new TopicArchiver(settings, bootstrapServers, tieredStore, (o, r) -> { });
        first.start();
        awaitArchived(first, 100);
        first.stop();

        // The crash: the last stored batch's commit is lost, so the group is back at its first offset.
        long lastBatchStart = lastObjectFirstOffset(channel);
        assertThat(lastBatchStart).isGreaterThan(0);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            admin.alterConsumerGroupOffsets("g-" + run,
                    Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(lastBatchStart))).all().get();
        }
        produce(topic, 100, 150);
        TopicArchiver second = new TopicArchiver(settings, bootstrapServers, tieredStore, (o, r) -> { });
        second.start();
        awaitArchived(second, 150 - lastBatchStart);
        second.stop();

        Map<String, Integer> copies = archivedCopies(channel);
        assertThat(copies).hasSize(150);
        assertThat(copies.values()).allMatch(count -> count == 1);
    }

    private void produce(String topic, int from, int to) throws Exception {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int i = from; i < to; i++) {
                producer.send(new ProducerRecord<>(topic, 0, null, ("record-" + i).getBytes(StandardCharsets.UTF_8))).get();
            }
        }
    }

    private static void awaitArchived(TopicArchiver archiver, long records) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (archiver.archivedRecords() < records && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(archiver.archivedRecords()).isEqualTo(records);
    }

    private List<S3Object> objects(String channel) {
        return s3.listObjectsV2Paginator(r -> r.bucket("hub-clinical").prefix(channel + "/")).contents().stream().toList();
    }

    private long lastObjectFirstOffset(String channel) {
        return objects(channel).stream()
                .map(o -> s3.headObject(r -> r.bucket("hub-clinical").key(o.key())).metadata().get("first-offset"))
                .mapToLong(Long::parseLong).max().orElseThrow();
    }

    private Map<String, Integer> archivedCopies(String channel) throws Exception {
        ObjectMapper json = new ObjectMapper();
        Map<String, Integer> copies = new HashMap<>();
        for (S3Object object : objects(channel)) {
            byte[] gz = s3.getObjectAsBytes(r -> r.bucket("hub-clinical").key(object.key())).asByteArray();
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(
                    new GZIPInputStream(new ByteArrayInputStream(gz)), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    byte[] value = java.util.Base64.getDecoder().decode(json.readTree(line).get("base64").asText());
                    copies.merge(new String(value, StandardCharsets.UTF_8), 1, Integer::sum);
                }
            }
        }
        return copies;
    }
}
