package org.clinicaldatahub.hub.deid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.when;

import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.zip.GZIPInputStream;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.clinicaldatahub.hub.audit.AuditRecorder;
import org.clinicaldatahub.hub.dicom.support.AuditTrail;
import org.clinicaldatahub.hub.support.KafkaTestClients;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The HL7 v2 research feed (route deid-internal-hl7) when the pseudonym key is unavailable (the
 * keystore or key service fails at run time): the message is quarantined with reason
 * {@code DEID_KEY_UNAVAILABLE}, audited {@code rejected}, and nothing of it reaches the research
 * zone (research topic, research bucket). Its own hub context with a pseudonymizer that fails,
 * and topics, consumer group and audit trail of its own.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability
@ActiveProfiles("test")
@Tag("own-hub-context") // a failing pseudonymizer: a hub context of its own (pom: own-hub-context)
@DirtiesContext
class DeidKeyUnavailableTest {

    private static final String INPUT = "hub.test.keyless.inbound";
    private static final String OUTPUT = "hub.test.keyless.deid";

    @DynamicPropertySource
    static void ownFeed(DynamicPropertyRegistry registry) throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            int port = socket.getLocalPort();
            registry.add("hub.hl7.mllp-port", () -> port);
        }
        registry.add("hub.deid.hl7.input-topic", () -> INPUT);
        registry.add("hub.deid.hl7.output-topic", () -> OUTPUT);
        registry.add("hub.deid.hl7.group-id", () -> "hub-test-keyless");
        registry.add("hub.deid.fhir.enabled", () -> "false");
        registry.add("hub.audit.data-dir", () -> "target/test-data/keyless");
        // its own chain with its own key: under the shared context's node id its batches would
        // land in the same audit bucket (kept between runs) and break that chain's verification
        registry.add("hub.audit.node-id", () -> "keyless");
    }

    @MockitoBean
    Pseudonymizer pseudonymizer;
    @Autowired
    AuditRecorder auditRecorder;
    @Autowired
    S3Client s3;
    @Value("${hub.kafka.bootstrap-servers}")
    String bootstrapServers;

    @Test
    void aMessageIsQuarantinedAsKeyUnavailableAuditedRejectedAndKeptOutOfTheResearchZone() throws Exception {
        IllegalStateException unavailable = new IllegalStateException("pseudonym key unavailable");
        when(pseudonymizer.patient(any(), any())).thenThrow(unavailable);
        when(pseudonymizer.pseudonym(anyString(), any())).thenThrow(unavailable);
        when(pseudonymizer.dateShiftDays(any(), any())).thenThrow(unavailable);
        when(pseudonymizer.uid(any())).thenThrow(unavailable);
        Instant started = Instant.now().minusSeconds(2);
        String marker = "ZqKeyless" + Long.toString(System.nanoTime(), 36);
        String controlId = "KEYLESS-" + UUID.randomUUID();
        String message = "MSH|^~\\&|ADT|HOSP|HUB|HUB|20261206||ADT^A08^ADT_A01|" + controlId + "|P|2.5.1\r"
                + "PID|1||4711^^^HOSP^MR||" + marker + "^Keyless||19500101|F\r";
        try (KafkaProducer<String, byte[]> producer = producer()) {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(INPUT, "4711", message.getBytes(StandardCharsets.UTF_8));
            record.headers().add("hubCharset", "UTF-8".getBytes(StandardCharsets.UTF_8));
            producer.send(record).get();
        }

        String quarantinedReason = null;
        JsonNode rejected = null;
        long deadline = System.currentTimeMillis() + 60_000;
        while ((quarantinedReason == null || rejected == null) && System.currentTimeMillis() < deadline) {
            for (S3Object object : s3.listObjectsV2Paginator(r -> r.bucket("hub-quarantine")).contents()) {
                if (object.lastModified().isBefore(started)) {
                    continue;
                }
                String body = s3.getObjectAsBytes(r -> r.bucket("hub-quarantine").key(object.key())).asUtf8String();
                if (body.contains(marker)) {
                    quarantinedReason = s3.headObject(r -> r.bucket("hub-quarantine").key(object.key())).metadata()
                            .get("reason-code");
                }
            }
            for (JsonNode event : AuditTrail.events(auditRecorder)) {
                if ("rejected".equals(event.path("step").asText()) && "deid-internal-hl7".equals(event.path("route").asText())
                        && Instant.parse(event.get("time").asText()).isAfter(started)) {
                    rejected = event;
                }
            }
            Thread.sleep(500);
        }
        assertThat(quarantinedReason).as("quarantined with reason").isEqualTo("DEID_KEY_UNAVAILABLE");
        assertThat(rejected).as("audited rejected").isNotNull();
        assertThat(rejected.path("reason").asText()).isEqualTo("DEID_KEY_UNAVAILABLE");
        assertThat(rejected.path("outcome").asText()).isEqualTo("rejected");
        assertThat(rejected.toString()).doesNotContain(marker);

        // the steps of the refused record: received, then rejected; never de-identified or published
        String exchangeId = rejected.path("refs").path("exchangeId").asText();
        List<String> steps = AuditTrail.events(auditRecorder).stream()
                .filter(e -> "deid-internal-hl7".equals(e.path("route").asText()))
                .filter(e -> exchangeId.equals(e.path("refs").path("exchangeId").asText()))
                .map(e -> e.path("step").asText()).toList();
        assertThat(steps).containsExactly("received", "rejected");

        assertThat(researchTopicText()).doesNotContain(marker);
        assertThat(researchBucketText(started)).doesNotContain(marker);
    }

    private KafkaProducer<String, byte[]> producer() {
        return KafkaTestClients.producer(bootstrapServers, 0);
    }

    private String researchTopicText() {
        StringBuilder text = new StringBuilder();
        try (KafkaConsumer<String, byte[]> consumer = KafkaTestClients.consumerFromStart(bootstrapServers, "keyless-test")) {
            consumer.subscribe(List.of(OUTPUT));
            long deadline = System.currentTimeMillis() + 5_000;
            while (System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    text.append(new String(record.value(), StandardCharsets.UTF_8)).append('\n');
                }
            }
        }
        return text.toString();
    }

    private String researchBucketText(Instant since) throws Exception {
        StringBuilder text = new StringBuilder();
        for (S3Object object : s3.listObjectsV2Paginator(r -> r.bucket("hub-research")).contents()) {
            if (object.lastModified().isBefore(since)) {
                continue;
            }
            byte[] bytes = s3.getObjectAsBytes(r -> r.bucket("hub-research").key(object.key())).asByteArray();
            try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
                text.append(new String(in.readAllBytes(), StandardCharsets.UTF_8)).append('\n');
            } catch (java.util.zip.ZipException notGzip) {
                text.append(new String(bytes, StandardCharsets.UTF_8)).append('\n');
            }
        }
        return text.toString();
    }
}
