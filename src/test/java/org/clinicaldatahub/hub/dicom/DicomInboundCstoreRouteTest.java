package org.clinicaldatahub.hub.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
import org.clinicaldatahub.hub.dicom.data.FileMetaInformation;
import org.clinicaldatahub.hub.dicom.net.DicomScu;
import org.clinicaldatahub.hub.dicom.net.DimseCommand;
import org.clinicaldatahub.hub.dicom.net.Pdus;
import org.clinicaldatahub.hub.dicom.net.PresentationContext;
import org.clinicaldatahub.hub.dicom.support.AuditTrail;
import org.clinicaldatahub.hub.dicom.support.Dcmtk;
import org.clinicaldatahub.hub.dicom.support.RawAssociation;
import org.clinicaldatahub.hub.dicom.support.SyntheticCt;
import org.clinicaldatahub.hub.storage.Sha256;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
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
 * The DICOM channel end to end: DCMTK echoscu and storescu against the hub's SCP, instances in
 * the embedded S3 server (byte-identical data set, dcmdump reads them), events on the embedded
 * Kafka broker, the audit trail; then every kind of bad peer, each refused or aborted correctly,
 * audited, nothing partial stored, and the next association still working.
 */
// the test profile allows MODALITY, STORESCU and ECHOSCU only: one context for all hub tests, since
// a second one in the same JVM would share the audit log, the Kafka groups and the embedded servers
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability
@ActiveProfiles("test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(OutputCaptureExtension.class)
class DicomInboundCstoreRouteTest {

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
    DicomProperties dicom;
    @Value("${hub.kafka.bootstrap-servers}")
    String bootstrapServers;

    /** Digits unique per run: the embedded servers keep data between local runs. */
    private final String run = Long.toString(System.currentTimeMillis() % 1_000_000_000L);
    private final Instant started = Instant.now().minusSeconds(5);
    private List<Path> files;
    private int port;

    @BeforeAll
    void generate() throws Exception {
        assumeThat(Dcmtk.available()).as("DCMTK (apt-get install dcmtk) is required").isTrue();
        files = Dcmtk.testInstances(dir.resolve("in"), run);
        port = camel.getComponent("dicom-scp", DicomScpComponent.class).port();
        assertThat(port).isPositive();
    }

    private String key(String sopInstanceUid) {
        return "dicom/" + SyntheticCt.studyUid(run) + "/" + SyntheticCt.seriesUid(run) + "/" + sopInstanceUid + ".dcm";
    }

    @Test
    @Order(1)
    void echoscuIsAnsweredSuccess() throws Exception {
        Dcmtk.Result echo = echo("ECHOSCU");
        assertThat(echo.exitCode()).as(echo.output()).isZero();
        assertThat(echo.output()).contains("Received Echo Response (Success)");
    }

    @Test
    @Order(2)
    void everyTransferSyntaxIsStoredByteIdenticalWithEventAndAudit(CapturedOutput output) throws Exception {
        for (Path file : files) {
            send(file);
        }
        // on a slow machine an upload can time out and the instance is acknowledged from the spool:
        // it is in S3 once the drain has run (a read before that found no or an older object)
        awaitSpoolDrained();
        for (Path file : files) {
            FileMetaInformation sent = meta(file);
            Path stored = dir.resolve("out-" + file.getFileName());
            try (InputStream in = s3.getObject(r -> r.bucket("hub-clinical").key(key(sent.mediaStorageSopInstanceUid())))) {
                Files.copy(in, stored);
            }
            assertThat(Sha256.hexDigest(DicomScpDcmtkTest.dataSet(stored, DicomScpDcmtkTest.dataSetOffset(stored))))
                    .as("data set of %s in S3", file.getFileName())
                    .isEqualTo(Sha256.hexDigest(DicomScpDcmtkTest.onTheWire(file, sent.transferSyntaxUid())));
            FileMetaInformation storedMeta = meta(stored);
            assertThat(storedMeta.transferSyntaxUid()).isEqualTo(sent.transferSyntaxUid());
            assertThat(storedMeta.mediaStorageSopInstanceUid()).isEqualTo(sent.mediaStorageSopInstanceUid());
            assertThat(storedMeta.sourceAeTitle()).isIn("STORESCU", "MODALITY");
            Dcmtk.Result dump = Dcmtk.run("dcmdump", stored.toString());
            assertThat(dump.exitCode()).as(dump.output()).isZero();
            assertThat(dump.output()).doesNotContainIgnoringCase("error").contains(SyntheticCt.seriesUid(run));
        }

        Map<String, JsonNode> events = storedEvents(files.size());
        for (Path file : files) {
            FileMetaInformation sent = meta(file);
            JsonNode event = events.get(sent.mediaStorageSopInstanceUid());
            assertThat(event).as("event of %s", file.getFileName()).isNotNull();
            assertThat(event.get("studyInstanceUid").asText()).isEqualTo(SyntheticCt.studyUid(run));
            assertThat(event.get("seriesInstanceUid").asText()).isEqualTo(SyntheticCt.seriesUid(run));
            assertThat(event.get("sopClassUid").asText()).isEqualTo("1.2.840.10008.5.1.4.1.1.2");
            assertThat(event.get("modality").asText()).isEqualTo("CT");
            assertThat(event.get("transferSyntaxUid").asText()).isEqualTo(sent.transferSyntaxUid());
            assertThat(event.get("objectKey").asText()).isEqualTo(key(sent.mediaStorageSopInstanceUid()));
            assertThat(event.get("patientPseudonym").asText()).matches("P[A-Z2-7]{16}");
            var head = s3.headObject(r -> r.bucket("hub-clinical").key(key(sent.mediaStorageSopInstanceUid())));
            assertThat(event.get("sha256").asText()).isEqualTo(head.metadata().get("sha256"));
            assertThat(event.get("size").asLong()).isEqualTo(head.contentLength());
        }

        Map<String, Set<String>> steps = new HashMap<>();
        for (JsonNode event : AuditTrail.events(auditRecorder)) {
            String sop = event.path("refs").path("sopInstanceUid").asText(null);
            if (sop != null && sop.startsWith(SyntheticCt.UID_ROOT + run + ".")) {
                steps.computeIfAbsent(sop, s -> new HashSet<>()).add(event.get("step").asText());
                if ("stored".equals(event.get("step").asText())) {
                    assertThat(event.path("refs").path("bucket").asText()).isEqualTo("hub-clinical");
                    assertThat(event.path("refs").path("objectKey").asText()).isEqualTo(key(sop));
                    assertThat(event.path("checksum").asText()).hasSize(64);
                }
            }
        }
        for (Path file : files) {
            assertThat(steps.get(meta(file).mediaStorageSopInstanceUid())).as("audit of %s", file.getFileName())
                    .contains("received", "stored");
        }
        assertNoPhi(output.getAll() + AuditTrail.text(auditRecorder) + events.values());
    }

    @Test
    @Order(3)
    void resendingTheSameInstanceDoesNotDuplicate() throws Exception {
        send(files.get(1));
        var listing = s3.listObjectsV2(r -> r.bucket("hub-clinical")
                .prefix("dicom/" + SyntheticCt.studyUid(run) + "/"));
        assertThat(listing.contents()).hasSize(files.size());
        long alreadyStored = AuditTrail.events(auditRecorder).stream()
                .filter(e -> "DICOM_ALREADY_STORED".equals(e.path("reason").asText()))
                .filter(e -> e.path("refs").path("sopInstanceUid").asText().equals(meta(files.get(1)).mediaStorageSopInstanceUid()))
                .count();
        assertThat(alreadyStored).isEqualTo(1);
    }

    @Test
    @Order(10)
    void wrongCalledAeIsRejectedPermanentlyByTheServiceUser() throws Exception {
        Dcmtk.Result echo = Dcmtk.run("echoscu", "-v", "-aet", "ECHOSCU", "-aec", "NOTHUB", "localhost",
                Integer.toString(port));
        assertThat(echo.exitCode()).isNotZero();
        assertThat(echo.output()).contains("Called AE Title Not Recognized");
        assertRejectionAudited("DICOM_CALLED_AE_NOT_RECOGNIZED");
        assertNextAssociationWorks();
    }

    @Test
    @Order(11)
    void callingAeNotAllowedIsRejected() throws Exception {
        try (RawAssociation raw = new RawAssociation(port)) {
            raw.send(RawAssociation.associateRq("INTRUDER", "HUB", verification()));
            byte[] rj = raw.readPdu();
            assertThat(rj).containsExactly(Pdus.A_ASSOCIATE_RJ, 0, 0, 0, 0, 4, 0, 1, 1, 3);
        }
        assertRejectionAudited("DICOM_CALLING_AE_NOT_RECOGNIZED");
        assertNextAssociationWorks();
    }

    @Test
    @Order(12)
    void unsupportedSopClassGetsItsPresentationContextRejected() throws Exception {
        List<PresentationContext> proposals = List.of(
                PresentationContext.proposal(1, "1.2.840.10008.1.1", List.of("1.2.840.10008.1.2")),
                PresentationContext.proposal(3, "1.2.826.0.1.3680043.2.1143.999.1", List.of("1.2.840.10008.1.2")),
                PresentationContext.proposal(5, "1.2.840.10008.5.1.4.1.1.2", List.of("1.2.840.10008.1.2.4.100")));
        try (DicomScu scu = DicomScu.connect("localhost", port, "MODALITY", "HUB", proposals, 16384, 10000)) {
            Map<Integer, Integer> results = new HashMap<>();
            scu.acceptance().presentationContexts().forEach(pc -> results.put(pc.id(), pc.result()));
            assertThat(results).containsEntry(1, PresentationContext.ACCEPTANCE)
                    .containsEntry(3, PresentationContext.ABSTRACT_SYNTAX_NOT_SUPPORTED)
                    .containsEntry(5, PresentationContext.TRANSFER_SYNTAXES_NOT_SUPPORTED);
            assertThat(scu.echo().code()).isZero();
            scu.release();
        }
        assertRejectionAudited("DICOM_PRESENTATION_CONTEXT_REJECTED_3");
        assertRejectionAudited("DICOM_PRESENTATION_CONTEXT_REJECTED_4");
    }

    @Test
    @Order(13)
    void malformedPduIsAborted() throws Exception {
        byte[] rq = RawAssociation.associateRq("MODALITY", "HUB", verification());
        rq[6 + 68 + 3] = (byte) 0xF0; // application context item length runs past the PDU
        try (RawAssociation raw = new RawAssociation(port)) {
            raw.send(rq);
            assertThat(raw.readPdu()).containsExactly(Pdus.A_ABORT, 0, 0, 0, 0, 4, 0, 0, 2, 6);
            assertThat(raw.closedByPeer()).isTrue();
        }
        assertRejectionAudited("DICOM_MALFORMED_PDU");
        assertNextAssociationWorks();
    }

    @Test
    @Order(14)
    void pduLargerThanNegotiatedIsAbortedAndNothingStored() throws Exception {
        String sop = SyntheticCt.instanceUid(run, 90);
        try (RawAssociation raw = new RawAssociation(port)) {
            raw.send(RawAssociation.associateRq("MODALITY", "HUB", ctContext()));
            assertThat(raw.readPdu()[0]).isEqualTo((byte) Pdus.A_ASSOCIATE_AC);
            raw.send(RawAssociation.pData(1, true, true, storeRq(sop)));
            byte[] huge = new byte[(int) dicom.getMaxPduLength().toBytes() + 100];
            raw.send(RawAssociation.pData(1, false, true, huge));
            assertThat(raw.readPdu()).containsExactly(Pdus.A_ABORT, 0, 0, 0, 0, 4, 0, 0, 2, 6);
        }
        assertRejectionAudited("DICOM_PDU_TOO_LARGE");
        assertNotStored(sop);
        assertNextAssociationWorks();
    }

    @Test
    @Order(15)
    void connectionDroppedMidInstanceStoresNothing() throws Exception {
        String sop = SyntheticCt.instanceUid(run, 91);
        byte[] dataSet = DicomScpDcmtkTest.dataSet(files.get(0), DicomScpDcmtkTest.dataSetOffset(files.get(0)));
        try (RawAssociation raw = new RawAssociation(port)) {
            raw.send(RawAssociation.associateRq("MODALITY", "HUB", ctContext()));
            assertThat(raw.readPdu()[0]).isEqualTo((byte) Pdus.A_ASSOCIATE_AC);
            raw.send(RawAssociation.pData(1, true, true, storeRq(sop)));
            raw.send(RawAssociation.pData(1, false, false, java.util.Arrays.copyOf(dataSet, dataSet.length / 2)));
        }
        assertRejectionAudited("DICOM_CONNECTION_LOST");
        assertNotStored(sop);
        assertNextAssociationWorks();
    }

    @Test
    @Order(16)
    void garbageBytesAreAbortedAsUnrecognizedPdu() throws Exception {
        try (RawAssociation raw = new RawAssociation(port)) {
            raw.send("GET / HTTP/1.1\r\nHost: hub\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(raw.readPdu()).containsExactly(Pdus.A_ABORT, 0, 0, 0, 0, 4, 0, 0, 2, 1);
        }
        assertRejectionAudited("DICOM_UNRECOGNIZED_PDU");
        assertNextAssociationWorks();
    }

    @Test
    @Order(17)
    void dataSetNotMatchingItsRequestIsRefusedA900AndQuarantined() throws Exception {
        Path file = files.get(1);
        FileMetaInformation sent = meta(file);
        String claimed = SyntheticCt.instanceUid(run, 92);
        assertThat(DicomScpDcmtkTest.storeClaiming(file, sent, claimed, port)).isEqualTo(0xA900);
        assertRejectionAudited("DICOM_SOP_INSTANCE_MISMATCH");
        assertNotStored(claimed);
        assertThat(s3.listObjectsV2(r -> r.bucket("hub-quarantine").prefix("dicom-inbound-cstore/")).contents()
                .stream().anyMatch(o -> o.key().contains("DICOM_SOP_INSTANCE_MISMATCH"))).isTrue();
    }

    // --- helpers -----------------------------------------------------------------------------

    private void send(Path file) throws Exception {
        FileMetaInformation sent = meta(file);
        if (file.getFileName().toString().contains("undefined-lengths")) {
            try (DicomScu scu = DicomScu.connect("localhost", port, "MODALITY", "HUB",
                    DicomScu.proposals(List.of(sent.mediaStorageSopClassUid()), List.of(sent.transferSyntaxUid())),
                    65536, 30000)) {
                assertThat(scu.store(file).code()).as(file.getFileName().toString()).isZero();
                scu.release();
            }
            return;
        }
        Dcmtk.Result result = Dcmtk.run("storescu", "-R", Dcmtk.storescuProposal(sent.transferSyntaxUid()), "-aet",
                "STORESCU", "-aec", "HUB", "localhost", Integer.toString(port), file.toString());
        assertThat(result.exitCode()).as(file.getFileName() + ":\n" + result.output()).isZero();
        assertThat(result.output()).doesNotContain("Status");
    }

    private Dcmtk.Result echo(String callingAe) throws Exception {
        return Dcmtk.run("echoscu", "-v", "-aet", callingAe, "-aec", "HUB", "localhost", Integer.toString(port));
    }

    private void assertNextAssociationWorks() throws Exception {
        assertThat(echo("ECHOSCU").exitCode()).isZero();
    }

    private void assertRejectionAudited(String reason) throws Exception {
        // each look parses the whole shared trail, which holds every earlier test's events by
        // the time this runs: on a loaded machine ten seconds can pass in a few looks
        long deadline = System.currentTimeMillis() + 60_000;
        while (true) {
            boolean found = AuditTrail.events(auditRecorder).stream()
                    .filter(e -> Instant.parse(e.get("time").asText()).isAfter(started))
                    .anyMatch(e -> "rejected".equals(e.get("step").asText()) && reason.equals(e.path("reason").asText())
                            && "dicom-inbound-cstore".equals(e.path("route").asText()));
            if (found) {
                return;
            }
            assertThat(System.currentTimeMillis()).as("audit event with reason %s", reason).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private void awaitSpoolDrained() throws Exception {
        long deadline = System.currentTimeMillis() + 60000;
        while (System.currentTimeMillis() < deadline) {
            if (DicomSpool.countOnDisk(dicom.getSpoolDir()) == 0) {
                return;
            }
            Thread.sleep(200);
        }
    }

    private void assertNotStored(String sop) throws Exception {
        assertThat(s3.listObjectsV2(r -> r.bucket("hub-clinical").prefix("dicom/" + SyntheticCt.studyUid(run) + "/"))
                .contents()).noneMatch(o -> o.key().contains(sop));
        try (var incoming = Files.list(dicom.getSpoolDir().resolve("incoming"))) {
            assertThat(incoming.toList()).as("partial files left in the receive directory").isEmpty();
        }
    }

    private static List<PresentationContext> verification() {
        return List.of(PresentationContext.proposal(1, DimseCommand.VERIFICATION_SOP_CLASS,
                List.of("1.2.840.10008.1.2")));
    }

    private static List<PresentationContext> ctContext() {
        return List.of(PresentationContext.proposal(1, "1.2.840.10008.5.1.4.1.1.2", List.of("1.2.840.10008.1.2.1")));
    }

    private static byte[] storeRq(String sop) {
        return new DimseCommand()
                .put(DimseCommand.AFFECTED_SOP_CLASS_UID, "1.2.840.10008.5.1.4.1.1.2")
                .put(DimseCommand.COMMAND_FIELD, DimseCommand.C_STORE_RQ)
                .put(DimseCommand.MESSAGE_ID, 7)
                .put(DimseCommand.PRIORITY, 0)
                .put(DimseCommand.COMMAND_DATA_SET_TYPE, 0)
                .put(DimseCommand.AFFECTED_SOP_INSTANCE_UID, sop)
                .encode();
    }

    private static FileMetaInformation meta(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return FileMetaInformation.readFrom(in);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Map<String, JsonNode> storedEvents(int expected) throws Exception {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "dicom-test-" + run);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Map<String, JsonNode> events = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(dicom.getStoredTopic()));
            long deadline = System.currentTimeMillis() + 30000;
            while (events.size() < expected && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    JsonNode event = JSON.readTree(record.value());
                    if (event.path("studyInstanceUid").asText().equals(SyntheticCt.studyUid(run))) {
                        assertThat(record.key()).isEqualTo(event.get("patientPseudonym").asText());
                        events.put(event.get("sopInstanceUid").asText(), event);
                    }
                }
            }
        }
        return events;
    }

    private static void assertNoPhi(String text) {
        assertThat(text).doesNotContain(SyntheticCt.FAKE_PATIENT_ID).doesNotContain("Testperson")
                .doesNotContain(SyntheticCt.FAKE_PATIENT_NAME);
    }

    @SuppressWarnings("unused")
    private static List<String> list(Object... values) {
        List<String> list = new ArrayList<>();
        for (Object v : values) {
            list.add(String.valueOf(v));
        }
        return list;
    }
}
