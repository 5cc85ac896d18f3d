package org.clinicaldatahub.hub.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.LoggerFactory;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.env.StandardEnvironment;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Starts the real embedded infrastructure the way the hub does (through Spring Boot's
 * environment-prepared event: in the background while the context is built), on non-default
 * ports, and uses it with the real clients: Kafka with {@code acks=all}, S3 through the AWS SDK
 * v2. Then it restarts the "hub" context (the servers must stay up and keep their data), then
 * the servers themselves, and finally checks a failed start and a stop during the start. Tagged
 * to run in a JVM of its own (the pom's embedded-infrastructure execution), apart from the hub tests.
 */
@Tag("embedded-infrastructure")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EmbeddedInfrastructureTest {

    private static final Path DATA_DIR = Path.of("target/embedded-infrastructure-test");
    private static final String TOPIC = "hub.embedded.test";
    private static final String BUCKET = "hub-embedded-test";
    private static final String KEY = "sample/hello.txt";
    private static final String CONTENT = "embedded S3 round trip";
    private static final String[] ARGS = {
        "--hub.embedded.enabled=true",
        "--hub.embedded.data-dir=" + DATA_DIR,
        "--hub.embedded.kafka.port=19392",
        "--hub.embedded.kafka.controller-port=19393",
        "--hub.embedded.s3.port=19300",
        "--spring.main.banner-mode=off",
    };

    /** The addresses as a bean saw them at construction time, i.e. possibly before the servers answer. */
    record SeenByBean(String bootstrapServers, String s3Endpoint) {
    }

    /**
     * Stands in for the hub's archivers: a lifecycle of the default phase that talks to both
     * servers in {@code start()}, with timeouts far below their start-up time, so it fails unless
     * the readiness lifecycle has waited for them.
     */
    static final class UsesServersOnStart implements SmartLifecycle {
        final boolean readyAtConstruction = EmbeddedInfrastructure.isReady();
        volatile int kafkaNodes = -1;
        volatile boolean s3Answered;
        private volatile boolean running;

        @Override
        public void start() {
            try (Admin admin = Admin.create(Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedInfrastructure.bootstrapServers(),
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2_000))) {
                kafkaNodes = admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).size();
            } catch (Exception e) {
                throw new IllegalStateException("Kafka is not up when lifecycles start", e);
            }
            try (S3Client s3 = s3Client()) {
                s3.listBuckets();
                s3Answered = true;
            }
            running = true;
        }

        @Override
        public void stop() {
            running = false;
        }

        @Override
        public boolean isRunning() {
            return running;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class HubStandIn {
        @Bean
        SeenByBean seenByBean() {
            return new SeenByBean(EmbeddedInfrastructure.bootstrapServers(), EmbeddedInfrastructure.s3Endpoint());
        }

        @Bean
        UsesServersOnStart usesServersOnStart() {
            return new UsesServersOnStart();
        }
    }

    @BeforeAll
    static void freshDataDir() throws IOException {
        deleteRecursively(DATA_DIR);
    }

    @AfterAll
    static void stopServers() {
        EmbeddedInfrastructure.stopAll();
    }

    @Test
    @Order(1)
    void addressesArePublishedAtOnceAndServersAreUpBeforeLifecyclesStart() throws IOException {
        long started = System.nanoTime();
        try (ConfigurableApplicationContext hub = startHub()) {
            UsesServersOnStart lifecycle = hub.getBean(UsesServersOnStart.class);
            System.out.printf("First hub context start incl. Kafka + S3Mock: %d ms (servers ready when the beans "
                    + "were created: %s)%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                    lifecycle.readyAtConstruction);
            assertThat(hub.getBean(SeenByBean.class))
                    .isEqualTo(new SeenByBean("localhost:19392", "http://localhost:19300"));
            assertThat(lifecycle.kafkaNodes).as("broker answered in a default-phase lifecycle").isEqualTo(1);
            assertThat(lifecycle.s3Answered).as("S3 answered in a default-phase lifecycle").isTrue();
            assertThat(hub.getBean(EmbeddedInfrastructure.READINESS_BEAN_NAME))
                    .isInstanceOf(EmbeddedInfrastructureReadiness.class)
                    .satisfies(readiness -> assertThat(((SmartLifecycle) readiness).getPhase()).isEqualTo(Integer.MIN_VALUE));
            assertThat(EmbeddedInfrastructure.isReady()).isTrue();
            assertThat(hub.getEnvironment().getProperty(EmbeddedInfrastructure.BOOTSTRAP_SERVERS_PROPERTY))
                    .isEqualTo("localhost:19392");
            assertThat(hub.getEnvironment().getProperty(EmbeddedInfrastructure.S3_ENDPOINT_PROPERTY))
                    .isEqualTo("http://localhost:19300");
            assertThat(LoggerFactory.getLogger("kafka.server.BrokerServer").isInfoEnabled())
                    .as("Kafka's broker logs at WARN by default").isFalse();
        }
        assertThat(EmbeddedInfrastructure.isRunning()).as("servers outlive the hub context").isTrue();
        for (int port : new int[] {19392, 19393, 19300}) {
            assertThat(reachableOnANonLoopbackAddress(port)).as("port %d listens on loopback only", port).isFalse();
        }
        assertThat(Files.isRegularFile(DATA_DIR.resolve("kafka/meta.properties"))).isTrue();
        assertThat(DATA_DIR.resolve("s3mock.log")).isNotEmptyFile();
    }

    @Test
    @Order(2)
    void kafkaProducesWithAcksAllAndConsumes() throws Exception {
        Map<String, Object> producerConfig = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedInfrastructure.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        RecordMetadata written;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig)) {
            written = producer.send(new ProducerRecord<>(TOPIC, "patient-key-1", "first")).get(30, TimeUnit.SECONDS);
        }
        assertThat(written.hasOffset()).isTrue();

        List<ConsumerRecord<String, String>> received = consumeAll(TOPIC, 1);
        assertThat(received).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("patient-key-1");
            assertThat(r.value()).isEqualTo("first");
            assertThat(r.partition()).isEqualTo(written.partition());
        });
    }

    @Test
    @Order(3)
    void s3CreatesBucketPutsAndGetsObject() {
        try (S3Client s3 = s3Client()) {
            s3.createBucket(b -> b.bucket(BUCKET));
            s3.putObject(b -> b.bucket(BUCKET).key(KEY).contentType("text/plain"),
                    RequestBody.fromString(CONTENT, StandardCharsets.UTF_8));
            assertThat(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(KEY)).asUtf8String()).isEqualTo(CONTENT);
            assertThat(s3.listBuckets().buckets()).anySatisfy(b -> assertThat(b.name()).isEqualTo(BUCKET));
        }
    }

    @Test
    @Order(4)
    void secondStartInTheSameJvmIsANoOp() {
        String bootstrapBefore = EmbeddedInfrastructure.bootstrapServers();
        long started = System.nanoTime();
        try (ConfigurableApplicationContext restartedHub = startHub()) {
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            System.out.printf("Second hub context start (servers already up): %d ms%n", millis);
            assertThat(millis).as("no server was started again").isLessThan(10_000);
            assertThat(restartedHub.getBean(SeenByBean.class).bootstrapServers()).isEqualTo(bootstrapBefore);
        }
        StandardEnvironment sameSettings = new StandardEnvironment();
        sameSettings.getPropertySources().addFirst(new SimpleCommandLinePropertySource(ARGS));
        assertThat(EmbeddedInfrastructure.start(EmbeddedSettings.from(sameSettings))).isFalse();
        // Data written before the "hub restart" is still there.
        try (S3Client s3 = s3Client()) {
            assertThat(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(KEY)).asUtf8String()).isEqualTo(CONTENT);
        }
    }

    @Test
    @Order(5)
    void restartAfterStopAllReusesTheDataDirectory() throws Exception {
        long stopping = System.nanoTime();
        EmbeddedInfrastructure.stopAll();
        System.out.printf("stopAll (Kafka controlled shutdown + S3Mock): %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopping));
        assertThat(EmbeddedInfrastructure.isRunning()).isFalse();
        assertThat(LocalPorts.isFree(19392) && LocalPorts.isFree(19393) && LocalPorts.isFree(19300))
                .as("all ports released").isTrue();
        assertThat(DATA_DIR.resolve("s3mock.pid")).doesNotExist();

        try (ConfigurableApplicationContext hub = startHub()) {
            assertThat(consumeAll(TOPIC, 1)).singleElement()
                    .satisfies(r -> assertThat(r.value()).isEqualTo("first"));
            try (S3Client s3 = s3Client()) {
                assertThat(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(KEY)).asUtf8String()).isEqualTo(CONTENT);
            }
        }
    }

    @Test
    @Order(6)
    void aFailureInTheBackgroundFailsTheStartUpAndReleasesEverything() throws Exception {
        EmbeddedInfrastructure.stopAll();
        Path notAJar = Files.writeString(DATA_DIR.resolve("not-a.jar"), "not a jar");
        List<String> args = new ArrayList<>(List.of(ARGS));
        args.add("--" + EmbeddedSettings.S3_LAUNCHER_JAR + "=" + notAJar.toAbsolutePath());

        assertThatThrownBy(() -> startHub(args.toArray(String[]::new)))
                .hasStackTraceContaining("The embedded infrastructure failed to start")
                .hasStackTraceContaining("Embedded S3 server (S3Mock) exited");

        assertThat(EmbeddedInfrastructure.isRunning()).isFalse();
        assertThatThrownBy(EmbeddedInfrastructure::bootstrapServers).isInstanceOf(IllegalStateException.class);
        assertThat(LocalPorts.isFree(19392) && LocalPorts.isFree(19393) && LocalPorts.isFree(19300))
                .as("all ports released").isTrue();
        assertThat(DATA_DIR.resolve("s3mock.pid")).doesNotExist();
        EmbeddedInfrastructure.stopAll(); // a no-op now
    }

    @Test
    @Order(7)
    void stopAllDuringTheStartWaitsForItAndStopsEverything() {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new SimpleCommandLinePropertySource(ARGS));
        EmbeddedSettings settings = EmbeddedSettings.from(environment);

        assertThat(EmbeddedInfrastructure.startInBackground(settings)).isTrue();
        assertThat(EmbeddedInfrastructure.isRunning()).isTrue();
        assertThat(EmbeddedInfrastructure.isReady()).as("Kafka takes seconds to start").isFalse();
        assertThat(EmbeddedInfrastructure.bootstrapServers()).isEqualTo("localhost:19392");
        EmbeddedInfrastructure.stopAll();

        assertThat(EmbeddedInfrastructure.isRunning()).isFalse();
        assertThat(LocalPorts.isFree(19392) && LocalPorts.isFree(19393) && LocalPorts.isFree(19300))
                .as("all ports released").isTrue();
        assertThat(DATA_DIR.resolve("s3mock.pid")).doesNotExist();
        // and the data directory is free for the next start
        assertThat(EmbeddedInfrastructure.start(settings)).isTrue();
        assertThat(EmbeddedInfrastructure.isReady()).isTrue();
    }

    private static ConfigurableApplicationContext startHub() {
        return startHub(ARGS);
    }

    private static ConfigurableApplicationContext startHub(String... args) {
        return new SpringApplicationBuilder(HubStandIn.class).web(WebApplicationType.NONE).run(args);
    }

    private static List<ConsumerRecord<String, String>> consumeAll(String topic, int expected) {
        Map<String, Object> consumerConfig = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedInfrastructure.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "embedded-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        List<ConsumerRecord<String, String>> received = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (received.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(received::add);
            }
        }
        return received;
    }

    private static S3Client s3Client() {
        return S3Client.builder()
                .endpointOverride(URI.create(EmbeddedInfrastructure.s3Endpoint()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("embedded", "embedded")))
                .forcePathStyle(true)
                .build();
    }

    /** Tries every non-loopback address of this machine; false if there is none. */
    private static boolean reachableOnANonLoopbackAddress(int port) throws IOException {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                if (address.isLoopbackAddress() || address.isLinkLocalAddress()) {
                    continue;
                }
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress(address, port), 1_000);
                    return true;
                } catch (IOException refused) {
                    // expected
                }
            }
        }
        return false;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
