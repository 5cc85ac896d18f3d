package org.clinicaldatahub.hub.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.zip.GZIPInputStream;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.clinicaldatahub.hub.audit.AuditProperties;
import org.clinicaldatahub.hub.audit.AuditRecorder;
import org.clinicaldatahub.hub.fhir.support.SyntheticFhir;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.ActiveProfiles;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The inbound FHIR endpoint end to end on the full hub with the real embedded Kafka and S3
 * server: transaction Bundles of 100 resources in JSON and XML, a single create, every kind of
 * bad input, the archive in clinical-hot, the quarantine, the audit trail and the absence of the
 * fake PHI from logs, audit events and metrics.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability
@ActiveProfiles("test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(OutputCaptureExtension.class)
class FhirInboundRestRouteTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JSON_TYPE = "application/fhir+json";
    private static final String XML_TYPE = "application/fhir+xml";

    @Autowired
    TestRestTemplate http;
    @Autowired
    S3Client s3;
    @Autowired
    AuditRecorder auditRecorder;
    @Autowired
    AuditProperties auditProperties;
    @Autowired
    FhirProperties fhirProperties;
    @Value("${hub.kafka.bootstrap-servers}")
    String bootstrapServers;

    private final SyntheticFhir synthetic = new SyntheticFhir(System.nanoTime());
    /** Ids the hub assigned to accepted resources, by resource type. */
    private final Map<String, String> acceptedIds = new HashMap<>();
    /** Fake PHI of requests the hub refused. */
    private final List<String> refusedPhi = new ArrayList<>();
    private Instant started;

    @BeforeAll
    void start() {
        started = Instant.now().minusSeconds(2);
    }

    @Test
    @Order(1)
    void transactionOfHundredJsonResourcesIsCommittedAndAnsweredWithATransactionResponse() throws Exception {
        Bundle transaction = synthetic.transaction(100);
        ResponseEntity<String> answer = post("/fhir", JSON_TYPE, FHIR.newJsonParser().encodeResourceToString(transaction));

        assertThat(answer.getStatusCode().value()).isEqualTo(200);
        assertThat(answer.getHeaders().getContentType().toString()).startsWith(JSON_TYPE);
        Bundle response = FHIR.newJsonParser().parseResource(Bundle.class, answer.getBody());
        assertResponseMatches(transaction, response, Bundle.BundleType.TRANSACTIONRESPONSE);

        Map<String, ConsumerRecord<String, byte[]>> records = awaitRecords(ids(response));
        Map<String, String> patientOfFullUrl = new HashMap<>();
        for (int i = 0; i < transaction.getEntry().size(); i++) {
            if (transaction.getEntry().get(i).getResource() instanceof Patient) {
                patientOfFullUrl.put(transaction.getEntry().get(i).getFullUrl(),
                        response.getEntry().get(i).getResponse().getLocation());
            }
        }
        for (int i = 0; i < transaction.getEntry().size(); i++) {
            Resource sent = transaction.getEntry().get(i).getResource();
            String location = response.getEntry().get(i).getResponse().getLocation();
            ConsumerRecord<String, byte[]> record = records.get(location);
            Resource committed = (Resource) FHIR.newJsonParser().parseResource(new String(record.value(), StandardCharsets.UTF_8));
            assertThat(committed.fhirType() + "/" + committed.getIdElement().getIdPart()).isEqualTo(location);
            assertThat(FHIR.newJsonParser().encodeResourceToString(committed)).as("committed %s", location)
                    .isEqualTo(FHIR.newJsonParser().encodeResourceToString(withIdAndMeta(sent, committed)));
            if (sent instanceof Patient) {
                assertThat(record.key()).isEqualTo(location);
            } else {
                String subject = FHIR.newTerser().getSinglePrimitiveValueOrNull(committed, "subject.reference");
                // the transaction's urn:uuid reference now points to the patient's new id, and keys the record
                assertThat(subject).startsWith("Patient/");
                assertThat(patientOfFullUrl).containsValue(subject);
                assertThat(record.key()).isEqualTo(subject);
            }
        }
    }

    @Test
    @Order(2)
    void transactionOfHundredXmlResourcesIsAnsweredInXml() throws Exception {
        Bundle transaction = synthetic.transaction(100);
        ResponseEntity<String> answer = post("/fhir", XML_TYPE, FHIR.newXmlParser().encodeResourceToString(transaction));

        assertThat(answer.getStatusCode().value()).isEqualTo(200);
        assertThat(answer.getHeaders().getContentType().toString()).startsWith(XML_TYPE);
        Bundle response = FHIR.newXmlParser().parseResource(Bundle.class, answer.getBody());
        assertResponseMatches(transaction, response, Bundle.BundleType.TRANSACTIONRESPONSE);
        awaitRecords(ids(response));
    }

    @Test
    @Order(3)
    void batchAndSingleCreateAndUpdateAnswerLikeAFhirServer() throws Exception {
        Bundle batch = synthetic.bundle(Bundle.BundleType.BATCH, 10);
        ResponseEntity<String> batchAnswer = post("/fhir", JSON_TYPE, FHIR.newJsonParser().encodeResourceToString(batch));
        assertThat(batchAnswer.getStatusCode().value()).isEqualTo(200);
        assertResponseMatches(batch, FHIR.newJsonParser().parseResource(Bundle.class, batchAnswer.getBody()),
                Bundle.BundleType.BATCHRESPONSE);

        Patient patient = synthetic.patient();
        ResponseEntity<String> created = post("/fhir/Patient", JSON_TYPE, FHIR.newJsonParser().encodeResourceToString(patient));
        assertThat(created.getStatusCode().value()).isEqualTo(201);
        String location = created.getHeaders().getLocation().toString();
        assertThat(location).startsWith("Patient/");
        Patient echoed = FHIR.newJsonParser().parseResource(Patient.class, created.getBody());
        assertThat(echoed.getNameFirstRep().getFamily()).isEqualTo(patient.getNameFirstRep().getFamily());

        String id = location.substring("Patient/".length());
        patient.setId(id);
        patient.setActive(true);
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.CONTENT_TYPE, XML_TYPE);
        ResponseEntity<String> updated = http.withBasicAuth("admin", "test-password").exchange("/fhir/Patient/" + id,
                HttpMethod.PUT, new HttpEntity<>(FHIR.newXmlParser().encodeResourceToString(patient), headers), String.class);
        assertThat(updated.getStatusCode().value()).isEqualTo(200);
        Map<String, ConsumerRecord<String, byte[]>> records = awaitRecords(Set.of(location));
        acceptedIds.put("Patient", id);
        assertThat(records).containsKey(location);
    }

    @Test
    @Order(4)
    void badInputIsAnsweredWithOperationOutcomeQuarantinedAndAudited() throws Exception {
        Patient patient = synthetic.patient();
        refusedPhi.addAll(List.of(patient.getNameFirstRep().getFamily(), patient.getIdentifierFirstRep().getValue()));
        String name = patient.getNameFirstRep().getFamily();

        Map<String, Integer> expected = new HashMap<>();
        // malformed JSON
        refused(post("/fhir/Patient", JSON_TYPE, "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + name + "\""),
                400, "FHIR_UNPARSEABLE");
        // an unknown resource type
        refused(post("/fhir", JSON_TYPE, "{\"resourceType\":\"Patientz\",\"name\":[{\"family\":\"" + name + "\"}]}"),
                400, "FHIR_UNKNOWN_RESOURCE_TYPE");
        // an unknown element (structure validation)
        refused(post("/fhir/Patient", JSON_TYPE, "{\"resourceType\":\"Patient\",\"nmae\":[{\"family\":\"" + name + "\"}]}"),
                400, "FHIR_UNKNOWN_ELEMENT");
        // a Bundle over the limit
        Bundle tooBig = synthetic.transaction(fhirProperties.getInbound().getMaxBundleEntries() + 1);
        refused(post("/fhir", JSON_TYPE, FHIR.newJsonParser().encodeResourceToString(tooBig)), 413, "FHIR_BUNDLE_TOO_LARGE");
        // XML with an external entity: refused before parsing, and the file is never read
        Path secret = Files.createTempFile("xxe", ".txt");
        Files.writeString(secret, "XXE-SECRET-" + UUID.randomUUID());
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE Patient [<!ENTITY xxe SYSTEM \"" + secret.toUri() + "\">]>"
                + "<Patient xmlns=\"http://hl7.org/fhir\"><name><family value=\"&xxe;\"/></name></Patient>";
        ResponseEntity<String> xxeAnswer = post("/fhir/Patient", XML_TYPE, xxe);
        refused(xxeAnswer, 400, "FHIR_XML_DOCTYPE");
        assertThat(xxeAnswer.getBody()).doesNotContain(Files.readString(secret));
        // a wrong content type
        refused(post("/fhir/Patient", "text/plain", FHIR.newJsonParser().encodeResourceToString(patient)), 415,
                "FHIR_UNSUPPORTED_MEDIA_TYPE");
        // deeply nested JSON
        String deep = "{\"resourceType\":\"Patient\",\"extension\":" + "[".repeat(200) + "]".repeat(200) + "}";
        refused(post("/fhir/Patient", JSON_TYPE, deep), 400, "FHIR_TOO_DEEP");
        // a body over the size limit
        String huge = "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + name + "\",\"text\":\""
                + "x".repeat(fhirProperties.getInbound().getMaxBodyBytes()) + "\"}]}";
        refused(post("/fhir/Patient", JSON_TYPE, huge), 413, "FHIR_BODY_TOO_LARGE");
        // a Bundle type that is not batch or transaction
        Bundle collection = synthetic.bundle(Bundle.BundleType.COLLECTION, 2);
        refused(post("/fhir", JSON_TYPE, FHIR.newJsonParser().encodeResourceToString(collection)), 400, "FHIR_NOT_A_BATCH");

        // no credentials, and wrong ones: 401 with an OperationOutcome, audited, not quarantined
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.CONTENT_TYPE, JSON_TYPE);
        String body = FHIR.newJsonParser().encodeResourceToString(patient);
        ResponseEntity<String> anonymous = http.exchange("/fhir/Patient", HttpMethod.POST, new HttpEntity<>(body, headers), String.class);
        assertOperationOutcome(anonymous, 401, FhirSecurityConfiguration.UNAUTHENTICATED);
        ResponseEntity<String> wrong = http.withBasicAuth("admin", "wrong").exchange("/fhir/Patient", HttpMethod.POST,
                new HttpEntity<>(body, headers), String.class);
        assertOperationOutcome(wrong, 401, FhirSecurityConfiguration.UNAUTHENTICATED);

        Set<String> quarantined = quarantineReasonsSince(started);
        assertThat(quarantined).contains("FHIR_UNPARSEABLE", "FHIR_UNKNOWN_RESOURCE_TYPE", "FHIR_UNKNOWN_ELEMENT",
                "FHIR_BUNDLE_TOO_LARGE", "FHIR_XML_DOCTYPE", "FHIR_UNSUPPORTED_MEDIA_TYPE", "FHIR_TOO_DEEP",
                "FHIR_BODY_TOO_LARGE", "FHIR_NOT_A_BATCH");
        assertThat(quarantined).doesNotContain(FhirSecurityConfiguration.UNAUTHENTICATED);

        Map<String, Set<String>> reasonsByStep = auditReasonsByStep();
        assertThat(reasonsByStep.get("rejected")).contains("FHIR_UNPARSEABLE", "FHIR_UNKNOWN_RESOURCE_TYPE",
                "FHIR_BUNDLE_TOO_LARGE", "FHIR_XML_DOCTYPE", "FHIR_UNSUPPORTED_MEDIA_TYPE", "FHIR_TOO_DEEP",
                "FHIR_BODY_TOO_LARGE", FhirSecurityConfiguration.UNAUTHENTICATED);

        // nothing refused reached Kafka or the research zone
        for (String value : refusedPhi) {
            assertThat(topicContains(value)).as("refused value on %s", fhirProperties.getTopic()).isFalse();
        }
        assertThat(researchZoneContains(refusedPhi)).isFalse();
    }

    @Test
    @Order(5)
    void everyAcceptedResourceIsArchivedInClinicalHotAndAudited() throws Exception {
        Set<String> expected = new HashSet<>(committedLocations);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Set<String> archived = new HashSet<>();
        while (System.nanoTime() < deadline && !archived.containsAll(expected)) {
            archived.clear();
            for (S3Object object : s3.listObjectsV2Paginator(r -> r.bucket("hub-clinical").prefix("fhir/")).contents()) {
                byte[] bytes = s3.getObjectAsBytes(r -> r.bucket("hub-clinical").key(object.key())).asByteArray();
                try (BufferedReader lines = new BufferedReader(new InputStreamReader(
                        new GZIPInputStream(new ByteArrayInputStream(bytes)), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = lines.readLine()) != null) {
                        JsonNode json = JSON.readTree(line);
                        archived.add(json.path("headers").path(FhirHeaders.RESOURCE_TYPE).asText() + "/"
                                + json.path("headers").path(FhirHeaders.RESOURCE_ID).asText());
                    }
                }
            }
            Thread.sleep(500);
        }
        assertThat(archived).containsAll(expected);
        // the archiver records "stored" only after its object is in S3, which is what was awaited
        Map<String, Set<String>> routesByStep;
        long storedDeadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        do {
            auditRecorder.flush();
            routesByStep = auditRoutesByStep();
            if (routesByStep.getOrDefault("stored", Set.of()).contains("fhir-internal-archive")) {
                break;
            }
            Thread.sleep(250);
        } while (System.nanoTime() < storedDeadline);
        assertThat(routesByStep.get("received")).contains("fhir-inbound-rest");
        assertThat(routesByStep.get("published")).contains("fhir-inbound-rest");
        assertThat(routesByStep.get("stored")).contains("fhir-internal-archive");
    }

    @Test
    @Order(6)
    void noFakePhiInAuditEventsLogLinesOrMetrics(CapturedOutput output) throws Exception {
        List<String> phi = new ArrayList<>(synthetic.phi());
        assertThat(phi).hasSizeGreaterThan(100);
        String audit = auditText();
        String metrics = http.withBasicAuth("admin", "test-password").getForObject("/actuator/prometheus", String.class)
                .toLowerCase(Locale.ROOT);
        String logs = output.getAll().toLowerCase(Locale.ROOT);
        for (String value : phi) {
            String needle = value.toLowerCase(Locale.ROOT);
            assertThat(audit).as("audit trail").doesNotContain(needle);
            assertThat(logs).as("log output").doesNotContain(needle);
            assertThat(metrics).as("metrics").doesNotContain(needle);
        }
    }

    // ---------------------------------------------------------------------------------------------

    private final Set<String> committedLocations = new HashSet<>();

    private ResponseEntity<String> post(String path, String contentType, String body) {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.CONTENT_TYPE, contentType);
        return http.withBasicAuth("admin", "test-password").exchange(path, HttpMethod.POST,
                new HttpEntity<>(body, headers), String.class);
    }

    private void refused(ResponseEntity<String> answer, int status, String reason) {
        assertOperationOutcome(answer, status, reason);
    }

    private static void assertOperationOutcome(ResponseEntity<String> answer, int status, String reason) {
        assertThat(answer.getStatusCode().value()).as("status for %s", reason).isEqualTo(status);
        assertThat(answer.getHeaders().getContentType().toString()).as("content type for %s", reason)
                .startsWith("application/fhir+");
        String body = answer.getBody();
        OperationOutcome outcome = (OperationOutcome) (body.startsWith("<") ? FHIR.newXmlParser() : FHIR.newJsonParser())
                .parseResource(body);
        assertThat(outcome.getIssueFirstRep().getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.ERROR);
        assertThat(outcome.getIssueFirstRep().getDiagnostics()).isNotBlank();
        assertThat(outcome.getIssueFirstRep().getDetails().getCodingFirstRep().getCode()).isEqualTo(reason);
    }

    private void assertResponseMatches(Bundle request, Bundle response, Bundle.BundleType type) {
        assertThat(response.getType()).isEqualTo(type);
        assertThat(response.getEntry()).hasSize(request.getEntry().size());
        Set<String> locations = new HashSet<>();
        for (int i = 0; i < request.getEntry().size(); i++) {
            var entry = response.getEntry().get(i).getResponse();
            assertThat(entry.getStatus()).isEqualTo("201 Created");
            assertThat(entry.getLocation()).startsWith(request.getEntry().get(i).getResource().fhirType() + "/");
            assertThat(entry.getLastModified()).isNotNull();
            locations.add(entry.getLocation());
        }
        assertThat(locations).hasSize(request.getEntry().size());
        committedLocations.addAll(locations);
    }

    private static Set<String> ids(Bundle response) {
        Set<String> ids = new HashSet<>();
        response.getEntry().forEach(e -> ids.add(e.getResponse().getLocation()));
        return ids;
    }

    /** The sent resource with the id and meta the hub gave it, to compare everything else. */
    private static Resource withIdAndMeta(Resource sent, Resource committed) {
        // as the hub parsed it from the wire (e.g. birthDate at day precision)
        Resource copy = (Resource) FHIR.newJsonParser().parseResource(FHIR.newJsonParser().encodeResourceToString(sent));
        copy.setId(committed.getIdElement().getIdPart());
        copy.setMeta(committed.getMeta().copy());
        if (copy instanceof org.hl7.fhir.r4.model.DomainResource && !(copy instanceof Patient)) {
            FHIR.newTerser().setElement(copy, "subject.reference",
                    FHIR.newTerser().getSinglePrimitiveValueOrNull(committed, "subject.reference"));
        }
        return copy;
    }

    private Map<String, ConsumerRecord<String, byte[]>> awaitRecords(Set<String> locations) {
        Map<String, ConsumerRecord<String, byte[]>> found = new HashMap<>();
        Map<String, Integer> copies = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline && !found.keySet().containsAll(locations)) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    String location = header(record, FhirHeaders.RESOURCE_TYPE) + "/" + header(record, FhirHeaders.RESOURCE_ID);
                    if (locations.contains(location)) {
                        found.put(location, record);
                        copies.merge(location, 1, Integer::sum);
                    }
                }
            }
        }
        assertThat(found.keySet()).containsAll(locations);
        assertThat(copies.values()).allMatch(n -> n >= 1);
        return found;
    }

    private boolean topicContains(String value) {
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            int empty = 0;
            while (empty < 3) {
                var polled = consumer.poll(Duration.ofMillis(500));
                empty = polled.isEmpty() ? empty + 1 : 0;
                for (ConsumerRecord<String, byte[]> record : polled) {
                    if (new String(record.value(), StandardCharsets.UTF_8).contains(value)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private boolean researchZoneContains(List<String> values) {
        for (S3Object object : s3.listObjectsV2Paginator(r -> r.bucket("hub-research")).contents()) {
            if (object.lastModified().isBefore(started)) {
                continue;
            }
            byte[] bytes = s3.getObjectAsBytes(r -> r.bucket("hub-research").key(object.key())).asByteArray();
            String text = new String(bytes, StandardCharsets.UTF_8);
            for (String value : values) {
                if (text.contains(value)) {
                    return true;
                }
            }
        }
        return false;
    }

    private KafkaConsumer<String, byte[]> consumer() {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(fhirProperties.getTopic()));
        return consumer;
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private Set<String> quarantineReasonsSince(Instant since) {
        Set<String> reasons = new HashSet<>();
        for (S3Object object : s3.listObjectsV2Paginator(r -> r.bucket("hub-quarantine").prefix("fhir-inbound-rest/")).contents()) {
            if (object.lastModified().isBefore(since)) {
                continue;
            }
            reasons.add(s3.headObject(r -> r.bucket("hub-quarantine").key(object.key())).metadata().get("reason-code"));
        }
        return reasons;
    }

    private String auditText() throws Exception {
        auditRecorder.flush();
        StringBuilder audit = new StringBuilder();
        try (var files = Files.list(auditRecorder.log().segmentsDir())) {
            for (Path segment : files.sorted().toList()) {
                audit.append(Files.readString(segment, StandardCharsets.UTF_8).replace("\u0000", ""));
            }
        }
        return audit.toString().toLowerCase(Locale.ROOT);
    }

    private List<JsonNode> auditEvents() throws Exception {
        auditRecorder.flush();
        List<JsonNode> events = new ArrayList<>();
        try (var files = Files.list(auditRecorder.log().segmentsDir())) {
            for (Path segment : files.sorted().toList()) {
                for (String line : Files.readAllLines(segment, StandardCharsets.UTF_8)) {
                    line = line.replace("\u0000", "");
                    if (!line.isBlank()) {
                        events.add(JSON.readTree(line));
                    }
                }
            }
        }
        return events;
    }

    private Map<String, Set<String>> auditReasonsByStep() throws Exception {
        Map<String, Set<String>> reasons = new HashMap<>();
        for (JsonNode event : auditEvents()) {
            String reason = event.path("reason").asText(null);
            if (reason != null && event.path("route").asText("").startsWith("fhir-")) {
                reasons.computeIfAbsent(event.path("step").asText(), s -> new HashSet<>()).add(reason);
            }
        }
        return reasons;
    }

    private Map<String, Set<String>> auditRoutesByStep() throws Exception {
        Map<String, Set<String>> routes = new HashMap<>();
        for (JsonNode event : auditEvents()) {
            routes.computeIfAbsent(event.path("step").asText(), s -> new HashSet<>()).add(event.path("route").asText());
        }
        return routes;
    }
}
