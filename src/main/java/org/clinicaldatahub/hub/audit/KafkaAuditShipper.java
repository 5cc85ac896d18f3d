package org.clinicaldatahub.hub.audit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Ships every line of a signed batch (events and checkpoints) to a Kafka topic, keyed by node so
 * one node's chain stays in order in one partition; SIEMs and other consumers read it there.
 * Delivery is at least once: a batch repeated after a crash repeats its lines, which consumers
 * recognise by their {@code seq}.
 */
public final class KafkaAuditShipper implements AuditShipper, AutoCloseable {

    private final String topic;
    private final KafkaProducer<String, byte[]> producer;

    public KafkaAuditShipper(String topic, String bootstrapServers) {
        this.topic = topic;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 20,
                // a shipped batch holds thousands of lines: one produce request per 256 KB, not per 16 KB
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                ProducerConfig.CLIENT_ID_CONFIG, "hub-audit-shipper"),
                new StringSerializer(), new ByteArraySerializer());
    }

    @Override
    public void ship(AuditBatch batch) throws Exception {
        List<Future<RecordMetadata>> sent = new ArrayList<>(batch.lineCount());
        batch.forEachLine((bytes, offset, length) -> sent.add(producer.send(
                new ProducerRecord<>(topic, batch.node(), java.util.Arrays.copyOfRange(bytes, offset, offset + length)))));
        producer.flush();
        for (Future<RecordMetadata> future : sent) {
            future.get(30, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
