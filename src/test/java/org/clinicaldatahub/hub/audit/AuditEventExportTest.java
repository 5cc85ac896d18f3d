package org.clinicaldatahub.hub.audit;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.clinicaldatahub.hub.hl7.Hl7Properties;
import org.clinicaldatahub.hub.hl7.support.MllpClient;
import org.clinicaldatahub.hub.hl7.support.SyntheticHl7;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.ActiveProfiles;

/** The FHIR AuditEvent export: login, time range, paging, BALP shape, no PHI, and the read audited. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability
@ActiveProfiles("test")
class AuditEventExportTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();

    @Autowired
    TestRestTemplate http;
    @Autowired
    Hl7Properties hl7;
    @Autowired
    AuditRecorder recorder;

    @Test
    void eventsOfATimeRangeComeBackAsFhirAuditEventsWithoutPhi() throws Exception {
        Instant start = Instant.now().minusMillis(5);
        SyntheticHl7 generator = new SyntheticHl7(4242, 3).controlIdPrefix("EXP" + (System.nanoTime() % 100000));
        List<SyntheticHl7.Message> sent = new ArrayList<>();
        try (MllpClient client = MllpClient.connect("localhost", hl7.getMllpPort(), Duration.ofSeconds(5))) {
            for (int i = 0; i < 3; i++) {
                SyntheticHl7.Message message = generator.next("2.5.1", "ADT^A01");
                sent.add(message);
                client.request(message.bytes(), Duration.ofSeconds(30));
            }
        }
        String path = "/api/audit/AuditEvent?date=ge" + start + "&_count=1000";
        assertThat(http.getForEntity(path, String.class).getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);

        ResponseEntity<String> response = http.withBasicAuth("admin", "test-password").getForEntity(path, String.class);
        assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(response.getHeaders().getContentType().toString()).startsWith("application/fhir+json");
        String body = response.getBody();
        Bundle bundle = FHIR.newJsonParser().parseResource(Bundle.class, body);
        assertThat(bundle.getType()).isEqualTo(Bundle.BundleType.SEARCHSET);

        Set<String> stepsByControlId = new HashSet<>();
        for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
            org.hl7.fhir.r4.model.AuditEvent event = (org.hl7.fhir.r4.model.AuditEvent) entry.getResource();
            assertThat(event.getRecorded().toInstant()).isAfterOrEqualTo(start.minusMillis(1));
            assertThat(event.getSource().getSite()).isEqualTo(recorder.log().nodeId());
            assertThat(event.getType().getSystem()).isEqualTo("http://dicom.nema.org/resources/ontology/DCM");
            String step = event.getSubtypeFirstRep().getCode();
            event.getEntity().stream()
                    .filter(e -> e.getWhat().getIdentifier().getSystem().endsWith("/controlId"))
                    .forEach(e -> stepsByControlId.add(e.getWhat().getIdentifier().getValue() + ":" + step));
        }
        for (SyntheticHl7.Message message : sent) {
            assertThat(stepsByControlId).contains(message.controlId() + ":received", message.controlId() + ":published");
        }
        for (SyntheticHl7.Message message : sent) {
            for (String phi : message.phi()) {
                assertThat(body.toLowerCase(Locale.ROOT)).as("PHI in the export").doesNotContain(phi.toLowerCase(Locale.ROOT));
            }
        }
        recorder.log().flush();
        List<String> lines = AuditTestSupport.lines(newestSegment());
        assertThat(lines.stream().filter(l -> l.contains("\"step\":\"read\"") && l.contains("\"actor\":\"admin\"")))
                .as("the export itself is audited").isNotEmpty();
    }

    @Test
    void pagesFollowOnWithoutRepeatsAndBadQueriesGetAnOperationOutcome() {
        TestRestTemplate admin = http.withBasicAuth("admin", "test-password");
        Bundle first = FHIR.newJsonParser().parseResource(Bundle.class,
                admin.getForObject("/api/audit/AuditEvent?_count=2", String.class));
        assertThat(first.getEntry()).hasSize(2);
        String next = first.getLink("next").getUrl();
        Bundle second = FHIR.newJsonParser().parseResource(Bundle.class, admin.getForObject(next, String.class));
        assertThat(second.getEntry()).isNotEmpty();
        Set<String> ids = new HashSet<>();
        first.getEntry().forEach(e -> ids.add(e.getResource().getIdElement().getIdPart()));
        second.getEntry().forEach(e -> assertThat(ids.add(e.getResource().getIdElement().getIdPart())).isTrue());

        ResponseEntity<String> bad = admin.getForEntity("/api/audit/AuditEvent?date=geyesterday", String.class);
        assertThat(bad.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        OperationOutcome outcome = FHIR.newJsonParser().parseResource(OperationOutcome.class, bad.getBody());
        assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("ISO-8601");
    }

    private java.nio.file.Path newestSegment() throws java.io.IOException {
        try (var files = java.nio.file.Files.list(recorder.log().segmentsDir())) {
            return files.filter(p -> p.toString().endsWith(".log")).sorted().reduce((a, b) -> b).orElseThrow();
        }
    }
}
