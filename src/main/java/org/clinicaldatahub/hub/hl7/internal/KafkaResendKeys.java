package org.clinicaldatahub.hub.hl7.internal;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Remembers the natural keys (sending facility + MSH-10) of committed messages in a compacted
 * Kafka topic that every hub replica reads, so a sender's retry after a lost ACK is recognised
 * by whichever replica receives it, and after a restart.
 *
 * <p>Written for the hub rather than using camel-kafka's KafkaIdempotentRepository, whose
 * start-up fails on an empty topic in Camel 4.18 ("Target offsets must be non-empty"). The most
 * recent {@code capacity} keys are kept in memory; older resends are treated as new messages.
 */
public class KafkaResendKeys extends ServiceSupport implements IdempotentRepository {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaResendKeys.class);

    private final String topic;
    private final String bootstrapServers;
    private final Map<String, Boolean> keys;
    private KafkaProducer<String, String> producer;
    private KafkaConsumer<String, String> consumer;
    private Thread follower;
    private volatile boolean following;

    public KafkaResendKeys(String topic, String bootstrapServers, int capacity) {
        this.topic = topic;
        this.bootstrapServers = bootstrapServers;
        this.keys = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        });
    }

    @Override
    protected void doStart() throws Exception {
        ensureTopic();
        Properties producerConfig = new Properties();
        producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 50);
        producerConfig.put(ProducerConfig.CLIENT_ID_CONFIG, "hub-resend-keys");
        producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new StringSerializer());

        Properties consumerConfig = new Properties();
        consumerConfig.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerConfig.put(ConsumerConfig.CLIENT_ID_CONFIG, "hub-resend-keys");
        // Keys this replica adds are remembered at once; other replicas' keys may arrive in bulk.
        consumerConfig.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 64 * 1024);
        consumerConfig.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 500);
        consumer = new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new StringDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(PartitionInfo::partition).map(p -> new TopicPartition(topic, p)).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        CountDownLatch loaded = new CountDownLatch(1);
        following = true;
        follower = new Thread(() -> follow(end, loaded), "hl7-resend-keys");
        follower.setDaemon(true);
        follower.start();
        if (!loaded.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("Resend keys not loaded from " + topic + " within 120 s");
        }
        LOG.info("Loaded {} recent message keys from {}", keys.size(), topic);
    }

    /** Reads the topic to its end at start-up, then keeps following keys other replicas add. */
    private void follow(Map<TopicPartition, Long> end, CountDownLatch loaded) {
        try {
            while (following) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    keys.put(record.key(), Boolean.TRUE);
                }
                if (loaded.getCount() > 0 && reached(end)) {
                    loaded.countDown();
                }
            }
        } catch (WakeupException e) {
            LOG.debug("Resend key follower stopping");
        } catch (RuntimeException e) {
            LOG.error("Resend key follower failed: {}", e.getClass().getName());
        }
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> entry : end.entrySet()) {
            if (consumer.position(entry.getKey()) < entry.getValue()) {
                return false;
            }
        }
        return true;
    }

    private void ensureTopic() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            if (!existing.contains(topic)) {
                NewTopic newTopic = new NewTopic(topic, java.util.Optional.empty(), java.util.Optional.empty())
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
                try {
                    admin.createTopics(List.of(newTopic)).all().get(30, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        }
    }

    @Override
    protected void doStop() throws Exception {
        following = false;
        if (consumer != null) {
            consumer.wakeup();
        }
        if (follower != null) {
            follower.join(5000);
        }
        if (consumer != null) {
            consumer.close(Duration.ofSeconds(2));
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }

    @Override
    public boolean add(String key) {
        if (keys.putIfAbsent(key, Boolean.TRUE) != null) {
            return false;
        }
        producer.send(new ProducerRecord<>(topic, key, "1"));
        return true;
    }

    @Override
    public boolean contains(String key) {
        return keys.containsKey(key);
    }

    @Override
    public boolean remove(String key) {
        return keys.remove(key) != null;
    }

    @Override
    public boolean confirm(String key) {
        return true;
    }

    @Override
    public void clear() {
        keys.clear();
    }

}
