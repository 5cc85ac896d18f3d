package org.clinicaldatahub.hub.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.clinicaldatahub.hub.HubHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real routes on a real Camel context and a real audit log: every route is audited without
 * doing anything, with references from the hub headers only, never PHI.
 */
class AuditEventNotifierTest {

    /** Fake PHI put on the exchange where a careless route might leave it. */
    private static final List<String> PHI = List.of("DOE^JOHN", "123-45-6789", "19450704", "555-0100",
            "john.doe@example.org", "42 Elm Street");

    @TempDir
    Path dir;
    Path inbox;
    Path outbox;
    AuditRecorder recorder;
    CamelContext camel;

    @BeforeEach
    void start() throws Exception {
        inbox = Files.createDirectories(dir.resolve("inbox"));
        // five file consumers share the inbox: Camel creating .camel from two of them at once fails
        // one commit, leaving its file in place to be read (and audited) a second time
        Files.createDirectories(inbox.resolve(".camel"));
        Files.createDirectories(inbox.resolve(".failed"));
        outbox = dir.resolve("outbox");
        AuditProperties properties = new AuditProperties();
        properties.setDataDir(dir.resolve("data"));
        properties.setNodeId("camel-test");
        recorder = new AuditRecorder(properties);
        camel = new DefaultCamelContext();
        camel.getRegistry().bind("auditRecorder", recorder);
        camel.getManagementStrategy().addEventNotifier(new AuditEventNotifier(recorder));
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                onException(IllegalStateException.class).handled(true)
                        .setHeader(HubHeaders.REASON_CODE, constant("HL7_NO_MSH"));

                from("file:" + inbox + "?initialDelay=0&delay=10&moveFailed=.failed&include=.*\\.hl7").routeId("hl7-inbound-file")
                        .setHeader(HubHeaders.CONTROL_ID, constant("MSG0001"))
                        .setHeader(HubHeaders.ACTOR, constant("LAB^HOSPITAL"))
                        .setHeader(HubHeaders.CHANNEL, constant("hl7-inbound-file"))
                        .setHeader(HubHeaders.PATIENT_PSEUDONYM, constant("p-3f2a9c41d0b7e6a1"))
                        .setHeader(HubHeaders.SHA256, constant("9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08"))
                        .setHeader("PatientName", constant("DOE^JOHN"))
                        .setHeader("hubPatientSsn", constant("123-45-6789"))
                        .setHeader("CamelHL7PID", constant("PID|||123-45-6789||DOE^JOHN||19450704"))
                        .setHeader(HubHeaders.OBJECT_KEY, constant("bad\nkey with DOE^JOHN"))
                        .to("log:audit-test?level=OFF")
                        .to("direct:deidentify")
                        .to("file:" + outbox + "?fileName=${header." + HubHeaders.CONTROL_ID + "}.hl7");

                from("direct:deidentify").routeId("deid-internal-deidentify")
                        .bean("auditRecorder", "recordStep(*, 'deidentified')");

                from("file:" + inbox + "?initialDelay=0&delay=10&moveFailed=.failed&include=.*\\.bad").routeId("hl7-inbound-rejecting")
                        .throwException(new IllegalStateException("no MSH segment for patient DOE^JOHN 123-45-6789"));

                from("file:" + inbox + "?initialDelay=0&delay=10&moveFailed=.failed&include=.*\\.err").routeId("hl7-inbound-failing")
                        .onException(UnsupportedOperationException.class).handled(false).end()
                        .throwException(new UnsupportedOperationException("cannot map 19450704 for DOE^JOHN"));

                from("file:" + inbox + "?initialDelay=0&delay=10&moveFailed=.failed&include=.*\\.split").routeId("genomics-inbound-rundir")
                        .split(body().tokenize("\n")).to("direct:nothing");
                from("direct:nothing").routeId("genomics-internal-nothing").to("log:audit-test?level=OFF");

                from("file:" + inbox + "?initialDelay=0&delay=10&moveFailed=.failed&include=.*\\.audit").routeId("audit-ship-test")
                        .to("file:" + outbox);
            }
        });
        camel.start();
    }

    @AfterEach
    void stop() {
        camel.stop();
        recorder.destroy();
    }

    @Test
    void everyRouteIsAuditedFromHubHeadersOnly() throws Exception {
        NotifyBuilder done = new NotifyBuilder(camel).fromRoute("hl7-inbound-*").whenDone(3).and()
                .fromRoute("genomics-inbound-rundir").whenDone(1).and().fromRoute("audit-ship-test").whenDone(1).create();
        String phiBody = "MSH|^~\\&|LAB|HOSPITAL\rPID|||123-45-6789||DOE^JOHN||19450704|||42 Elm Street||555-0100|"
                + "john.doe@example.org\r";
        Files.writeString(inbox.resolve("a.hl7"), phiBody);
        Files.writeString(inbox.resolve("b.bad"), phiBody);
        Files.writeString(inbox.resolve("c.err"), phiBody);
        Files.writeString(inbox.resolve("d.split"), "one\ntwo\nthree");
        Files.writeString(inbox.resolve("e.audit"), phiBody);
        assertThat(done.matches(20, TimeUnit.SECONDS)).isTrue();
        recorder.flush();

        List<String> events = eventLines();
        assertThat(events).filteredOn(l -> l.contains("\"route\":\"hl7-inbound-file\"")).extracting(AuditEventNotifierTest::step)
                .containsExactly("received", "forwarded");
        String received = only(events, "received", "hl7-inbound-file");
        String exchangeId = received.replaceAll(".*\"exchangeId\":\"([^\"]+)\".*", "$1");
        assertThat(received).as("created before the route set any header").contains("\"endpoint\":\"file://" + inbox)
                .doesNotContain("controlId");
        assertThat(only(events, "deidentified", "deid-internal-deidentify")).contains("\"controlId\":\"MSG0001\"",
                "\"exchangeId\":\"" + exchangeId + "\"");
        assertThat(only(events, "forwarded", "hl7-inbound-file")).contains("\"endpoint\":\"file://" + outbox,
                "\"actor\":\"LAB^HOSPITAL\"", "\"controlId\":\"MSG0001\"", "\"patientPseudonym\":\"p-3f2a9c41d0b7e6a1\"",
                "\"checksum\":\"9f86d081", "\"channel\":\"hl7-inbound-file\"", "\"exchangeId\":\"" + exchangeId + "\"");
        assertThat(only(events, "rejected", "hl7-inbound-rejecting")).contains("\"reason\":\"HL7_NO_MSH\"",
                "\"outcome\":\"rejected\"");
        assertThat(only(events, "error", "hl7-inbound-failing")).contains("\"reason\":\"UnsupportedOperationException\"",
                "\"outcome\":\"error\"");
        assertThat(events).filteredOn(l -> l.contains("genomics-inbound-rundir")).extracting(AuditEventNotifierTest::step)
                .containsExactly("received");
        assertThat(events).noneMatch(l -> l.contains("audit-ship-test"));
        assertThat(events).noneMatch(l -> l.contains("\"objectKey\""));

        String everything = allAuditFiles();
        for (String phi : PHI) {
            assertThat(everything).as("PHI in the audit trail").doesNotContain(phi);
        }
        assertThat(everything).doesNotContain("PatientName", "hubPatientSsn", "CamelHL7PID", "MSH|");
    }

    @Test
    void sendsAreNamedByTheTargetSystem() {
        assertThat(AuditEventNotifier.stepForScheme("kafka")).isEqualTo(AuditStep.PUBLISHED);
        assertThat(AuditEventNotifier.stepForScheme("aws2-s3")).isEqualTo(AuditStep.STORED);
        assertThat(AuditEventNotifier.stepForScheme("netty")).isEqualTo(AuditStep.FORWARDED);
        assertThat(AuditEventNotifier.stepForScheme("fhir")).isEqualTo(AuditStep.FORWARDED);
        assertThat(AuditEventNotifier.stepForScheme("direct")).isNull();
        assertThat(AuditEventNotifier.stepForScheme("log")).isNull();
        assertThat(AuditEventNotifier.stepForScheme("bean")).isNull();
    }

    @Test
    void readsFromAFhirServerAreReceiptsAndWritesAreForwards() {
        assertThat(AuditEventNotifier.stepForEndpoint("fhir://search/searchByUrl?client=%23ehr&inBody=url"))
                .isEqualTo(AuditStep.RECEIVED);
        assertThat(AuditEventNotifier.stepForEndpoint("fhir://load-page/next?client=%23ehr&inBody=bundle"))
                .isEqualTo(AuditStep.RECEIVED);
        assertThat(AuditEventNotifier.stepForEndpoint("fhir:read/resourceById")).isEqualTo(AuditStep.RECEIVED);
        assertThat(AuditEventNotifier.stepForEndpoint("fhir://create/resource?inBody=resourceAsString"))
                .isEqualTo(AuditStep.FORWARDED);
        assertThat(AuditEventNotifier.stepForEndpoint("fhir://transaction/withBundle")).isEqualTo(AuditStep.FORWARDED);
        assertThat(AuditEventNotifier.stepForEndpoint("kafka:hub.fhir.inbound")).isEqualTo(AuditStep.PUBLISHED);
        assertThat(AuditEventNotifier.stepForEndpoint("direct:x")).isNull();
    }

    @Test
    void exchangesSentByATemplateAreNotReceipts() throws IOException {
        camel.createProducerTemplate().sendBody("direct:deidentify", "DOE^JOHN");
        recorder.flush();

        assertThat(eventLines()).extracting(AuditEventNotifierTest::step).doesNotContain("received").contains("deidentified");
    }

    private List<String> eventLines() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("data/audit/segments"))) {
            return files.sorted().flatMap(p -> {
                try {
                    return Files.readAllLines(p).stream();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).filter(l -> l.contains("\"type\":\"event\"")).toList();
        }
    }

    private String allAuditFiles() throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.walk(dir.resolve("data"))) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                all.append(new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
            }
        }
        return all.toString();
    }

    private static String only(List<String> events, String step, String route) {
        List<String> matching = events.stream()
                .filter(l -> l.contains("\"step\":\"" + step + "\"") && l.contains("\"route\":\"" + route + "\"")).toList();
        assertThat(matching).as(step + " in " + route).hasSize(1);
        return matching.get(0);
    }

    private static String step(String line) {
        return line.replaceAll(".*\"step\":\"([^\"]+)\".*", "$1");
    }
}
