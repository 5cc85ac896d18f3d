package org.clinicaldatahub.hub.terminology;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Keeps the unmapped-code counts across restarts: creates the work-queue topic compacted (latest
 * state per code wins), and when the hub is ready reads back this node's entries in the
 * background. The work queue is an aid for analysts, so a broker that cannot be reached only
 * costs the old counts (logged), never the start-up.
 */
@Component
public class UnmappedCodesRestore {

    private static final Logger LOG = LoggerFactory.getLogger(UnmappedCodesRestore.class);

    private final UnmappedCodes unmappedCodes;
    private final String topic;
    private final String bootstrapServers;

    public UnmappedCodesRestore(UnmappedCodes unmappedCodes, TerminologyProperties properties,
            @Value("${hub.kafka.bootstrap-servers}") String bootstrapServers) {
        this.unmappedCodes = unmappedCodes;
        this.topic = properties.getUnmappedTopic();
        this.bootstrapServers = bootstrapServers;
    }

    @EventListener(ApplicationReadyEvent.class)
    public void restoreInBackground() {
        Thread thread = new Thread(this::restore, "terminology-unmapped-restore");
        thread.setDaemon(true);
        thread.start();
    }

    void restore() {
        try {
            ensureCompactedTopic();
            int restored = readBack();
            LOG.info("unmapped-code work queue: {} entries of node {} restored from {}", restored, unmappedCodes.node(), topic);
        } catch (Exception e) {
            LOG.warn("unmapped-code work queue not restored from {} ({}); counting starts from zero", topic, e.getClass().getSimpleName());
        }
    }

    private void ensureCompactedTopic() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            if (!existing.contains(topic)) {
                NewTopic newTopic = new NewTopic(topic, Optional.empty(), Optional.empty())
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
                try {
                    admin.createTopics(List.of(newTopic)).all().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        }
    }

    private int readBack() throws Exception {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "hub-terminology-unmapped-restore");
        String prefix = unmappedCodes.node() + "|";
        // latest state per key: later records replace earlier ones until the end captured at start
        Map<String, byte[]> latest = new java.util.HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(PartitionInfo::partition).map(p -> new TopicPartition(topic, p)).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (!reached(consumer, end) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.key() != null && record.key().startsWith(prefix)
                            && record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
                        latest.put(record.key(), record.value());
                    }
                }
            }
        }
        int restored = 0;
        for (byte[] value : latest.values()) {
            if (value != null) {
                unmappedCodes.restore(UnmappedCodes.fromJson(value));
                restored++;
            }
        }
        return restored;
    }

    private static boolean reached(KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> entry : end.entrySet()) {
            if (consumer.position(entry.getKey()) < entry.getValue()) {
                return false;
            }
        }
        return true;
    }
}
