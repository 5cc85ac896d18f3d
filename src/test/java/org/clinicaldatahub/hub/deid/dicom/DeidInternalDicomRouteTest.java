package org.clinicaldatahub.hub.deid.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.camel.CamelContext;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.clinicaldatahub.hub.audit.AuditRecorder;
import org.clinicaldatahub.hub.deid.Pseudonymizer;
import org.clinicaldatahub.hub.dicom.DicomScpComponent;
import org.clinicaldatahub.hub.dicom.support.AuditTrail;
import org.clinicaldatahub.hub.dicom.support.Dcmtk;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.ActiveProfiles;

import software.amazon.awssdk.services.s3.S3Client;

/**
 * Route {@code deid-internal-dicom} end to end: DCMTK storescu sends a three-series study with
 * fake PHI everywhere and an ultrasound image to the hub's SCP; the DICOM channel stores them in
 * the identified zone and publishes {@code hub.dicom.stored}; this route makes research copies
 * in the {@code hub-research} bucket (valid for dcmdump, no fake PHI in any byte, Patient ID the
 * hub-wide pseudonym, the same as HL7 and FHIR get), publishes {@code hub.deid.dicom} events,
 * audits de-identified and stored; the ultrasound goes to quarantine for review with its reason.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability
@ActiveProfiles("test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(OutputCaptureExtension.class)
class DeidInternalDicomRouteTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    @Autowired
    CamelContext camel;
    @Autowired
    S3Client s3;
    @Autowired
    AuditRecorder auditRecorder;
    @Autowired
    Pseudonymizer pseudonymizer;
    @Autowired
    DicomDeidProperties properties;
    @Value("${hub.kafka.bootstrap-servers}")
    String bootstrapServers;

    private List<Path> study;
    private Path ultrasound;
    private int port;

    @BeforeAll
    void generate() throws Exception {
        assumeThat(Dcmtk.available()).as("DCMTK (apt-get install dcmtk) is required").isTrue();
        study = PhiStudy.write(dir.resolve("study"));
        ultrasound = PhiStudy.write(dir.resolve("us"), "us", PhiStudy.ctDump(4, 1)
                .replace("(0008,0060) CS [CT]", "(0008,0060) CS [US]"));
        port = camel.getComponent("dicom-scp", DicomScpComponent.class).port();
    }

    @Test
    void storedInstancesGetResearchCopiesAndBurnedInTextGoesToReview(CapturedOutput output) throws Exception {
        for (Path file : study) {
            store(file);
        }
        store(ultrasound);

        List<JsonNode> events = deidentifiedEvents(study.size());
        assertThat(events).hasSize(study.size());
        String pseudonym = pseudonymizer.patient(PhiStudy.PATIENT_ID, PhiStudy.ISSUER);
        Set<String> studies = new HashSet<>();
        Set<String> series = new HashSet<>();
        List<String> researchKeys = new ArrayList<>();
        for (JsonNode event : events) {
            assertThat(event.get("patientPseudonym").asText()).isEqualTo(pseudonym);
            assertThat(event.get("bucket").asText()).isEqualTo("hub-research");
            assertThat(event.get("profile").asText()).isEqualTo("dicom-basic");
            studies.add(event.get("studyInstanceUid").asText());
            series.add(event.get("seriesInstanceUid").asText());
            String key = event.get("objectKey").asText();
            researchKeys.add(key);
            Path copy = dir.resolve("research-" + researchKeys.size() + ".dcm");
            try (InputStream in = s3.getObject(r -> r.bucket("hub-research").key(key))) {
                Files.copy(in, copy);
            }
            var head = s3.headObject(r -> r.bucket("hub-research").key(key));
            assertThat(head.metadata()).containsEntry("deid-profile", "dicom-basic")
                    .containsEntry("sha256", event.get("sha256").asText()).containsKey("source-ref")
                    .containsKey("hub-version");
            assertThat(head.metadata().get("deid-options")).contains("retainLongitudinalModifiedDates");
            Dcmtk.Result dump = Dcmtk.run("dcmdump", "-E", copy.toString());
            assertThat(dump.exitCode()).as(dump.output()).isZero();
            assertThat(dump.output()).contains("(0010,0020) LO [" + pseudonym + "]")
                    .contains("(0012,0062) CS [YES]");
            String bytes = new String(Files.readAllBytes(copy), StandardCharsets.ISO_8859_1)
                    + head.metadata().values();
            for (String phi : PhiStudy.FAKE_PHI) {
                assertThat(bytes).as("%s in the research copy", phi).doesNotContainIgnoringCase(phi);
            }
        }
        assertThat(studies).hasSize(1);
        assertThat(series).hasSize(3);

        // the audit trail: de-identified and stored for each copy; the ultrasound rejected for review
        Map<String, Set<String>> steps = new HashMap<>();
        boolean reviewed = false;
        // the trail is read in full on every look (it holds every earlier test's events): a
        // loaded machine needs more than a handful of seconds for a few looks
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            steps.clear();
            for (JsonNode event : AuditTrail.events(auditRecorder)) {
                if (!"deid-internal-dicom".equals(event.path("route").asText())) {
                    continue;
                }
                String key = event.path("refs").path("objectKey").asText("");
                if (researchKeys.contains(key)) {
                    steps.computeIfAbsent(key, k -> new HashSet<>()).add(event.get("step").asText());
                }
                if ("rejected".equals(event.get("step").asText())
                        && DicomDeidentifier.BURNED_IN_LIKELY.equals(event.path("reason").asText())
                        && event.path("refs").path("bucket").asText().equals("hub-quarantine")) {
                    reviewed = true;
                }
            }
            // "published" is recorded after "stored": wait for both of every copy, not just for
            // some event of each, or the check below reads the trail between the two
            if (reviewed && researchKeys.stream().allMatch(k -> steps.getOrDefault(k, Set.of())
                    .containsAll(Set.of("stored", "published")))) {
                break;
            }
            Thread.sleep(200);
        }
        for (String key : researchKeys) {
            assertThat(steps.get(key)).as("audit of %s", key).contains("stored", "published");
        }
        assertThat(AuditTrail.events(auditRecorder)).anyMatch(e -> "deidentified".equals(e.get("step").asText())
                && "deid-internal-dicom".equals(e.path("route").asText())
                && pseudonym.equals(e.path("refs").path("patientPseudonym").asText()));
        assertThat(reviewed).as("burned-in text quarantined for review and audited").isTrue();

        String logsAndTrail = output.getAll() + AuditTrail.text(auditRecorder);
        for (String phi : List.of(PhiStudy.PATIENT_ID, "Testperson", "Fake General Hospital", "Drfake")) {
            assertThat(logsAndTrail).doesNotContain(phi);
        }
    }

    private void store(Path file) throws Exception {
        Dcmtk.Result result = Dcmtk.run("storescu", "-aet", "STORESCU", "-aec", "HUB", "localhost",
                Integer.toString(port), file.toString());
        assertThat(result.exitCode()).as(file.getFileName() + ":\n" + result.output()).isZero();
    }

    private List<JsonNode> deidentifiedEvents(int expected) throws Exception {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "deid-test-" + System.nanoTime());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // the topic may be created by the route's first publish, after this consumer subscribed
        config.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "1000");
        String pseudonym = pseudonymizer.patient(PhiStudy.PATIENT_ID, PhiStudy.ISSUER);
        String study = pseudonymizer.uid(PhiStudy.STUDY_UID);
        List<JsonNode> events = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(properties.getTopic()));
            long deadline = System.currentTimeMillis() + 60000;
            while (events.size() < expected && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    JsonNode event = JSON.readTree(record.value());
                    if (event.path("studyInstanceUid").asText().equals(study)) {
                        assertThat(record.key()).isEqualTo(pseudonym);
                        events.add(event);
                    }
                }
            }
        }
        return events;
    }
}
