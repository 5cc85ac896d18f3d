package org.clinicaldatahub.hub.terminology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.Segment;
import ca.uhn.hl7v2.parser.Parser;
import ca.uhn.hl7v2.util.Terser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.clinicaldatahub.hub.HubHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.ActiveProfiles;

/**
 * The whole hub with the real embedded Kafka broker (must show 4): HL7 v2 messages go through the
 * packaged route {@code direct:map-terminology} from three threads without pause; a local code
 * without a map row shows up in the work queue (REST report behind the login, and the Kafka
 * topic {@code hub.terminology.unmapped}) with its count; an analyst adds the map row to the
 * terminology directory, the file watcher reloads, and from then on the code is mapped. Every
 * message sent comes back, before and after the swap, each mapped consistently with one
 * snapshot generation.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability
@ActiveProfiles("test")
class TerminologyReloadUnderTrafficTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LAB = "http://north-hospital.example.org/fhir/CodeSystem/lab";

    @Autowired
    ProducerTemplate producer;
    @Autowired
    TerminologyTables tables;
    @Autowired
    UnmappedCodes unmappedCodes;
    @Autowired
    TestRestTemplate http;
    @Autowired
    @Qualifier("hl7Parser")
    Parser hl7Parser;
    @Value("${hub.kafka.bootstrap-servers}")
    String bootstrapServers;
    @Value("${hub.terminology.dir}")
    Path terminologyDir;
    @Value("${hub.terminology.unmapped-topic}")
    String unmappedTopic;

    private final String newCode = "NEW" + Long.toString(System.currentTimeMillis(), 36).toUpperCase();
    private String originalMap;

    private Path mapFile() {
        return terminologyDir.resolve("maps/live-lab-to-loinc.csv");
    }

    @AfterEach
    void restoreMap() throws Exception {
        if (originalMap != null) {
            Files.writeString(mapFile(), originalMap);
            tables.reload();
        }
    }

    @Test
    void unmappedCodeIsQueuedWithCountsAndMappedAfterReloadWithoutLosingAMessage() throws Exception {
        originalMap = Files.readString(mapFile());
        long firstGeneration = tables.current().generation();
        Map<String, Exchange> answers = new ConcurrentHashMap<>();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        AtomicInteger sent = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> senders = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            int thread = t;
            Thread sender = new Thread(() -> {
                int n = 0;
                while (!stop.get()) {
                    String controlId = "T" + thread + "-" + (n++);
                    try {
                        sent.incrementAndGet();
                        Exchange answer = producer.send("direct:map-terminology", e -> {
                            e.getMessage().setBody(oru(controlId).getBytes(StandardCharsets.UTF_8));
                            e.getMessage().setHeader(HubHeaders.CHARSET, "UTF-8");
                        });
                        if (answer.getException() != null) {
                            errors.add(answer.getException());
                        }
                        answers.put(controlId, answer);
                    } catch (RuntimeException e) {
                        errors.add(e);
                    }
                }
            }, "sender-" + t);
            sender.start();
            senders.add(sender);
        }
        try {
            awaitCount(answers, 150);
            TestRestTemplate admin = http.withBasicAuth("admin", "test-password");

            // the work queue: REST report (login required) and the Kafka topic, with counts, no patient data
            assertThat(http.getForEntity("/api/terminology/unmapped", String.class).getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
            JsonNode entry = awaitEntry(admin, false);
            assertThat(entry.get("count").asLong()).isPositive();
            assertThat(entry.get("sourceSystem").asText()).isEqualTo(LAB);
            assertThat(entry.get("targetSystem").asText()).isEqualTo("http://loinc.org");
            assertThat(entry.get("reason").asText()).isEqualTo("unmapped");
            assertThat(entry.get("sources").toString()).contains("LAB^NORTH");
            String report = admin.getForObject("/api/terminology/unmapped?all=true", String.class);
            assertThat(report).doesNotContain("TESTPATIENT", "PAT0", "FAKE STREET");
            assertThat(admin.getForObject("/api/terminology/unmapped.csv", String.class))
                    .contains(LAB + "," + newCode + ",New test,http://loinc.org,,,,");
            JsonNode published = awaitKafkaRecord(r -> r.path("open").asBoolean() && r.path("count").asLong() > 0);
            assertThat(published.get("display").asText()).isEqualTo("New test");
            assertThat(published.get("firstSeen").asText()).isNotEmpty();

            // the analyst adds the row; the watcher reloads while the senders keep sending
            Files.writeString(mapFile(), originalMap + LAB + "," + newCode + ",New test,http://loinc.org,2160-0,"
                    + "Creatinine [Mass/volume] in Serum or Plasma,equivalent,added by the test\n");
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (tables.current().generation() == firstGeneration && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            long reloadedGeneration = tables.current().generation();
            assertThat(reloadedGeneration).as("reloaded on file change").isGreaterThan(firstGeneration);
            int atReload = answers.size();
            awaitCount(answers, atReload + 150);

            ResponseEntity<String> reload = admin.postForEntity("/api/terminology/reload", null, String.class);
            assertThat(reload.getStatusCode()).isEqualTo(HttpStatus.OK);
            assertThat(JSON.readTree(reload.getBody()).get("generation").asLong()).isGreaterThan(reloadedGeneration);
            awaitCount(answers, answers.size() + 50);
        } finally {
            stop.set(true);
            for (Thread sender : senders) {
                sender.join(30_000);
            }
        }

        assertThat(errors).isEmpty();
        assertThat(answers).hasSize(sent.get());
        int before = 0;
        int after = 0;
        for (Exchange answer : answers.values()) {
            long generation = answer.getMessage().getHeader(TerminologyHeaders.GENERATION, Long.class);
            Message message = hl7Parser.parse(answer.getMessage().getBody(String.class));
            Segment glucose = (Segment) message.get("OBX", 0);
            Segment newTest = (Segment) message.get("OBX", 1);
            assertThat(Terser.get(glucose, 3, 0, 4, 1)).isEqualTo("2345-7");
            assertThat(Terser.get(newTest, 3, 0, 1, 1)).as("original kept").isEqualTo(newCode);
            if (generation == firstGeneration) {
                before++;
                assertThat(Terser.get(newTest, 3, 0, 4, 1)).isNull();
                assertThat(answer.getMessage().getHeader(TerminologyHeaders.UNMAPPED_COUNT, Long.class)).isEqualTo(1L);
            } else {
                after++;
                assertThat(Terser.get(newTest, 3, 0, 4, 1)).isEqualTo("2160-0");
                assertThat(Terser.get(newTest, 3, 0, 6, 1)).isEqualTo("LN");
            }
        }
        assertThat(before).isPositive();
        assertThat(after).isPositive();

        // the reload closed the entry; the topic gets its final state
        JsonNode closed = awaitEntry(http.withBasicAuth("admin", "test-password"), true);
        assertThat(closed.get("open").asBoolean()).isFalse();
        assertThat(awaitKafkaRecord(r -> !r.path("open").asBoolean()).get("count").asLong()).isPositive();

        // a restarted node reads its counts back from the compacted topic
        UnmappedCodes afterRestart = new UnmappedCodes(1000, unmappedCodes.node(), java.time.Clock.systemUTC());
        TerminologyProperties properties = new TerminologyProperties();
        properties.setUnmappedTopic(unmappedTopic);
        new UnmappedCodesRestore(afterRestart, properties, bootstrapServers).restore();
        UnmappedCode restored = afterRestart.list(true).stream().filter(c -> c.code().equals(newCode)).findFirst().orElseThrow();
        assertThat(restored.count()).isEqualTo(closed.get("count").asLong());
        assertThat(restored.open()).isFalse();

        String metrics = http.withBasicAuth("admin", "test-password").getForObject("/actuator/prometheus", String.class);
        assertThat(metrics).contains("hub_terminology_codes_total{").contains("outcome=\"mapped\"").contains("outcome=\"unmapped\"")
                .contains("source=\"LAB^NORTH\"").contains("system=\"" + LAB + "\"");
        ResponseEntity<String> versions = http.withBasicAuth("admin", "test-password").getForEntity("/api/terminology/tables", String.class);
        assertThat(versions.getBody()).contains("live test map").contains("\"version\":\"test\"");
    }

    private String oru(String controlId) {
        return "MSH|^~\\&|LAB|NORTH|HUB|HUB|20261122083000||ORU^R01|" + controlId + "|P|2.5.1\r"
                + "PID|1||PAT0" + controlId + "^^^NORTH^MR||TESTPATIENT^ALICE||19700101|F|||1 FAKE STREET^^SPRINGFIELD\r"
                + "OBR|1|ORD1|FIL1|||20261122080000\r"
                + "OBX|1|NM|GLU^Glucose^L||5.4|mmol/L|3.9-6.1|N|||F\r"
                + "OBX|2|NM|" + newCode + "^New test^L||1|U||N|||F\r";
    }

    private static void awaitCount(Map<String, Exchange> answers, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (answers.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(answers.size()).isGreaterThanOrEqualTo(count);
    }

    private JsonNode awaitEntry(TestRestTemplate admin, boolean closed) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            for (JsonNode node : JSON.readTree(admin.getForObject("/api/terminology/unmapped?all=true", String.class))) {
                if (node.get("code").asText().equals(newCode) && node.get("open").asBoolean() != closed) {
                    return node;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no " + (closed ? "closed" : "open") + " work-queue entry for " + newCode);
    }

    private JsonNode awaitKafkaRecord(java.util.function.Predicate<JsonNode> wanted) throws Exception {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "terminology-test-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(unmappedTopic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    JsonNode value = JSON.readTree(record.value());
                    if (record.key().contains("|" + newCode + "|") && wanted.test(value)) {
                        assertThat(record.key()).isEqualTo(value.get("node").asText() + "|" + LAB + "|" + newCode + "|http://loinc.org");
                        assertThat(record.value()).doesNotContain("TESTPATIENT", "PAT0", "FAKE STREET");
                        return value;
                    }
                }
            }
        }
        throw new AssertionError("no record for " + newCode + " on " + unmappedTopic);
    }
}
