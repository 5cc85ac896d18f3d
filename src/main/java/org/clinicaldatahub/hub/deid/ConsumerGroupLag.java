package org.clinicaldatahub.hub.deid;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.clinicaldatahub.hub.DaemonThreads;

/**
 * How far a consumer group (a research feed) is behind its input topic: records on the topic that
 * the group has not committed yet, i.e. not yet de-identified, published and acknowledged. A group
 * that never committed a partition is behind by all of it, as it starts from the earliest record.
 * The answer is read through the admin API at most once per {@code refresh} per group, so a
 * dashboard scraping every second does not turn into broker requests every second, and on a
 * thread of its own, so a scrape never waits for a slow or unreachable broker: it gets the last
 * reading.
 */
public final class ConsumerGroupLag implements AutoCloseable {

    private static final long TIMEOUT_SECONDS = 5;

    private final String bootstrapServers;
    private final long refreshNanos;
    private final LongSupplier nanoClock;
    private final Map<String, Reading> readings = new HashMap<>();
    private final Set<String> reading = new HashSet<>();
    private final ExecutorService reader = Executors.newSingleThreadExecutor(DaemonThreads.named("hub-feed-lag"));
    private Admin admin;

    public ConsumerGroupLag(String bootstrapServers, Duration refresh) {
        this(bootstrapServers, refresh, System::nanoTime);
    }

    ConsumerGroupLag(String bootstrapServers, Duration refresh, LongSupplier nanoClock) {
        this.bootstrapServers = bootstrapServers;
        this.refreshNanos = refresh.toNanos();
        this.nanoClock = nanoClock;
    }

    /**
     * Records of {@code topic} not yet committed by {@code groupId}, as last read; NaN until the
     * first reading and while the broker cannot say. A stale reading starts a new one in the background.
     */
    public synchronized double lag(String groupId, String topic) {
        String key = groupId + '\n' + topic;
        Reading last = readings.get(key);
        if ((last == null || nanoClock.getAsLong() - last.atNanos() >= refreshNanos) && reading.add(key)) {
            reader.execute(() -> {
                double lag = read(groupId, topic);
                synchronized (this) {
                    readings.put(key, new Reading(nanoClock.getAsLong(), lag));
                    reading.remove(key);
                }
            });
        }
        return last == null ? Double.NaN : last.lag();
    }

    private double read(String groupId, String topic) {
        try {
            Admin client = admin();
            List<TopicPartition> partitions = client.describeTopics(List.of(topic)).allTopicNames()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(topic).partitions().stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            Map<TopicPartition, OffsetAndMetadata> committed = client.listConsumerGroupOffsets(groupId)
                    .partitionsToOffsetAndMetadata().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Map<TopicPartition, ListOffsetsResultInfo> ends = offsets(client, partitions, OffsetSpec.latest());
            Map<TopicPartition, ListOffsetsResultInfo> starts = offsets(client, partitions, OffsetSpec.earliest());
            long lag = 0;
            for (TopicPartition partition : partitions) {
                OffsetAndMetadata done = committed.get(partition);
                long from = done != null ? done.offset() : starts.get(partition).offset();
                lag += Math.max(0, ends.get(partition).offset() - from);
            }
            return lag;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            // unknown topic (nothing published yet) or broker unreachable: the gauge shows no value
            return Double.NaN;
        }
    }

    private static Map<TopicPartition, ListOffsetsResultInfo> offsets(Admin client, List<TopicPartition> partitions,
            OffsetSpec spec) throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(p -> request.put(p, spec));
        return client.listOffsets(request).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    private synchronized Admin admin() {
        if (admin == null) {
            admin = Admin.create(Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    AdminClientConfig.CLIENT_ID_CONFIG, "hub-feed-lag",
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS),
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS)));
        }
        return admin;
    }

    @Override
    public void close() {
        reader.shutdownNow();
        synchronized (this) {
            closeAdmin();
        }
    }

    private void closeAdmin() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
            admin = null;
        }
    }

    private record Reading(long atNanos, double lag) {
    }
}
