package org.clinicaldatahub.hub.embedded;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka broker in KRaft mode (broker and controller in one node), in-process, built
 * from Kafka's own server classes so it behaves like the production broker (transactions,
 * {@code acks=all}, consumer groups) without ZooKeeper, Docker or a separate install.
 */
final class EmbeddedKafka {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final int NODE_ID = 1;
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    // generous: on two cores shared with a build, S3Mock alone has taken 55 s to start
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(150);

    private final KafkaRaftServer server;
    private final String bootstrapServers;

    private EmbeddedKafka(KafkaRaftServer server, String bootstrapServers) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
    }

    /** Fails before anything is started if either listener port is taken. */
    static void requirePortsFree(EmbeddedSettings settings) {
        LocalPorts.requireFree(settings.kafkaPort(), "Embedded Kafka broker", EmbeddedSettings.KAFKA_PORT);
        LocalPorts.requireFree(settings.kafkaControllerPort(), "Embedded Kafka controller",
                EmbeddedSettings.KAFKA_CONTROLLER_PORT);
    }

    /**
     * Formats the log directory on first use, starts the broker and returns once it answers a
     * cluster description, so producers created right after this see a working broker.
     */
    static EmbeddedKafka start(EmbeddedSettings settings) {
        long started = System.nanoTime();
        Path logDir = settings.dataDir().resolve("kafka");
        String bootstrap = bootstrapServers(settings);
        KafkaConfig config = new KafkaConfig(brokerProperties(settings, logDir), false);
        formatIfNew(logDir);
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        try {
            server.startup();
            awaitReady(bootstrap);
        } catch (RuntimeException e) {
            shutdownQuietly(server);
            throw new IllegalStateException("Embedded Kafka broker failed to start on " + bootstrap + " (data "
                    + logDir + "): " + e.getMessage(), e);
        }
        log.info("Embedded Kafka broker (KRaft, single node) ready at {} in {} ms, data in {}", bootstrap,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), logDir);
        return new EmbeddedKafka(server, bootstrap);
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    /** The bootstrap address the broker will have with these settings, known before it starts. */
    static String bootstrapServers(EmbeddedSettings settings) {
        return "localhost:" + settings.kafkaPort();
    }

    /** Controlled shutdown: the broker hands off to the controller, flushes logs and closes them cleanly. */
    void stop() {
        long started = System.nanoTime();
        shutdownQuietly(server);
        log.info("Embedded Kafka broker at {} stopped in {} ms", bootstrapServers,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    static Map<String, String> brokerProperties(EmbeddedSettings settings, Path logDir) {
        Map<String, Object> p = new HashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", NODE_ID);
        p.put("listeners", "PLAINTEXT://localhost:" + settings.kafkaPort() + "," + CONTROLLER_LISTENER
                + "://localhost:" + settings.kafkaControllerPort());
        p.put("advertised.listeners", "PLAINTEXT://localhost:" + settings.kafkaPort());
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("controller.quorum.voters", NODE_ID + "@localhost:" + settings.kafkaControllerPort());
        p.put("log.dirs", logDir.toString());
        // One node: every replication factor and ISR minimum is 1, so acks=all means "this broker has it".
        p.put("offsets.topic.replication.factor", 1);
        p.put("transaction.state.log.replication.factor", 1);
        p.put("transaction.state.log.min.isr", 1);
        p.put("min.insync.replicas", 1);
        p.put("default.replication.factor", 1);
        p.put("num.partitions", 3);
        p.put("auto.create.topics.enable", true);
        p.put("group.initial.rebalance.delay.ms", 0);
        // Modest footprint on a laptop: few threads, few internal partitions, small cleaner buffer
        // (the default 128 MB dedupe buffer would be allocated in the hub's heap).
        p.put("offsets.topic.num.partitions", 5);
        p.put("transaction.state.log.num.partitions", 5);
        p.put("num.network.threads", 2);
        p.put("num.io.threads", 2);
        p.put("background.threads", 2);
        p.put("num.recovery.threads.per.data.dir", 1);
        p.put("num.replica.fetchers", 1);
        p.put("log.cleaner.threads", 1);
        p.put("log.cleaner.dedupe.buffer.size", 8 * 1024 * 1024);
        Map<String, String> props = new HashMap<>();
        p.forEach((key, value) -> props.put(key, String.valueOf(value)));
        return props;
    }

    /**
     * KRaft needs {@code meta.properties} and a bootstrap checkpoint before the first start. The
     * cluster id is chosen once and stored there by the formatter, so later starts reuse the
     * directory (and its topics and offsets) as they are.
     */
    private static void formatIfNew(Path logDir) {
        if (Files.isRegularFile(logDir.resolve("meta.properties"))) {
            return;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            Files.createDirectories(logDir);
            new Formatter()
                    .setPrintStream(new PrintStream(out, true, StandardCharsets.UTF_8))
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(List.of(logDir.toString()))
                    .setMetadataLogDirectory(logDir.toString())
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setIgnoreFormatted(true)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("Could not format the embedded Kafka log directory " + logDir + ": "
                    + e.getMessage(), e);
        }
        log.debug("Formatted {}: {}", logDir, out.toString(StandardCharsets.UTF_8).trim());
    }

    private static void awaitReady(String bootstrap) {
        Map<String, Object> config = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.CLIENT_ID_CONFIG, "hub-embedded-readiness",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) READY_TIMEOUT.toMillis());
        try (Admin admin = Admin.create(config)) {
            int nodes = admin.describeCluster().nodes().get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).size();
            if (nodes == 0) {
                throw new IllegalStateException("the broker reports no live nodes");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the broker", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the broker did not answer within " + READY_TIMEOUT.toSeconds() + " s", e);
        }
    }

    private static void shutdownQuietly(KafkaRaftServer server) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            log.warn("Embedded Kafka broker did not shut down cleanly: {}", e.toString());
        }
    }
}
