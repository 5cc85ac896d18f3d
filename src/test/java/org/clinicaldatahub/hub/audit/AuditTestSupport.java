package org.clinicaldatahub.hub.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Builds audit logs in temporary directories and edits their files like an attacker would. */
final class AuditTestSupport {

    static final String NODE = "hub-test";

    private AuditTestSupport() {
    }

    static AuditLog.Builder logIn(Path auditDir, AuditSigningKeys keys) {
        return AuditLog.builder(auditDir, NODE, keys)
                .fsync(FsyncPolicy.BATCH)
                .batchMaxDelay(Duration.ofMillis(5))
                .checkpointEvery(1000, Duration.ofHours(1));
    }

    /** A typical event of an inbound HL7 message, references only. */
    static AuditEvent.Builder received(int i) {
        return AuditEvent.builder(AuditStep.RECEIVED)
                .route("hl7-inbound-mllp")
                .actor("LAB^HOSPITAL")
                .ref(AuditRef.CONTROL_ID, "MSG" + i)
                .ref(AuditRef.CHANNEL, "hl7-inbound-mllp")
                .checksum("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
    }

    /** Appends {@code count} events (the log adds started and stopped) and closes the log cleanly. */
    static void writeLog(Path auditDir, AuditSigningKeys keys, int count) throws IOException {
        try (AuditLog log = logIn(auditDir, keys).open()) {
            for (int i = 1; i <= count; i++) {
                log.append(received(i));
            }
        }
    }

    static AuditVerificationResult verify(Path auditDir, AuditSigningKeys keys) throws IOException {
        return new AuditVerifier(keys.publicKey()).verify(auditDir.resolve("segments"));
    }

    static List<Path> segments(Path auditDir) throws IOException {
        try (Stream<Path> files = Files.list(auditDir.resolve("segments"))) {
            return files.filter(p -> p.toString().endsWith(".log")).sorted().toList();
        }
    }

    static List<String> lines(Path segment) throws IOException {
        return new ArrayList<>(Files.readAllLines(segment, StandardCharsets.UTF_8));
    }

    static void writeLines(Path segment, List<String> lines) throws IOException {
        StringBuilder out = new StringBuilder();
        lines.forEach(l -> out.append(l).append('\n'));
        Files.writeString(segment, out.toString(), StandardCharsets.UTF_8);
    }

    /** 1-based line number of the event with this sequence number. */
    static int lineOfSeq(List<String> lines, long seq) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("\"seq\":" + seq + ",")) {
                return i + 1;
            }
        }
        throw new AssertionError("seq " + seq + " not found");
    }

    static void assertProblem(AuditVerificationResult result, AuditVerificationResult.Kind kind, Path segment,
                              long line, long seq) {
        assertThat(result.intact()).as(result.summary()).isFalse();
        assertThat(result.problem().kind()).as(result.summary()).isEqualTo(kind);
        assertThat(result.problem().segment()).as(result.summary()).isEqualTo(segment.getFileName().toString());
        assertThat(result.problem().line()).as(result.summary()).isEqualTo(line);
        assertThat(result.problem().seq()).as(result.summary()).isEqualTo(seq);
    }
}
