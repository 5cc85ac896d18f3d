package org.clinicaldatahub.hub.genomics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.clinicaldatahub.hub.deid.Pseudonymizer;
import org.clinicaldatahub.hub.storage.Sha256;
import org.clinicaldatahub.hub.storage.UploadJournal;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Kill -9 in the middle of a multi-GB upload, then the hub takes the file: a child JVM streams a
 * generated FASTQ (2 GiB unless {@code -Dgenomics.crash.size-mb}) into instrument-staging with the
 * hub's upload code and journal and is killed with SIGKILL part-way; the file then appears in the
 * hub's drop directory and the hub resumes the persisted multipart upload (the parts already on
 * the server are re-read and checked, not re-sent). The object is complete and byte-correct, there
 * is exactly one version of it and no multipart upload is left behind.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability
@ActiveProfiles("test")
class GenomicsCrashResumeTest {

    @Autowired
    S3Client s3;
    @Autowired
    GenomicsProperties genomics;
    @Autowired
    Pseudonymizer pseudonymizer;
    @Autowired
    RunIngester runIngester;
    @Value("${hub.embedded.s3.port}")
    int s3Port;

    @Test
    void killNineDuringMultiGigabyteUploadResumesToExactlyOneCorrectObject() throws Exception {
        long sizeMb = Long.getLong("genomics.crash.size-mb", 2048);
        String name = "crash-" + System.currentTimeMillis() + ".fastq";
        // big files live in /tmp (same file system as the drop directory here, so the move is a rename)
        Path file = Path.of("/tmp").resolve(name);
        Path done = genomics.getDoneDir().resolve(name);
        String key = "genomics/loose-" + pseudonymizer.pseudonym("genomics-file", name).toLowerCase(Locale.ROOT) + "/" + name;
        String bucket = "hub-instrument-staging";
        try {
            GenomicsUploadChild.generateFastq(file, sizeMb << 20);
            String sha256 = sha256(file);
            long partSize = genomics.getPartSize().toBytes();
            long parts = (Files.size(file) + partSize - 1) / partSize;

            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-cp", System.getProperty("java.class.path"), GenomicsUploadChild.class.getName(),
                    "upload", Integer.toString(s3Port), genomics.getStateDir().resolve("uploads").toString(),
                    file.toString(), key, Long.toString(partSize)).redirectErrorStream(true).start();
            int sent = 0;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null && sent < parts * 2 / 5) {
                    if (line.startsWith("PART ")) {
                        sent++;
                    }
                }
            }
            child.destroyForcibly(); // SIGKILL: no abort, no cleanup; the upload id stays in the journal
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(sent).as("killed in the middle").isBetween(1, (int) parts - 1);
            // (ListMultipartUploads is not used: S3Mock fails it for uploads begun before it restarted)
            UploadJournal journal = UploadJournal.inDirectory(genomics.getStateDir().resolve("uploads"));
            String uploadId = journal.find(bucket, key).orElseThrow().uploadId();
            assertThat(s3.listParts(r -> r.bucket(bucket).key(key).uploadId(uploadId)).parts())
                    .as("the killed upload is still open on the server, with its parts").isNotEmpty();
            int resumedBefore = runIngester.resumedParts();

            Files.move(file, genomics.getDropDirs().get(0).resolve(name));
            long deadline = System.currentTimeMillis() + Long.getLong("genomics.crash.timeout-ms", 600_000);
            while (!Files.exists(done) && System.currentTimeMillis() < deadline) {
                Thread.sleep(500);
            }
            assertThat(done).as("ingested after the restart").exists();

            assertThat(runIngester.resumedParts() - resumedBefore).as("parts taken over from the killed upload")
                    .isGreaterThanOrEqualTo(sent - 1);
            try (InputStream in = s3.getObject(r -> r.bucket(bucket).key(key))) {
                assertThat(sha256(in)).as("object byte-correct").isEqualTo(sha256);
            }
            List<ObjectVersion> versions = s3.listObjectVersions(r -> r.bucket(bucket).prefix(key)).versions();
            assertThat(versions).as("exactly one copy").hasSize(1);
            assertThat(versions.get(0).size()).isEqualTo(Files.size(done));
            assertThatThrownBy(() -> s3.listParts(r -> r.bucket(bucket).key(key).uploadId(uploadId)))
                    .as("the upload was completed, nothing left open").isInstanceOf(S3Exception.class);
            assertThat(journal.find(bucket, key)).as("journal entry removed").isEmpty();
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(genomics.getDropDirs().get(0).resolve(name));
            Files.deleteIfExists(done);
            // free the embedded server's disk: the object is several GB
            s3.listObjectVersions(r -> r.bucket(bucket).prefix(key)).versions().forEach(v ->
                    s3.deleteObject(r -> r.bucket(bucket).key(v.key()).versionId(v.versionId())));
        }
    }

    private static String sha256(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return sha256(in);
        }
    }

    private static String sha256(InputStream in) throws Exception {
        MessageDigest digest = Sha256.newDigest();
        byte[] buffer = new byte[1 << 20];
        int n;
        while ((n = in.read(buffer)) > 0) {
            digest.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
