package org.clinicaldatahub.hub.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;

import org.apache.camel.CamelContext;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.clinicaldatahub.hub.support.KafkaTestClients;

/**
 * Issue 4 must show 6, the research feed alone: N ADT^A08 messages (default 50,000, of N/5
 * patients, 5 each) are pre-loaded onto an identified topic of the run's own, then the route
 * {@code deid-internal-hl7} is started and timed until every record is on the research topic
 * (de-identified, terminology-mapped, published with acks=all, offsets committed per batch).
 * Prints msg/s, the JVM's CPU per message (hub + embedded Kafka broker + this bench's consumer),
 * the feed consumer thread's CPU per message, load average, and checks the order per patient.
 * Not part of the suite (the name does not end in Test); run it explicitly:
 * <pre>nice -n 19 mvn -o test -Dtest=PipelineBench -Dbench.messages=50000</pre>
 */
@SpringBootTest
@AutoConfigureObservability
@ActiveProfiles("test")
class PipelineBench {

    private static final String RUN = Long.toString(System.currentTimeMillis(), 36);
    private static final String INPUT = "hub.bench." + RUN + ".inbound";
    private static final String OUTPUT = "hub.bench." + RUN + ".deid";

    @DynamicPropertySource
    static void ownTopics(DynamicPropertyRegistry registry) {
        registry.add("hub.deid.hl7.input-topic", () -> INPUT);
        registry.add("hub.deid.hl7.output-topic", () -> OUTPUT);
        registry.add("hub.deid.hl7.group-id", () -> "hub-bench-" + RUN);
        // started by the bench once the input is loaded
        registry.add("hub.deid.hl7.enabled", () -> "false");
        // an audit trail of its own: the bench's events would slow down the suite's leak scans of the shared trail
        registry.add("hub.audit.data-dir", () -> "target/test-data/bench-" + RUN);
    }

    @Autowired
    CamelContext camel;
    @Value("${hub.kafka.bootstrap-servers}")
    String bootstrapServers;

    @Test
    void researchFeedThroughput() throws Exception {
        int n = Integer.getInteger("bench.messages", 50_000);
        String template = Files.readString(Path.of("src/test/resources/fixtures/deid/adt-a08/input.hl7"));
        long loadStart = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = producer()) {
            List<Future<RecordMetadata>> sends = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String mrn = "B" + RUN + "x" + (i % Math.max(1, n / 5));
                String text = template.replace("4711^^^HOSP^MR", mrn + "^^^HOSP^MR").replace("MSG00002", "PB" + i);
                ProducerRecord<String, byte[]> record = new ProducerRecord<>(INPUT, mrn, text.getBytes(StandardCharsets.UTF_8));
                record.headers().add("hubCharset", "UTF-8".getBytes(StandardCharsets.UTF_8));
                sends.add(producer.send(record));
            }
            for (Future<RecordMetadata> send : sends) {
                send.get();
            }
        }
        System.out.printf("pipeline bench: %d messages loaded onto %s in %.1f s%n", n, INPUT, (System.nanoTime() - loadStart) / 1e9);

        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();
        Map<String, Long> lastSourceOffset = new HashMap<>();
        int outOfOrder = 0;
        int received = 0;
        long feedThreadCpu;
        long cpu0;
        long t0;
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            consumer.subscribe(List.of(OUTPUT));
            consumer.poll(Duration.ofMillis(200));
            cpu0 = os.getProcessCpuTime();
            t0 = System.nanoTime();
            camel.getRouteController().startRoute("deid-internal-hl7");
            long deadline = System.currentTimeMillis() + 900_000;
            while (received < n && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    received++;
                    Header ref = record.headers().lastHeader("hubSourceRef");
                    long offset = Long.parseLong(new String(ref.value(), StandardCharsets.UTF_8).replaceAll(".*/", ""));
                    Long previous = lastSourceOffset.put(record.key(), offset);
                    if (previous != null && previous >= offset) {
                        outOfOrder++;
                    }
                }
            }
            feedThreadCpu = feedThreadCpu(threads);
        }
        long wall = System.nanoTime() - t0;
        long cpu = os.getProcessCpuTime() - cpu0;
        String loadAfter = Files.readString(Path.of("/proc/loadavg")).trim();
        camel.getRouteController().stopRoute("deid-internal-hl7");
        System.out.printf("pipeline bench: %d of %d research records after %.1f s: %.0f msg/s; JVM CPU (hub + embedded"
                + " Kafka + bench consumer) %.3f ms/msg; feed consumer thread CPU %.3f ms/msg; %d patients, %d out of"
                + " order; load average before %s, after %s; %d cores%n", received, n, wall / 1e9, received / (wall / 1e9),
                cpu / 1e6 / Math.max(1, received), feedThreadCpu / 1e6 / Math.max(1, received), lastSourceOffset.size(),
                outOfOrder, loadBefore, loadAfter, Runtime.getRuntime().availableProcessors());
        assertThat(received).isEqualTo(n);
        assertThat(outOfOrder).isZero();
    }

    /** CPU time of the route's Kafka consumer thread (de-identify, map, publish, audit, commit). */
    private static long feedThreadCpu(ThreadMXBean threads) {
        long total = 0;
        for (ThreadInfo info : threads.dumpAllThreads(false, false)) {
            if (info.getThreadName().contains("KafkaConsumer[" + INPUT + "]")) {
                total += threads.getThreadCpuTime(info.getThreadId());
            }
        }
        return total;
    }

    private KafkaProducer<String, byte[]> producer() {
        return KafkaTestClients.producer(bootstrapServers, 5);
    }

    private KafkaConsumer<String, byte[]> consumer() {
        return KafkaTestClients.consumerFromStart(bootstrapServers, "pipeline-bench");
    }
}
