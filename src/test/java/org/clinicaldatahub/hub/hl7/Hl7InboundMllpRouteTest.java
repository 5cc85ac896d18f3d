package org.clinicaldatahub.hub.hl7;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.BufferedReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.GZIPInputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.clinicaldatahub.hub.hl7.support.Ack;
import org.clinicaldatahub.hub.hl7.support.MllpClient;
import org.clinicaldatahub.hub.hl7.support.SyntheticHl7;
import org.clinicaldatahub.hub.storage.Sha256;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;

import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The HL7 v2 MLLP channel end to end against the real embedded Kafka broker and S3 server:
 * 1,000 mixed messages over several sockets (some pipelined), every ACK, every Kafka record and
 * the archive; then bad input of every kind; then a resend of all 1,000.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability
@ActiveProfiles("test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
class Hl7InboundMllpRouteTest {

    private static final int MESSAGES = 1000;
    private static final int CONNECTIONS = 4;
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Autowired
    S3Client s3;
    @Autowired
    org.clinicaldatahub.hub.audit.AuditRecorder auditRecorder;
    @Autowired
    org.clinicaldatahub.hub.audit.AuditProperties auditProperties;
    @Autowired
    org.springframework.boot.test.web.client.TestRestTemplate http;
    @Autowired
    Hl7Properties hl7;
    @Value("${hub.kafka.bootstrap-servers}")
    String bootstrapServers;

    /** Unique per run: the embedded servers keep data between local runs. */
    private final String runPrefix = "R" + Long.toString(System.currentTimeMillis(), 36).toUpperCase();
    private final List<SyntheticHl7.Message> sent = new ArrayList<>();
    private final Map<String, List<String>> sendOrderByPatient = new ConcurrentHashMap<>();
    private Instant started;

    @BeforeAll
    void generate() {
        started = Instant.now().minusSeconds(2);
        SyntheticHl7 generator = new SyntheticHl7(20261122L, 80).controlIdPrefix(runPrefix).zSegmentRate(0.1);
        for (int i = 0; i < MESSAGES; i++) {
            sent.add(generator.next());
        }
    }

    private MllpClient connect() throws IOException {
        return MllpClient.connect("localhost", hl7.getMllpPort(), Duration.ofSeconds(5));
    }

    @Test
    @Order(1)
    void thousandMixedMessagesAreAcknowledgedPublishedInPatientOrderAndArchivedExactlyOnce() throws Exception {
        assertThat(sent.stream().map(SyntheticHl7.Message::version).distinct()).hasSizeGreaterThanOrEqualTo(8);
        assertThat(sent.stream().map(SyntheticHl7.Message::messageType).distinct()).hasSizeGreaterThanOrEqualTo(6);

        List<List<SyntheticHl7.Message>> perConnection = new ArrayList<>();
        for (int i = 0; i < CONNECTIONS; i++) {
            perConnection.add(new ArrayList<>());
        }
        for (SyntheticHl7.Message message : sent) {
            perConnection.get(Math.floorMod(message.patientId().hashCode(), CONNECTIONS)).add(message);
            sendOrderByPatient.computeIfAbsent(message.patientId(), p -> Collections.synchronizedList(new ArrayList<>()))
                    .add(message.controlId());
        }
        ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS);
        List<Future<Integer>> results = new ArrayList<>();
        for (List<SyntheticHl7.Message> messages : perConnection) {
            results.add(pool.submit(() -> sendAndCheckAcks(messages, true)));
        }
        int acked = 0;
        for (Future<Integer> result : results) {
            acked += result.get();
        }
        pool.shutdown();
        assertThat(acked).isEqualTo(MESSAGES);

        Map<String, ConsumerRecord<String, byte[]>> records = readTopicUntil(MESSAGES);
        Map<String, SyntheticHl7.Message> byControlId = new HashMap<>();
        sent.forEach(m -> byControlId.put(m.controlId(), m));
        Map<String, List<ConsumerRecord<String, byte[]>>> byPatient = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : records.values()) {
            SyntheticHl7.Message message = byControlId.get(header(record, "hubControlId"));
            assertThat(record.value()).isEqualTo(message.bytes());
            assertThat(record.key()).startsWith(message.patientId());
            byPatient.computeIfAbsent(message.patientId(), p -> new ArrayList<>()).add(record);
        }
        for (Map.Entry<String, List<ConsumerRecord<String, byte[]>>> patient : byPatient.entrySet()) {
            List<ConsumerRecord<String, byte[]>> inKafka = patient.getValue();
            assertThat(inKafka.stream().map(ConsumerRecord::partition).distinct()).hasSize(1);
            inKafka.sort((a, b) -> Long.compare(a.offset(), b.offset()));
            assertThat(inKafka.stream().map(r -> header(r, "hubControlId")).toList())
                    .as("Kafka order of patient's messages").isEqualTo(sendOrderByPatient.get(patient.getKey()));
        }

        Map<String, Integer> copies = awaitArchive(MESSAGES);
        assertThat(copies).hasSize(MESSAGES);
        assertThat(copies.values()).allMatch(count -> count == 1);
    }

    @Test
    @Order(2)
    void badInputIsAnsweredQuarantinedAndTheListenerKeepsServing() throws Exception {
        SyntheticHl7 generator = new SyntheticHl7(7L, 5).controlIdPrefix(runPrefix + "B");

        try (MllpClient client = connect()) {
            byte[] noise = new byte[512];
            new Random(1).nextBytes(noise);
            for (int i = 0; i < noise.length; i++) {
                if (noise[i] == 0x0B || noise[i] == 0x1C) {
                    noise[i] = 'x';
                }
            }
            client.sendRaw(noise);
            assertThat(client.isClosedByPeer(Duration.ofSeconds(10))).as("random bytes close the connection").isTrue();
        }

        try (MllpClient client = connect()) {
            Ack noMsh = ack(client.request("PID|1||X123\rPV1|1|I\r".getBytes(StandardCharsets.US_ASCII), ACK_TIMEOUT));
            assertThat(noMsh.code()).isEqualTo("AR");
            assertThat(noMsh.ackedControlId()).isEmpty();

            SyntheticHl7.Message cut = generator.next("2.5.1", "ADT^A01");
            byte[] partial = java.util.Arrays.copyOf(cut.bytes(), 120);
            byte[] truncatedThenGood = concat(new byte[] {0x0B}, partial, MllpClient.frame(generator.next().bytes()));
            client.sendRaw(truncatedThenGood);
            Ack truncated = ack(client.readFrame(ACK_TIMEOUT));
            assertThat(truncated.code()).isEqualTo("AR");
            assertThat(truncated.ackedControlId()).isEqualTo(cut.controlId());
            assertThat(ack(client.readFrame(ACK_TIMEOUT)).code()).as("frame after the truncated one").isEqualTo("AA");

            SyntheticHl7.Message wrongVersion = generator.next("2.5", "ADT^A08");
            String text = wrongVersion.text().replaceFirst("\\|2\\.5\\|", "|2.9.9|");
            Ack version = ack(client.request(text.getBytes(wrongVersion.charset().charset()), ACK_TIMEOUT));
            assertThat(version.code()).isEqualTo("AR");
            assertThat(version.ackedControlId()).isEqualTo(wrongVersion.controlId());
            assertThat(String.join("\r", version.errSegments())).contains("203");

            SyntheticHl7.Message big = generator.next("2.5.1", "ORU^R01");
            String oversize = big.text() + "NTE|1||" + "A".repeat(hl7.getMaxMessageBytes() + 10) + "\r";
            Ack tooLarge = ack(client.request(oversize.getBytes(StandardCharsets.ISO_8859_1), ACK_TIMEOUT));
            assertThat(tooLarge.code()).isEqualTo("AR");
            assertThat(tooLarge.ackedControlId()).isEqualTo(big.controlId());

            String declaredUtf8 = "MSH|^~\\&|LAB|NORTH|HUB|HUB|20260101120000||ADT^A01|" + runPrefix
                    + "U1|P|2.5.1||||||UNICODE UTF-8\rPID|1||P77||M\u00fcller^Hans\r";
            Ack badCharset = ack(client.request(declaredUtf8.getBytes(StandardCharsets.ISO_8859_1), ACK_TIMEOUT));
            assertThat(badCharset.code()).isEqualTo("AR");
            assertThat(badCharset.ackedControlId()).isEqualTo(runPrefix + "U1");

            Ack next = ack(client.request(generator.next().bytes(), ACK_TIMEOUT));
            assertThat(next.code()).as("listener still serves after bad input").isEqualTo("AA");
        }

        Set<String> reasons = quarantineReasonsSince(started);
        assertThat(reasons).contains("MLLP_NOT_FRAMED", "HL7_NO_MSH", "MLLP_TRUNCATED", "HL7_VERSION_NOT_ALLOWED",
                "HL7_OVERSIZE", "HL7_CHARSET_MISMATCH");
    }

    @Test
    @Order(3)
    void resendingEveryMessageIsAcknowledgedWithoutNewCopies() throws Exception {
        List<SyntheticHl7.Message> half1 = sent.subList(0, MESSAGES / 2);
        List<SyntheticHl7.Message> half2 = sent.subList(MESSAGES / 2, MESSAGES);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        Future<Integer> a = pool.submit(() -> sendAndCheckAcks(half1, false));
        Future<Integer> b = pool.submit(() -> sendAndCheckAcks(half2, false));
        assertThat(a.get() + b.get()).isEqualTo(MESSAGES);
        pool.shutdown();

        Thread.sleep(hl7.getArchive().getMaxAge().toMillis() * 3 + 2000);
        Map<String, ConsumerRecord<String, byte[]>> records = readTopicUntil(MESSAGES);
        assertThat(records).hasSize(MESSAGES);
        Map<String, Integer> copies = awaitArchive(MESSAGES);
        assertThat(copies.values()).allMatch(count -> count == 1);
    }

    @Test
    @Order(4)
    void auditTrailHoldsReceivedPublishedAndStoredForEveryMessageAndVerifies() throws Exception {
        Map<String, Set<String>> stepsByControlId = new HashMap<>();
        // The archiver records "stored" after its object is in S3, which is what the previous
        // test waited for: the last batch's events can still be on their way, so look again
        // until every message has all three (or the deadline), then check.
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        do {
            stepsByControlId.clear();
            auditRecorder.flush();
            try (var files = java.nio.file.Files.list(auditRecorder.log().segmentsDir())) {
                for (java.nio.file.Path segment : files.sorted().toList()) {
                    for (String line : java.nio.file.Files.readAllLines(segment, StandardCharsets.UTF_8)) {
                        line = line.replace("\u0000", ""); // segments are pre-allocated with zeros
                        if (line.isBlank()) {
                            continue;
                        }
                        JsonNode event = JSON.readTree(line);
                        String controlId = event.path("refs").path("controlId").asText(null);
                        if (controlId != null && controlId.startsWith(runPrefix)) {
                            stepsByControlId.computeIfAbsent(controlId, c -> new HashSet<>()).add(event.get("step").asText());
                        }
                    }
                }
            }
            if (sent.stream().allMatch(m -> stepsByControlId.getOrDefault(m.controlId(), Set.of())
                    .containsAll(Set.of("received", "published", "stored")))) {
                break;
            }
            Thread.sleep(250);
        } while (System.nanoTime() < deadline);
        for (SyntheticHl7.Message message : sent) {
            assertThat(stepsByControlId.get(message.controlId())).as("audit steps of %s", message.controlId())
                    .contains("received", "published", "stored");
        }
        assertThat(stepsByControlId.values()).anyMatch(steps -> steps.contains("rejected"));
        var verification = new org.clinicaldatahub.hub.audit.AuditVerifier(
                org.clinicaldatahub.hub.audit.AuditSigningKeys.readPublicKey(auditProperties.resolvedPublicKeyFile()))
                .allowOpenTail(true).verify(auditRecorder.log().segmentsDir());
        assertThat(verification.intact()).as(verification.summary()).isTrue();
    }

    @Test
    @Order(5)
    void noFakePhiInAuditEventsLogLinesOrMetrics(org.springframework.boot.test.system.CapturedOutput output)
            throws Exception {
        Set<String> phi = new HashSet<>();
        sent.forEach(m -> phi.addAll(m.phi()));
        // Short all-digit values (ZIP codes, house numbers) collide with audit sequence numbers and
        // offsets; names, MRNs (9 digits), phones, SSNs, birth dates and street names are checked.
        phi.removeIf(value -> value.length() < 5 || value.matches("\\d{1,6}"));
        assertThat(phi).hasSizeGreaterThan(100);
        StringBuilder audit = new StringBuilder();
        try (var files = java.nio.file.Files.list(auditRecorder.log().segmentsDir())) {
            for (java.nio.file.Path segment : files.toList()) {
                audit.append(java.nio.file.Files.readString(segment, StandardCharsets.UTF_8));
            }
        }
        String metrics = http.withBasicAuth("admin", "test-password").getForObject("/actuator/prometheus", String.class);
        String auditText = audit.toString().toLowerCase(java.util.Locale.ROOT);
        String logText = output.getAll().toLowerCase(java.util.Locale.ROOT);
        String metricText = metrics.toLowerCase(java.util.Locale.ROOT);
        for (String value : phi) {
            String needle = value.toLowerCase(java.util.Locale.ROOT);
            assertThat(containsWhole(auditText, needle)).as("audit trail contains fake PHI '%s'", value).isFalse();
            assertThat(containsWhole(logText, needle)).as("log output contains fake PHI '%s'", value).isFalse();
            assertThat(containsWhole(metricText, needle)).as("metrics contain fake PHI '%s'", value).isFalse();
        }
    }

    /** The value as a whole token, not digits inside a longer token such as a control id or a hash. */
    private static boolean containsWhole(String text, String needle) {
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
            boolean startsToken = at == 0 || !Character.isLetterOrDigit(text.charAt(at - 1));
            int end = at + needle.length();
            boolean endsToken = end == text.length() || !Character.isLetterOrDigit(text.charAt(end));
            if (startsToken && endsToken) {
                return true;
            }
        }
        return false;
    }

    private int sendAndCheckAcks(List<SyntheticHl7.Message> messages, boolean pipelineSome) throws IOException {
        int acked = 0;
        try (MllpClient client = connect()) {
            int i = 0;
            while (i < messages.size()) {
                int batch = pipelineSome && (i / 10) % 2 == 1 ? Math.min(10, messages.size() - i) : 1;
                List<SyntheticHl7.Message> chunk = messages.subList(i, i + batch);
                if (batch == 1) {
                    client.send(chunk.get(0).bytes());
                } else {
                    client.sendPipelined(chunk.stream().map(SyntheticHl7.Message::bytes).toList());
                }
                for (SyntheticHl7.Message message : chunk) {
                    Ack ack = Ack.parse(client.readFrame(ACK_TIMEOUT), message.charset().charset());
                    assertThat(ack.code()).as("ACK of %s", message).isEqualTo("AA");
                    assertThat(ack.ackedControlId()).as("MSA-2 in order").isEqualTo(message.controlId());
                    acked++;
                }
                i += batch;
            }
        }
        return acked;
    }

    private static Ack ack(byte[] frame) {
        return Ack.parse(frame, StandardCharsets.ISO_8859_1);
    }

    private Map<String, ConsumerRecord<String, byte[]>> readTopicUntil(int expected) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Map<String, ConsumerRecord<String, byte[]>> ours = new LinkedHashMap<>();
        List<String> duplicates = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(hl7.getTopic()));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            int emptyPolls = 0;
            while (System.nanoTime() < deadline && (ours.size() < expected || emptyPolls < 3)) {
                var polled = consumer.poll(Duration.ofMillis(500));
                emptyPolls = polled.isEmpty() ? emptyPolls + 1 : 0;
                for (ConsumerRecord<String, byte[]> record : polled) {
                    String controlId = header(record, "hubControlId");
                    if (controlId != null && controlId.startsWith(runPrefix) && !controlId.startsWith(runPrefix + "B")
                            && !controlId.startsWith(runPrefix + "U") && ours.put(controlId, record) != null) {
                        duplicates.add(controlId);
                    }
                }
            }
        }
        assertThat(duplicates).as("control ids published twice").isEmpty();
        assertThat(ours).hasSize(expected);
        return ours;
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Reads every archive object, checking its checksum, until all messages are there. */
    private Map<String, Integer> awaitArchive(int expected) throws Exception {
        Map<String, SyntheticHl7.Message> byControlId = new HashMap<>();
        sent.forEach(m -> byControlId.put(m.controlId(), m));
        String bucket = "hub-clinical";
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        Map<String, Integer> copies;
        do {
            copies = new HashMap<>();
            for (S3Object object : s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix("hl7/")).contents()) {
                ResponseBytes<GetObjectResponse> bytes = s3.getObjectAsBytes(r -> r.bucket(bucket).key(object.key()));
                assertThat(bytes.response().metadata().get("sha256")).as("sha256 metadata of %s", object.key())
                        .isEqualTo(Sha256.hexDigest(bytes.asByteArray()));
                try (BufferedReader lines = new BufferedReader(new InputStreamReader(
                        new GZIPInputStream(new ByteArrayInputStream(bytes.asByteArray())), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = lines.readLine()) != null) {
                        JsonNode json = JSON.readTree(line);
                        String controlId = json.path("headers").path("hubControlId").asText();
                        SyntheticHl7.Message message = byControlId.get(controlId);
                        if (message == null) {
                            continue;
                        }
                        byte[] archived = json.get("text").asText().getBytes(Charset.forName(json.get("charset").asText()));
                        assertThat(archived).as("archived bytes of %s", controlId).isEqualTo(message.bytes());
                        assertThat(json.get("sha256").asText()).isEqualTo(Sha256.hexDigest(message.bytes()));
                        copies.merge(controlId, 1, Integer::sum);
                    }
                }
            }
            if (copies.size() >= expected) {
                break;
            }
            Thread.sleep(1000);
        } while (System.nanoTime() < deadline);
        return copies;
    }

    private Set<String> quarantineReasonsSince(Instant since) {
        Set<String> reasons = new HashSet<>();
        for (S3Object object : s3.listObjectsV2Paginator(r -> r.bucket("hub-quarantine")).contents()) {
            if (object.lastModified().isBefore(since)) {
                continue;
            }
            var head = s3.headObject(r -> r.bucket("hub-quarantine").key(object.key()));
            reasons.add(head.metadata().get("reason-code"));
        }
        return reasons;
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
