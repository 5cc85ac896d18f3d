package org.clinicaldatahub.hub.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;

import ca.uhn.fhir.context.FhirContext;
import org.apache.camel.CamelContext;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.clinicaldatahub.hub.audit.AuditRecorder;
import org.clinicaldatahub.hub.fhir.internal.PollCursorTopic;
import org.clinicaldatahub.hub.fhir.support.EhrFhirServer;
import org.clinicaldatahub.hub.fhir.support.SyntheticFhir;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.AfterAll;
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
import org.springframework.test.context.ActiveProfiles;

/**
 * The EHR poll route on the full hub against a real HAPI FHIR R4 server (HAPI's RestfulServer with
 * in-memory providers and FIFO paging, in an embedded Tomcat) that requires SMART Backend Services
 * tokens: every seeded Patient, Encounter, Condition and Observation is published once across
 * several pages; after updates only the changed versions; after a restart of the poller's state
 * the cursor read back from Kafka is the same and nothing is published twice; a refused login
 * publishes nothing and moves no cursor.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability
@ActiveProfiles("test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(OutputCaptureExtension.class)
class FhirInboundPollRouteTest {

    private static final String ROUTE = "fhir-inbound-poll";
    private static final int PATIENTS = 40;

    @Autowired
    CamelContext camel;
    @Autowired
    FhirProperties fhirProperties;
    @Autowired
    FhirPollCommitter committer;
    @Autowired
    AuditRecorder auditRecorder;
    @Value("${hub.kafka.bootstrap-servers}")
    String bootstrapServers;
    @Value("${hub.test.fhir-ehr-port:18180}")
    int ehrPort;

    private EhrFhirServer ehr;
    private final SyntheticFhir synthetic = new SyntheticFhir(System.nanoTime());
    private final List<Resource> seeded = new ArrayList<>();
    private KafkaConsumer<String, byte[]> topic;
    /** Every polled record seen so far, by Type/id/_history/version: must stay at one copy each. */
    private final Map<String, Integer> copies = new HashMap<>();
    private final Map<String, String> keys = new HashMap<>();

    @BeforeAll
    void startEhr() throws Exception {
        ehr = new EhrFhirServer(ehrPort);
        Path key = Path.of(fhirProperties.getPoll().getAuth().getPrivateKeyPath());
        Files.createDirectories(key.getParent());
        Files.writeString(key, ehr.clientPrivateKeyPem());
        // start from now-ish for this run: the EHR's clock starts at 2026-01-01 and the cursor topic
        // may hold an older run's cursor, so each run uses its own source name
        fhirProperties.getPoll().setSourceName("test-ehr-" + Long.toString(System.currentTimeMillis(), 36));
        committer.forget();
        for (int i = 0; i < PATIENTS; i++) {
            Patient patient = synthetic.patient();
            patient.setId(UUID.randomUUID().toString());
            List<Resource> group = new ArrayList<>();
            group.add(patient);
            group.addAll(synthetic.clinicalResources(patient, new Reference("Patient/" + patient.getIdPart())));
            // several resources share one lastUpdated (same EHR transaction): the cursor must handle ties
            ehr.put(group);
            seeded.addAll(group);
        }
        topic = consumer();
    }

    @AfterAll
    void stopEhr() throws Exception {
        if (camel.getRouteController().getRouteStatus(ROUTE).isStarted()) {
            camel.getRouteController().stopRoute(ROUTE);
        }
        topic.close();
        ehr.close();
    }

    @Test
    @Order(1)
    void everySeededResourceIsPublishedOnceAcrossSeveralPagesWithASmartToken() throws Exception {
        long start = System.nanoTime();
        camel.getRouteController().startRoute(ROUTE);
        Set<String> expected = new HashSet<>();
        for (Resource resource : seeded) {
            expected.add(resource.fhirType() + "/" + resource.getIdElement().getIdPart() + "/_history/1");
        }
        awaitVersions(expected, Duration.ofSeconds(90));
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "FHIR poll: %d resources in %.1f s (incl. first cron tick)%n", expected.size(), seconds);

        assertThat(ehr.tokensIssued()).as("SMART tokens issued").isGreaterThanOrEqualTo(1);
        assertThat(ehr.pageFetches()).as("next links followed").isGreaterThanOrEqualTo(4);
        for (Resource resource : seeded) {
            String version = resource.fhirType() + "/" + resource.getIdElement().getIdPart() + "/_history/1";
            String patient = resource instanceof Patient ? "Patient/" + resource.getIdElement().getIdPart()
                    : ((Reference) FhirContext.forR4Cached().newTerser().getSingleValueOrNull(resource, "subject")).getReference();
            assertThat(keys.get(version)).as("key of %s", version).isEqualTo(patient);
        }
        // two more polls find nothing new
        drain(Duration.ofSeconds(5));
        assertThat(copies.values()).allMatch(n -> n == 1);
    }

    @Test
    @Order(2)
    void onlyChangedResourcesArePublishedAfterUpdates() throws Exception {
        Set<String> expected = new HashSet<>();
        List<Resource> changed = new ArrayList<>();
        for (Resource resource : seeded.subList(0, 25)) {
            if (resource instanceof Patient patient) {
                patient.setActive(true);
                changed.add(patient);
            } else if (resource instanceof Observation observation) {
                observation.setStatus(Observation.ObservationStatus.AMENDED);
                changed.add(observation);
            }
        }
        ehr.put(changed);
        for (Resource resource : changed) {
            expected.add(resource.fhirType() + "/" + resource.getIdElement().getIdPart() + "/_history/2");
        }
        int before = copies.size();
        awaitVersions(expected, Duration.ofSeconds(60));
        drain(Duration.ofSeconds(5));
        assertThat(copies.size() - before).as("new versions published").isEqualTo(changed.size());
        assertThat(copies.values()).allMatch(n -> n == 1);
    }

    @Test
    @Order(3)
    void cursorSurvivesARestartAndNothingIsPublishedTwice() throws Exception {
        camel.getRouteController().stopRoute(ROUTE);
        Map<String, PollCursor> before = new HashMap<>();
        for (String type : fhirProperties.getPoll().getResourceTypes()) {
            before.put(type, committer.cursor(type));
        }
        // a restart: everything in memory is gone, the cursors come back from the compacted topic
        committer.forget();
        Map<String, PollCursor> stored = PollCursorTopic.readAll(bootstrapServers, fhirProperties.getPoll().getCursorTopic());
        for (String type : fhirProperties.getPoll().getResourceTypes()) {
            assertThat(stored.get(fhirProperties.getPoll().getSourceName() + "|" + type)).as("stored cursor of %s", type)
                    .isEqualTo(before.get(type));
            assertThat(committer.cursor(type)).isEqualTo(before.get(type));
        }
        camel.getRouteController().startRoute(ROUTE);
        int published = copies.size();
        drain(Duration.ofSeconds(6));
        assertThat(copies.size()).as("nothing re-published after the restart").isEqualTo(published);

        Patient patient = (Patient) seeded.get(0);
        patient.setGender(org.hl7.fhir.r4.model.Enumerations.AdministrativeGender.OTHER);
        ehr.put(List.of(patient));
        awaitVersions(Set.of("Patient/" + patient.getIdPart() + "/_history/3"), Duration.ofSeconds(30));
        assertThat(copies.values()).allMatch(n -> n == 1);
    }

    @Test
    @Order(4)
    void aRefusedLoginPublishesNothingAndKeepsTheCursor() throws Exception {
        Map<String, PollCursor> before = new HashMap<>();
        for (String type : fhirProperties.getPoll().getResourceTypes()) {
            before.put(type, committer.cursor(type));
        }
        int refusedBefore = ehr.refused();
        ehr.refuseAll(true);
        Patient patient = (Patient) seeded.get(5);
        patient.setActive(false);
        ehr.put(List.of(patient));
        int published = copies.size();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (ehr.refused() == refusedBefore && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(ehr.refused()).isGreaterThan(refusedBefore);
        drain(Duration.ofSeconds(3));
        assertThat(copies.size()).isEqualTo(published);
        for (String type : fhirProperties.getPoll().getResourceTypes()) {
            assertThat(committer.cursor(type)).isEqualTo(before.get(type));
        }
        // back in: the change is picked up once
        ehr.refuseAll(false);
        awaitVersions(Set.of("Patient/" + patient.getIdPart() + "/_history/"
                + ehr.current(Patient.class, patient.getIdPart()).getMeta().getVersionId()), Duration.ofSeconds(60));
        assertThat(copies.values()).allMatch(n -> n == 1);
    }

    @Test
    @Order(5)
    void noFakePhiInAuditEventsOrLogs(CapturedOutput output) throws Exception {
        auditRecorder.flush();
        StringBuilder audit = new StringBuilder();
        try (var files = Files.list(auditRecorder.log().segmentsDir())) {
            for (Path segment : files.sorted().toList()) {
                audit.append(Files.readString(segment, StandardCharsets.UTF_8).replace("\u0000", ""));
            }
        }
        String auditText = audit.toString().toLowerCase(Locale.ROOT);
        assertThat(auditText).contains("\"route\":\"fhir-inbound-poll\"");
        // the searches and page loads read from the EHR: receipts, not forwards to it
        List<String> pollEvents = auditText.lines().filter(l -> l.contains("\"route\":\"fhir-inbound-poll\"")).toList();
        assertThat(pollEvents).anyMatch(l -> l.contains("\"step\":\"received\"") && l.contains("fhir://search"));
        assertThat(pollEvents).anyMatch(l -> l.contains("\"step\":\"published\""));
        assertThat(pollEvents).noneMatch(l -> l.contains("\"step\":\"forwarded\""));
        String logs = output.getAll().toLowerCase(Locale.ROOT);
        for (String value : synthetic.phi()) {
            String needle = value.toLowerCase(Locale.ROOT);
            assertThat(auditText).as("audit trail").doesNotContain(needle);
            assertThat(logs).as("log output").doesNotContain(needle);
        }
    }

    /** Polling throughput (opt-in: -Dbench.fhir=true): resources from EHR to committed Kafka records. */
    @Test
    @Order(6)
    void pollingThroughput() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Boolean.getBoolean("bench.fhir"), "benchmark: -Dbench.fhir=true");
        int patients = Integer.getInteger("bench.poll.patients", 1000);
        fhirProperties.getPoll().setPageSize(Integer.getInteger("bench.poll.page-size", 100));
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < patients; i++) {
            Patient patient = synthetic.patient();
            patient.setId(UUID.randomUUID().toString());
            List<Resource> group = new ArrayList<>();
            group.add(patient);
            group.addAll(synthetic.clinicalResources(patient, new Reference("Patient/" + patient.getIdPart())));
            ehr.put(group);
            group.forEach(r -> expected.add(r.fhirType() + "/" + r.getIdElement().getIdPart() + "/_history/1"));
        }
        int pagesBefore = ehr.pageFetches() + ehr.searches();
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long cpuStart = os.getProcessCpuTime();
        long start = System.nanoTime();
        awaitVersions(expected, Duration.ofMinutes(5));
        double seconds = (System.nanoTime() - start) / 1e9;
        // this JVM: the hub with its Kafka broker, the EHR (HAPI RestfulServer) and this test's consumer
        double cpuSeconds = (os.getProcessCpuTime() - cpuStart) / 1e9;
        System.out.printf(Locale.ROOT, "FHIR poll bench: %d resources in %.1f s -> %.0f resources/s (%d requests to the EHR, "
                + "page size %d, cron every 2 s); JVM CPU %.1f s = %.3f ms/resource (hub, EHR and test consumer); "
                + "load average %.1f%n", expected.size(), seconds, expected.size() / seconds,
                ehr.pageFetches() + ehr.searches() - pagesBefore, fhirProperties.getPoll().getPageSize(), cpuSeconds,
                cpuSeconds * 1000 / expected.size(), os.getSystemLoadAverage());
        assertThat(copies.values()).allMatch(n -> n == 1);
    }

    // ---------------------------------------------------------------------------------------------

    private void awaitVersions(Set<String> versions, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!copies.keySet().containsAll(versions) && System.nanoTime() < deadline) {
            poll();
        }
        Set<String> missing = new HashSet<>(versions);
        missing.removeAll(copies.keySet());
        assertThat(missing).as("versions not published").isEmpty();
    }

    private void drain(Duration duration) {
        long deadline = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < deadline) {
            poll();
        }
    }

    private void poll() {
        for (ConsumerRecord<String, byte[]> record : topic.poll(Duration.ofMillis(300))) {
            if (!ROUTE.equals(header(record, "hubChannel"))
                    || !fhirProperties.getPoll().getSourceName().equals(header(record, "hubActor"))) {
                continue;
            }
            String version = header(record, FhirHeaders.RESOURCE_TYPE) + "/" + header(record, FhirHeaders.RESOURCE_ID)
                    + "/_history/" + header(record, FhirHeaders.VERSION_ID);
            copies.merge(version, 1, Integer::sum);
            keys.put(version, record.key());
            Resource resource = (Resource) FhirContext.forR4Cached().newJsonParser()
                    .parseResource(new String(record.value(), StandardCharsets.UTF_8));
            assertThat(resource.getMeta().getVersionId()).isEqualTo(header(record, FhirHeaders.VERSION_ID));
        }
    }

    private KafkaConsumer<String, byte[]> consumer() {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(fhirProperties.getTopic()));
        // join the group and take the current end as the start, before the route runs
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (consumer.assignment().isEmpty() && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200));
        }
        return consumer;
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
