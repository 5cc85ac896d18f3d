package org.clinicaldatahub.hub.fhir;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.clinicaldatahub.hub.fhir.internal.PollCursorTopic;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Commits one page of polled resources and the cursor after it in a single Kafka transaction
 * ({@code acks=all}, idempotent producer): either both the records on {@code hub.fhir.inbound} and
 * the advanced cursor are visible to read_committed consumers, or neither is. A crash between
 * the search and the commit therefore re-polls the page from the old cursor, and the page lands
 * once. The cursors are read back from their compacted topic on first use after a start.
 *
 * <p>Only one hub replica may poll one source at a time (Quartz clustering); a second one with
 * the same transactional id fences the first, which is what a failover wants.
 */
@Component("fhirPollCommitter")
public class FhirPollCommitter implements DisposableBean {

    /** A record of a polled resource version. */
    public record PolledRecord(String key, byte[] json, Map<String, String> headers) {
    }

    private final FhirProperties.Poll poll;
    private final String topic;
    private final String bootstrapServers;
    private final String transactionalId;
    private final Map<String, PollCursor> cursors = new ConcurrentHashMap<>();
    private KafkaProducer<String, byte[]> producer;
    private boolean loaded;

    public FhirPollCommitter(FhirProperties properties, @Value("${hub.kafka.bootstrap-servers}") String bootstrapServers,
            @Value("${hub.node-id:local}") String nodeId) {
        this.poll = properties.getPoll();
        this.topic = properties.getTopic();
        this.bootstrapServers = bootstrapServers;
        this.transactionalId = "hub-fhir-poll-" + poll.getSourceName() + "-" + nodeId;
    }

    /** The committed cursor of a resource type, or the configured start when there is none. */
    public synchronized PollCursor cursor(String resourceType) {
        load();
        return cursors.getOrDefault(cursorKey(resourceType), PollCursor.startingAt(Instant.parse(poll.getSince())));
    }

    /** Publishes the records and the new cursor atomically; returns once the transaction is committed. */
    public synchronized void commit(String resourceType, List<PolledRecord> records, PollCursor next) {
        load();
        try {
            producer.beginTransaction();
            for (PolledRecord record : records) {
                ProducerRecord<String, byte[]> out = new ProducerRecord<>(topic, record.key(), record.json());
                record.headers().forEach((name, value) -> out.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
                producer.send(out);
            }
            producer.send(new ProducerRecord<>(poll.getCursorTopic(), cursorKey(resourceType), next.toJson()));
            producer.commitTransaction();
        } catch (KafkaException e) {
            abortQuietly();
            throw e;
        }
        cursors.put(cursorKey(resourceType), next);
    }

    /**
     * Forgets the producer and every cursor held in memory, as a restart does; the next call reads
     * the cursors back from Kafka. Used after an error, so a half-known state is never trusted.
     */
    public synchronized void forget() {
        cursors.clear();
        loaded = false;
        if (producer != null) {
            producer.close(java.time.Duration.ofSeconds(5));
            producer = null;
        }
    }

    private void load() {
        if (loaded) {
            return;
        }
        PollCursorTopic.ensure(bootstrapServers, poll.getCursorTopic());
        if (producer == null) {
            producer = newProducer();
            producer.initTransactions();
        }
        String prefix = poll.getSourceName() + "|";
        PollCursorTopic.readAll(bootstrapServers, poll.getCursorTopic()).forEach((key, cursor) -> {
            if (key.startsWith(prefix)) {
                cursors.put(key, cursor);
            }
        });
        loaded = true;
    }

    private KafkaProducer<String, byte[]> newProducer() {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "hub-fhir-poll");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    private void abortQuietly() {
        try {
            producer.abortTransaction();
        } catch (RuntimeException e) {
            // a fenced or broken producer: forget it, the next poll starts afresh from Kafka
            forget();
        }
    }

    private String cursorKey(String resourceType) {
        return poll.getSourceName() + "|" + resourceType;
    }

    @Override
    public synchronized void destroy() {
        if (producer != null) {
            producer.close(java.time.Duration.ofSeconds(5));
        }
    }
}
