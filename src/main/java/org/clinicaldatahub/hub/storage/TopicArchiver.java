package org.clinicaldatahub.hub.storage;

import java.time.Duration;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Archives a Kafka topic into a data class in batched gzip NDJSON objects, one object per
 * partition and batch, closed by record count, size or age.
 *
 * <p>Exactly once after a crash, as Kafka Connect's S3 sink: the offset is committed only after
 * the object is stored, and the object key is derived from the partition and the batch's first
 * offset. Only the batch after the last commit can have been stored without a commit; after a
 * restart that batch starts at the same offset, so its object is overwritten rather than
 * duplicated, whatever the new batch's length. Each record is thus in exactly one object.
 */
public class TopicArchiver implements SmartLifecycle, Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(TopicArchiver.class);

    /** Settings of one archiver. */
    public record Settings(String channel, String topic, String groupId, String dataClass, String sourceSystem,
            int maxRecords, long maxBytes, Duration maxAge) {
    }

    private final Settings settings;
    private final Properties consumerConfig;
    private final TieredStore tieredStore;
    private final BiConsumer<StoredObject, List<ConsumerRecord<byte[], byte[]>>> onStored;
    private final Map<TopicPartition, ArchiveBatch> open = new HashMap<>();
    private final AtomicLong archivedRecords = new AtomicLong();
    private final AtomicLong archivedObjects = new AtomicLong();
    private final AtomicLong failedStores = new AtomicLong();
    private final AtomicLong lag = new AtomicLong();
    private long lagMeasuredAtNanos;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean running;
    private Thread thread;

    public TopicArchiver(Settings settings, String bootstrapServers, TieredStore tieredStore,
            BiConsumer<StoredObject, List<ConsumerRecord<byte[], byte[]>>> onStored) {
        this.settings = settings;
        this.tieredStore = tieredStore;
        this.onStored = onStored;
        this.consumerConfig = new Properties();
        consumerConfig.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerConfig.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.min(settings.maxRecords(), 2000));
        consumerConfig.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        consumerConfig.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        consumerConfig.put(ConsumerConfig.CLIENT_ID_CONFIG, "hub-archiver-" + settings.channel());
        // The archive writes batches anyway: fetch in bulk instead of one round trip per record,
        // which under load costs the broker more CPU than the ingest itself.
        consumerConfig.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 256 * 1024);
        consumerConfig.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 500);
    }

    @Override
    public void start() {
        running = true;
        thread = new Thread(this, "archiver-" + settings.channel());
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void stop() {
        running = false;
        KafkaConsumer<byte[], byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(15_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public void run() {
        try (KafkaConsumer<byte[], byte[]> kafka = new KafkaConsumer<>(consumerConfig)) {
            consumer = kafka;
            kafka.subscribe(List.of(settings.topic()), new DropOpenBatchesOnRevoke());
            while (running) {
                ConsumerRecords<byte[], byte[]> records;
                try {
                    records = kafka.poll(Duration.ofMillis(200));
                } catch (WakeupException e) {
                    break;
                }
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    open.computeIfAbsent(new TopicPartition(record.topic(), record.partition()),
                            tp -> new ArchiveBatch()).add(record);
                }
                flushDue(kafka, false);
                measureLag(kafka);
            }
            flushDue(kafka, true);
        } catch (WakeupException e) {
            LOG.debug("Archiver {} woken up for shutdown", settings.channel());
        } catch (RuntimeException e) {
            LOG.error("Archiver {} stopped: {}", settings.channel(), e.getClass().getName());
        } finally {
            consumer = null;
            running = false;
        }
    }

    private void flushDue(KafkaConsumer<byte[], byte[]> kafka, boolean all) {
        long maxAgeNanos = settings.maxAge().toNanos();
        for (var it = open.entrySet().iterator(); it.hasNext();) {
            var entry = it.next();
            ArchiveBatch batch = entry.getValue();
            if (!all && batch.retryAfterNanos() - System.nanoTime() > 0) {
                continue;
            }
            boolean due = all || batch.size() >= settings.maxRecords() || batch.payloadBytes() >= settings.maxBytes()
                    || batch.ageNanos() >= maxAgeNanos;
            if (!due) {
                continue;
            }
            if (store(kafka, entry.getKey(), batch)) {
                it.remove();
                kafka.resume(List.of(entry.getKey()));
            } else {
                batch.retryAfter(Duration.ofSeconds(2));
                // Keep the batch and stop fetching this partition until the store is back.
                kafka.pause(List.of(entry.getKey()));
            }
        }
    }

    private boolean store(KafkaConsumer<byte[], byte[]> kafka, TopicPartition partition, ArchiveBatch batch) {
        String name = "%s-%d-%020d.ndjson.gz".formatted(partition.topic(), partition.partition(), batch.firstOffset());
        Map<String, String> metadata = Map.of(
                "source-system", settings.sourceSystem(),
                "record-count", Integer.toString(batch.size()),
                "first-offset", Long.toString(batch.firstOffset()),
                "last-offset", Long.toString(batch.lastOffset()),
                "content-encoding", "gzip",
                "format", "ndjson");
        StoredObject stored;
        try {
            stored = tieredStore.put(settings.dataClass(), settings.channel(), name, batch.toGzipNdjson(), metadata,
                    batch.firstTimestamp().atZone(ZoneOffset.UTC));
            // Audited before the commit: if the trail cannot take it, the batch is stored again later.
            onStored.accept(stored, batch.records());
        } catch (RuntimeException e) {
            failedStores.incrementAndGet();
            LOG.warn("Archive of {} offsets {}-{} not stored yet ({}); will retry", partition, batch.firstOffset(),
                    batch.lastOffset(), e.getClass().getSimpleName());
            return false;
        }
        kafka.commitSync(Map.of(partition, new OffsetAndMetadata(batch.lastOffset() + 1)));
        archivedRecords.addAndGet(batch.size());
        archivedObjects.incrementAndGet();
        return true;
    }

    /** Records in the topic not yet archived (fetched but unstored, or not yet fetched). */
    private void measureLag(KafkaConsumer<byte[], byte[]> kafka) {
        long now = System.nanoTime();
        if (now - lagMeasuredAtNanos < 1_000_000_000L) {
            return;
        }
        lagMeasuredAtNanos = now;
        long behind = 0;
        for (TopicPartition partition : kafka.assignment()) {
            behind += kafka.currentLag(partition).orElse(0);
            ArchiveBatch batch = open.get(partition);
            behind += batch == null ? 0 : batch.size();
        }
        lag.set(behind);
    }

    /** Records behind the end of the topic, measured about once a second. */
    public long lag() {
        return lag.get();
    }

    public long archivedRecords() {
        return archivedRecords.get();
    }

    public long archivedObjects() {
        return archivedObjects.get();
    }

    public long failedStores() {
        return failedStores.get();
    }

    public Settings settings() {
        return settings;
    }

    /**
     * A partition taken away must not be committed by this instance any more; its open batch is
     * dropped and the new owner re-reads from the committed offset, writing the same object key.
     */
    private final class DropOpenBatchesOnRevoke implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(java.util.Collection<TopicPartition> partitions) {
            partitions.forEach(open::remove);
        }

        @Override
        public void onPartitionsAssigned(java.util.Collection<TopicPartition> partitions) {
            // positions come from the committed offsets
        }
    }
}
