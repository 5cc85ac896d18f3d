package org.clinicaldatahub.hub.genomics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.clinicaldatahub.hub.audit.AuditRecorder;
import org.clinicaldatahub.hub.deid.Pseudonymizer;
import org.clinicaldatahub.hub.dicom.support.AuditTrail;
import org.clinicaldatahub.hub.storage.Sha256;
import org.clinicaldatahub.hub.storage.TieredStore;
import org.clinicaldatahub.hub.storage.UploadJournal;
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

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The sequencer drop folder end to end, against the embedded Kafka broker and S3 server: an
 * Illumina-style run folder with fake patients in its sample sheet is ignored until its completion
 * marker appears, then every file is in instrument-staging byte for byte, with the manifest, the
 * run event, the de-identified sample sheet, VCF and BAM in research-active (checked with bcftools
 * and samtools) and the audit trail, and no fake name or MRN in any de-identified copy, the audit
 * trail or the log. Then the refusals: a checksum mismatch, a symlink escaping the run folder, a
 * file growing during its upload, and a run dropped again after it was ingested.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability
@ActiveProfiles("test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(OutputCaptureExtension.class)
class GenomicsInboundRundirRouteTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Autowired
    S3Client s3;
    @Autowired
    AuditRecorder auditRecorder;
    @Autowired
    GenomicsProperties genomics;
    @Autowired
    Pseudonymizer pseudonymizer;
    @Autowired
    TieredStore tieredStore;
    @Autowired
    RunIngester runIngester;
    @Value("${hub.kafka.bootstrap-servers}")
    String bootstrapServers;

    /** Unique per test run: the embedded servers keep their data between local runs. */
    private final String unique = Long.toString(System.currentTimeMillis() % 1_000_000_000L);
    private final String runId = "261205_M00123_" + unique + "_000000000-ABCDE";
    private final Instant started = Instant.now().minusSeconds(5);
    private Path workshop;
    private Path drop;
    private KafkaConsumer<String, byte[]> consumer;

    @BeforeAll
    void setUp() throws IOException {
        assumeThat(GenomicsFixtures.Tools.available()).as("samtools and bcftools (apt-get install samtools bcftools)").isTrue();
        drop = Files.createDirectories(genomics.getDropDirs().get(0));
        // beside the drop directory on the same file system: a finished run arrives there by rename
        workshop = Files.createDirectories(drop.resolveSibling("workshop-" + unique));
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "genomics-test-" + unique);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(genomics.getRunTopic()));
    }

    @AfterAll
    void tearDown() {
        if (consumer != null) {
            consumer.close();
        }
        runIngester.onPart(null);
    }

    /** Builds an Illumina-style run folder: RunInfo.xml, SampleSheet.csv, FASTQ.gz with md5 sidecars, VCF, BAM. */
    private Path illuminaRun(String name) throws Exception {
        Path run = Files.createDirectories(workshop.resolve(name));
        Files.writeString(run.resolve("RunInfo.xml"), "<?xml version=\"1.0\"?>\n<RunInfo Version=\"2\">\n  <Run Id=\""
                + runId + "\" Number=\"7\">\n    <Flowcell>000000000-ABCDE</Flowcell>\n    <Instrument>M00123</Instrument>\n"
                + "  </Run>\n</RunInfo>\n");
        Files.writeString(run.resolve("SampleSheet.csv"), GenomicsFixtures.sampleSheetV1());
        Path fastq = Files.createDirectories(run.resolve("Data/Intensities/BaseCalls"));
        // one FASTQ larger than three parts, so it goes up as a multipart upload
        GenomicsFixtures.fastqGz(fastq.resolve("DOE_JOHN_S1_L001_R1_001.fastq.gz"), 400_000, 1);
        GenomicsFixtures.fastqGz(fastq.resolve("DOE_JOHN_S1_L001_R2_001.fastq.gz"), 2_000, 2);
        GenomicsFixtures.fastqGz(fastq.resolve("ROE_JANE_MRN4711002_S2_L001_R1_001.fastq.gz"), 2_000, 3);
        try (Stream<Path> files = Files.list(fastq)) {
            for (Path file : files.toList()) {
                GenomicsFixtures.md5Sidecar(file);
            }
        }
        GenomicsFixtures.vcfGz(Files.createDirectories(run.resolve("Analysis")));
        GenomicsFixtures.bam(run.resolve("Analysis"));
        return run;
    }

    @Test
    @Order(1)
    void completeRunIsStoredVerifiedDeidentifiedPublishedAndAudited(CapturedOutput output) throws Exception {
        Path built = illuminaRun("261205_M00123_" + unique + "_000000000-ABCDE");
        Path run = Files.move(built, drop.resolve(built.getFileName()));
        String manifestKey = "genomics/" + runId + "/manifest.json";

        Thread.sleep(genomics.getScanInterval().toMillis() * 4);
        assertThat(exists("hub-instrument-staging", manifestKey)).as("no upload before the completion marker").isFalse();
        assertThat(run).isDirectory();

        Files.writeString(run.resolve("CopyComplete.txt"), "");
        JsonNode event = awaitEvent(runId);
        Path done = genomics.getDoneDir().resolve(run.getFileName());
        await(() -> Files.isDirectory(done) && !Files.exists(run), "run moved to the done area");

        // every file in the store, byte for byte
        List<Path> local;
        try (Stream<Path> files = Files.walk(done)) {
            local = files.filter(Files::isRegularFile).sorted().toList();
        }
        assertThat(local).hasSize(11);
        assertThat(Files.size(done.resolve("Data/Intensities/BaseCalls/DOE_JOHN_S1_L001_R1_001.fastq.gz")))
                .as("one file goes up in several parts").isGreaterThan(3 * genomics.getPartSize().toBytes());
        for (Path file : local) {
            String key = "genomics/" + runId + "/" + done.relativize(file).toString().replace('\\', '/');
            assertThat(sha256(get("hub-instrument-staging", key))).as(key).isEqualTo(sha256(Files.readAllBytes(file)));
            assertThat(tieredStore.storedSha256("instrument-staging", key)).contains(sha256(Files.readAllBytes(file)));
        }

        // the manifest lists them with sizes and checksums
        JsonNode manifest = JSON.readTree(get("hub-instrument-staging", manifestKey));
        assertThat(manifest.get("runId").asText()).isEqualTo(runId);
        assertThat(manifest.get("instrument").asText()).isEqualTo("M00123");
        assertThat(manifest.get("flowCell").asText()).isEqualTo("000000000-ABCDE");
        assertThat(manifest.get("completionMarker").asText()).isEqualTo("CopyComplete.txt");
        assertThat(manifest.get("files")).hasSize(11);
        for (JsonNode entry : manifest.get("files")) {
            Path file = done.resolve(entry.get("path").asText());
            assertThat(entry.get("size").asLong()).isEqualTo(Files.size(file));
            assertThat(entry.get("sha256").asText()).isEqualTo(sha256(Files.readAllBytes(file)));
            assertThat(entry.get("key").asText()).isEqualTo("genomics/" + runId + "/" + entry.get("path").asText());
        }
        assertThat(manifest.toString()).contains("\"md5\":");

        // the event: claim check with keys, checksums and the sample pseudonyms
        String patient1 = pseudonymizer.patient("4711001", "HOSPITAL-MRN");
        String patient2 = pseudonymizer.patient("4711002", "HOSPITAL-MRN");
        assertThat(event.get("manifestKey").asText()).isEqualTo(manifestKey);
        assertThat(event.get("instrument").asText()).isEqualTo("M00123");
        assertThat(event.get("files")).hasSize(11);
        assertThat(event.get("samplePseudonyms").toString()).contains(patient1, patient2,
                pseudonymizer.pseudonym("sample", "DOE_JOHN"));
        assertThat(event.get("deidentified")).hasSize(3);

        // the de-identified copies: no name, no MRN
        List<String> deidKeys = new ArrayList<>();
        event.get("deidentified").forEach(copy -> deidKeys.add(copy.get("key").asText()));
        // research-active's key layout ({channel}/{yyyy}/{MM}/{dd}/{name}), named by run id and pseudonyms
        assertThat(deidKeys).allSatisfy(key -> assertThat(key).startsWith("genomics/").contains("/" + runId + "/deid/"));
        String sheet = new String(get("hub-research", deidKeys.stream().filter(k -> k.endsWith("/SampleSheet.csv"))
                .findFirst().orElseThrow()), StandardCharsets.UTF_8);
        assertNoPhi(sheet);
        assertThat(sheet).contains(patient1, "TAAGGCGA");
        Path vcf = workshop.resolve("deid.vcf.gz");
        Files.write(vcf, get("hub-research", deidKeys.stream().filter(k -> k.endsWith(".vcf.gz")).findFirst().orElseThrow()));
        String vcfHeader = GenomicsFixtures.Tools.run("bcftools", "view", "-h", vcf.toString());
        assertNoPhi(vcfHeader);
        assertThat(GenomicsFixtures.Tools.run("bcftools", "query", "-l", vcf.toString()).lines().toList())
                .containsExactly(pseudonymizer.pseudonym("sample", "DOE_JOHN"), patient2);
        Path bam = workshop.resolve("deid.bam");
        Files.write(bam, get("hub-research", deidKeys.stream().filter(k -> k.endsWith(".bam")).findFirst().orElseThrow()));
        String bamHeader = GenomicsFixtures.Tools.run("samtools", "view", "-H", bam.toString());
        assertNoPhi(bamHeader);
        assertThat(bamHeader).contains("SM:" + pseudonymizer.pseudonym("sample", "DOE_JOHN"));
        deidKeys.forEach(key -> assertNoPhi(key));

        // the audit trail: received, stored (the manifest), de-identified (3), published; no PHI anywhere
        List<JsonNode> events = runEvents(runId);
        assertThat(steps(events)).contains("received", "stored", "deidentified");
        JsonNode stored = events.stream().filter(e -> e.path("step").asText().equals("stored")).findFirst().orElseThrow();
        assertThat(stored.path("refs").path("objectKey").asText()).isEqualTo(manifestKey);
        assertThat(stored.path("checksum").asText()).isEqualTo(sha256(get("hub-instrument-staging", manifestKey)));
        assertThat(events.stream().filter(e -> e.path("step").asText().equals("deidentified"))).hasSize(3);
        assertThat(AuditTrail.events(auditRecorder).stream()
                .filter(e -> e.path("step").asText().equals("published"))
                .filter(e -> e.path("refs").path("objectKey").asText().equals(manifestKey))).hasSize(1);
        assertNoPhi(AuditTrail.text(auditRecorder));
        assertNoPhi(output.getAll());
    }

    @Test
    @Order(2)
    void checksumMismatchGoesToTheErrorAreaWithReasonAndAudit() throws Exception {
        String name = "mismatch-" + unique + ".fastq.gz";
        Path built = workshop.resolve(name);
        GenomicsFixtures.fastqGz(built, 1000, 4);
        Files.writeString(workshop.resolve(name + ".md5"), "0123456789abcdef0123456789abcdef  " + name + "\n");
        Files.move(workshop.resolve(name + ".md5"), drop.resolve(name + ".md5"));
        Files.move(built, drop.resolve(name));
        String looseRun = looseRunId(name);

        Path error = genomics.getErrorDir().resolve(name);
        await(() -> Files.isRegularFile(error.resolveSibling(name + ".reason.txt")), "reason file in the error area");
        assertThat(error).isRegularFile();
        assertThat(error.resolveSibling(name + ".md5")).isRegularFile();
        assertThat(drop.resolve(name)).doesNotExist();
        assertThat(Files.readString(error.resolveSibling(name + ".reason.txt"))).contains("GENOMICS_CHECKSUM_MISMATCH",
                "MD5 of " + name + " does not match its sidecar");
        assertThat(exists("hub-instrument-staging", "genomics/" + looseRun + "/" + name)).isFalse();
        // the ingester moves the file and writes the reason file first, then records the refusal
        await(() -> reasons(looseRun).contains("GENOMICS_CHECKSUM_MISMATCH"), "checksum refusal audited");
    }

    @Test
    @Order(3)
    void symlinkEscapingTheRunIsRefusedAndNothingUploaded() throws Exception {
        Path run = Files.createDirectories(workshop.resolve("symlink-run-" + unique));
        Files.writeString(run.resolve("RunInfo.xml"), "<RunInfo><Run Id=\"SYMLINK_" + unique
                + "\"><Flowcell>FC1</Flowcell><Instrument>M1</Instrument></Run></RunInfo>");
        Files.createDirectories(run.resolve("Data"));
        Files.createSymbolicLink(run.resolve("Data/escape.fastq.gz"), Path.of("/etc/hostname"));
        Files.writeString(run.resolve("RTAComplete.txt"), "");
        Path dropped = Files.move(run, drop.resolve(run.getFileName()));

        Path reason = genomics.getErrorDir().resolve(dropped.getFileName() + ".reason.txt");
        await(() -> Files.isRegularFile(reason), "reason file in the error area");
        assertThat(Files.readString(reason)).contains("GENOMICS_SYMLINK", "Data/escape.fastq.gz is a symbolic link");
        assertThat(Files.isSymbolicLink(genomics.getErrorDir().resolve(dropped.getFileName()).resolve("Data/escape.fastq.gz")))
                .as("the link itself moved, not its target").isTrue();
        assertThat(listKeys("hub-instrument-staging", "genomics/SYMLINK_" + unique + "/")).isEmpty();
        // the ingester moves the run and writes the reason file first, then records the refusal
        await(() -> reasons("SYMLINK_" + unique).contains("GENOMICS_SYMLINK"), "symlink refusal audited");
    }

    @Test
    @Order(4)
    void fileGrowingDuringUploadIsLeftInPlaceAuditedAndTakenOnceSettled() throws Exception {
        String name = "growing-" + unique + ".fastq.gz";
        Path built = workshop.resolve(name);
        GenomicsFixtures.fastqGz(built, 400_000, 5);
        Path file = drop.resolve(name);
        String looseRun = looseRunId(name);
        String key = "genomics/" + looseRun + "/" + name;
        UploadJournal journal = UploadJournal.inDirectory(genomics.getStateDir().resolve("uploads"));
        AtomicBoolean grown = new AtomicBoolean();
        AtomicReference<String> interrupted = new AtomicReference<>();
        // Keeps the file "still being written" (its modification time moving, content unchanged)
        // until the interrupted upload has been checked: the scanner retries it once it has been
        // stable for stable-time (1 s here), and the retry journals an upload of its own under the
        // same key and aborts any stale entry it finds, which would answer for the first attempt.
        ScheduledExecutorService holder = Executors.newSingleThreadScheduledExecutor();
        runIngester.onPart((part, bytes, resumed) -> {
            if (part == 1 && Files.exists(file) && grown.compareAndSet(false, true)) {
                // the upload being interrupted: journaled before its first part was sent
                journal.find("hub-instrument-staging", key).ifPresent(entry -> interrupted.set(entry.uploadId()));
                Files.write(file, "@late\nACGT\n+\nFFFF\n".getBytes(StandardCharsets.US_ASCII),
                        java.nio.file.StandardOpenOption.APPEND);
                holder.scheduleWithFixedDelay(() -> touch(file), 0, 100, TimeUnit.MILLISECONDS);
            }
        });
        try {
            Files.move(built, file);

            await(() -> reasons(looseRun).contains("GENOMICS_FILE_CHANGED"), "file-changed refusal audited");
            assertThat(grown).isTrue();
            assertThat(interrupted.get()).as("the interrupted upload was journaled").isNotNull();
            // by id, not "no entry": should the holder thread starve past stable-time on a loaded
            // machine, the retry's own entry may be there already, and that is no failure
            assertThat(journal.find("hub-instrument-staging", key).map(UploadJournal.Entry::uploadId))
                    .as("the interrupted upload was forgotten").isNotEqualTo(Optional.of(interrupted.get()));
            assertThatThrownBy(() -> s3.listParts(r -> r.bucket("hub-instrument-staging").key(key)
                    .uploadId(interrupted.get()))).as("the interrupted upload was aborted").isInstanceOf(S3Exception.class);
        } finally {
            holder.shutdownNow();
            assertThat(holder.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
        runIngester.onPart(null);
        // settled: taken again, now with the whole file
        Path done = genomics.getDoneDir().resolve(name);
        await(() -> Files.isRegularFile(done), "ingested once settled");
        assertThat(sha256(get("hub-instrument-staging", key))).isEqualTo(sha256(Files.readAllBytes(done)));
        assertThat(versions("hub-instrument-staging", key)).hasSize(1);
    }

    @Test
    @Order(5)
    void runDroppedAgainAfterIngestionIsNotUploadedTwice() throws Exception {
        Path done = genomics.getDoneDir().resolve("261205_M00123_" + unique + "_000000000-ABCDE");
        assumeThat(done).isDirectory();
        String key = "genomics/" + runId + "/Data/Intensities/BaseCalls/DOE_JOHN_S1_L001_R1_001.fastq.gz";
        assertThat(versions("hub-instrument-staging", key)).hasSize(1);
        Path copy = workshop.resolve("again");
        copyTree(done, copy);
        Files.move(copy, drop.resolve(done.getFileName()));

        await(() -> reasons(runId).contains("GENOMICS_RUN_ALREADY_INGESTED"), "duplicate audited");
        await(() -> !Files.exists(drop.resolve(done.getFileName())), "duplicate moved out of the drop directory");
        assertThat(versions("hub-instrument-staging", key)).as("exactly one copy").hasSize(1);
        assertThat(versions("hub-instrument-staging", "genomics/" + runId + "/manifest.json")).hasSize(1);
        assertThat(pollEvents(runId, Duration.ofSeconds(2))).as("no second event").isEmpty();
    }

    // ---- helpers

    private String looseRunId(String name) {
        return "loose-" + pseudonymizer.pseudonym("genomics-file", name).toLowerCase(java.util.Locale.ROOT);
    }

    private static void assertNoPhi(String text) {
        GenomicsFixtures.FAKE_PHI.forEach(phi -> assertThat(text).doesNotContain(phi));
    }

    private JsonNode awaitEvent(String id) throws IOException {
        List<JsonNode> events = pollEvents(id, Duration.ofSeconds(60));
        assertThat(events).as("run event for " + id).hasSize(1);
        return events.get(0);
    }

    private List<JsonNode> pollEvents(String id, Duration wait) throws IOException {
        List<JsonNode> found = new ArrayList<>();
        long deadline = System.currentTimeMillis() + wait.toMillis();
        while (found.isEmpty() && System.currentTimeMillis() < deadline) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                JsonNode event = JSON.readTree(record.value());
                if (event.path("runId").asText().equals(id)) {
                    assertThat(record.key()).isEqualTo(id);
                    found.add(event);
                }
            }
        }
        return found;
    }

    private List<JsonNode> runEvents(String id) throws IOException {
        return AuditTrail.events(auditRecorder).stream()
                .filter(e -> e.path("refs").path("runId").asText().equals(id))
                .filter(e -> Instant.parse(e.path("time").asText()).isAfter(started))
                .toList();
    }

    private List<String> reasons(String id) {
        try {
            return runEvents(id).stream().map(e -> e.path("reason").asText()).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<String> steps(List<JsonNode> events) {
        return events.stream().map(e -> e.path("step").asText()).toList();
    }

    private byte[] get(String bucket, String key) {
        return s3.getObjectAsBytes(r -> r.bucket(bucket).key(key)).asByteArray();
    }

    private boolean exists(String bucket, String key) {
        try {
            s3.headObject(r -> r.bucket(bucket).key(key));
            return true;
        } catch (NoSuchKeyException missing) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    private List<String> listKeys(String bucket, String prefix) {
        try {
            return s3.listObjectsV2(r -> r.bucket(bucket).prefix(prefix)).contents().stream().map(o -> o.key()).toList();
        } catch (software.amazon.awssdk.services.s3.model.NoSuchBucketException none) {
            return List.of();
        }
    }

    private List<ObjectVersion> versions(String bucket, String key) {
        return s3.listObjectVersions(r -> r.bucket(bucket).prefix(key)).versions().stream()
                .filter(v -> v.key().equals(key)).toList();
    }

    private static String sha256(byte[] bytes) {
        return Sha256.hexDigest(bytes);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(200);
        }
    }

    private static void touch(Path file) {
        try {
            Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(Instant.now()));
        } catch (IOException gone) {
            // moved to the done area meanwhile: nothing left to hold
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
