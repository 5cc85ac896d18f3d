package org.clinicaldatahub.hub.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.clinicaldatahub.hub.audit.AuditTestSupport.assertProblem;
import static org.clinicaldatahub.hub.audit.AuditTestSupport.lineOfSeq;
import static org.clinicaldatahub.hub.audit.AuditTestSupport.lines;
import static org.clinicaldatahub.hub.audit.AuditTestSupport.segments;
import static org.clinicaldatahub.hub.audit.AuditTestSupport.verify;
import static org.clinicaldatahub.hub.audit.AuditTestSupport.writeLines;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.clinicaldatahub.hub.audit.AuditVerificationResult.Kind;
import org.clinicaldatahub.hub.audit.internal.Checkpoint;
import org.clinicaldatahub.hub.audit.internal.Hex;
import org.clinicaldatahub.hub.audit.internal.Merkle;
import org.clinicaldatahub.hub.audit.internal.Sha256;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A log of 10,000 recorded events (plus the log's own started and stopped events), checked
 * intact, then edited the ways an attacker or a broken disk would; the verifier must name the
 * damage and its position.
 */
class AuditVerifierTamperTest {

    private static final Pattern SEQ = Pattern.compile("\"seq\":(\\d+),");
    private static final Pattern PREV = Pattern.compile("\"prev\":\"([0-9a-f]{64})\"");
    private static final Pattern TO = Pattern.compile("\"to\":(\\d+),");

    @TempDir
    static Path pristine;
    static AuditSigningKeys keys;

    @TempDir
    Path dir;
    Path segment;
    List<String> lines;

    @BeforeAll
    static void writePristineLog() throws IOException {
        keys = AuditSigningKeys.ephemeral();
        AuditTestSupport.writeLog(pristine, keys, 10_000);
    }

    @BeforeEach
    void copyLog() throws IOException {
        Files.createDirectories(dir.resolve("segments"));
        for (Path p : segments(pristine)) {
            Files.copy(p, dir.resolve("segments").resolve(p.getFileName()));
        }
        segment = segments(dir).get(0);
        lines = lines(segment);
    }

    @Test
    void intactLogVerifies() throws IOException {
        AuditVerificationResult result = verify(dir, keys);

        assertThat(result.intact()).as(result.summary()).isTrue();
        assertThat(result.events()).isEqualTo(10_002);
        // Signed by count at the first commit after 1,000 uncovered events, and a commit holds up to
        // 1 MiB (about 3,000 events) when appends outrun the writer: how many depends on timing,
        // but never fewer than one by count plus the final one.
        assertThat(result.checkpoints()).isGreaterThanOrEqualTo(2);
        assertThat(result.unsignedTail()).isZero();
        assertThat(result.summary()).startsWith("OK: 10002 events, ");
        assertThat(lines.get(lines.size() - 1)).contains("\"cause\":\"final\"");
    }

    @ParameterizedTest(name = "one byte of {0}")
    @ValueSource(strings = {"controlId", "time", "prev", "seq", "structure"})
    void flippedByteInAnEventIsAChangedEvent(String field) throws IOException {
        int line = lineOfSeq(lines, 5000);
        String event = lines.get(line - 1);
        int at = switch (field) {
            case "controlId" -> event.indexOf("MSG4999") + 5;
            case "time" -> event.indexOf("\"time\":\"") + 20;
            case "prev" -> event.indexOf("\"prev\":\"") + 10;
            case "seq" -> event.indexOf("\"seq\":5000") + 7;
            default -> event.indexOf("{\"actor\"");
        };
        char[] chars = event.toCharArray();
        chars[at] = (char) (chars[at] ^ 0x01);
        lines.set(line - 1, new String(chars));
        writeLines(segment, lines);

        assertProblem(verify(dir, keys), Kind.CHANGED_EVENT, segment, line, 5000);
    }

    @Test
    void changedLastEventBeforeACheckpointIsFoundByTheSignedDigests() throws IOException {
        int checkpointLine = firstCheckpointLine();
        long to = number(TO, lines.get(checkpointLine - 1));
        int line = lineOfSeq(lines, to);
        lines.set(line - 1, lines.get(line - 1).replace("\"outcome\":\"success\"", "\"outcome\":\"rejected\""));
        writeLines(segment, lines);

        AuditVerificationResult result = verify(dir, keys);

        assertProblem(result, Kind.CHANGED_EVENT, segment, line, to);
    }

    @Test
    void deletedEventIsARemovedEvent() throws IOException {
        int line = lineOfSeq(lines, 5000);
        lines.remove(line - 1);
        writeLines(segment, lines);

        AuditVerificationResult result = verify(dir, keys);

        assertProblem(result, Kind.REMOVED_EVENT, segment, line, 5000);
        assertThat(result.summary()).contains("seq 5000 missing");
    }

    @Test
    void swappedEventsAreReordered() throws IOException {
        int line = lineOfSeq(lines, 5000);
        String a = lines.get(line - 1);
        lines.set(line - 1, lines.get(line));
        lines.set(line, a);
        writeLines(segment, lines);

        assertProblem(verify(dir, keys), Kind.REORDERED_EVENTS, segment, line, 5001);
    }

    @Test
    void tailCutInsideARecordIsATruncatedTail() throws IOException {
        long size = Files.size(segment);
        long cut = size - lines.get(lines.size() - 1).length() - lines.get(lines.size() - 2).length() / 2 - 2;
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            channel.truncate(cut);
        }

        AuditVerificationResult result = verify(dir, keys);

        assertProblem(result, Kind.TRUNCATED_TAIL, segment, lines.size() - 1, 10_001);
        assertThat(result.summary()).contains("incomplete last record");
    }

    @Test
    void tailCutAtALineEndIsATruncatedTail() throws IOException {
        List<String> kept = lines.subList(0, lines.size() - 3);
        writeLines(segment, kept);
        long lastSeq = number(SEQ, kept.get(kept.size() - 1));

        AuditVerificationResult result = verify(dir, keys);

        assertProblem(result, Kind.TRUNCATED_TAIL, segment, kept.size(), lastSeq);
        assertThat(new AuditVerifier(keys.publicKey()).allowOpenTail(true).verify(dir.resolve("segments")).intact())
                .as("a running node's log is accepted with its unsigned tail").isTrue();
    }

    @Test
    void forgedEventWithRecomputedChainIsAnInsertedEvent() throws IOException {
        int line = lineOfSeq(lines, 5000);
        String forged = lines.get(line - 1).replace("MSG4999", "MSG-FORGED");
        lines.add(line - 1, forged);
        rechainFrom(line - 1, 5000);
        writeLines(segment, lines);

        AuditVerificationResult result = verify(dir, keys);

        assertProblem(result, Kind.INSERTED_EVENT, segment, line, 5000);
    }

    @Test
    void forgedEventWithDuplicateSequenceIsAnInsertedEvent() throws IOException {
        int line = lineOfSeq(lines, 5000);
        lines.add(line - 1, lines.get(line - 1).replace("MSG4999", "MSG-FORGED"));
        writeLines(segment, lines);

        assertProblem(verify(dir, keys), Kind.INSERTED_EVENT, segment, line, 5000);
    }

    @Test
    void forgedEventWithRewrittenCheckpointBreaksTheSignature() throws IOException {
        int line = lineOfSeq(lines, 5000);
        lines.add(line - 1, lines.get(line - 1).replace("MSG4999", "MSG-FORGED"));
        rechainFrom(line - 1, 5000);
        int checkpointLine = nextCheckpointLine(line);
        int previousCheckpoint = line - 1;
        // the writer's batches decide where checkpoints fall: there may be none before this one in the segment
        while (previousCheckpoint > 0 && !lines.get(previousCheckpoint - 1).contains("\"type\":\"checkpoint\"")) {
            previousCheckpoint--;
        }
        Checkpoint cp = Checkpoint.parse(lines.get(checkpointLine - 1).getBytes(StandardCharsets.UTF_8));
        List<byte[]> hashes = new ArrayList<>();
        StringBuilder digests = new StringBuilder();
        for (String event : lines.subList(previousCheckpoint, checkpointLine - 1)) {
            byte[] hash = Sha256.hash(event.getBytes(StandardCharsets.UTF_8));
            hashes.add(hash);
            digests.append(Hex.encode(hash, 0, 8));
        }
        Checkpoint rewritten = new Checkpoint(cp.type(), cp.v(), cp.node(), cp.from(), cp.from() + hashes.size() - 1,
                Hex.encode(hashes.get(hashes.size() - 1)), Hex.encode(Merkle.root(hashes)), digests.toString(),
                cp.cause(), cp.time(), cp.keyId(), cp.sig());
        lines.set(checkpointLine - 1, new String(rewritten.line(), StandardCharsets.UTF_8));
        writeLines(segment, lines);

        assertProblem(verify(dir, keys), Kind.BAD_SIGNATURE, segment, checkpointLine, rewritten.to());
    }

    @Test
    void checkpointSignatureReplacedByAnotherOnesIsABrokenSignature() throws IOException {
        int first = firstCheckpointLine();
        int second = nextCheckpointLine(first + 1);
        String sig = field(lines.get(first - 1), "sig");
        String target = lines.get(second - 1);
        lines.set(second - 1, target.replace(field(target, "sig"), sig));
        writeLines(segment, lines);

        assertProblem(verify(dir, keys), Kind.BAD_SIGNATURE, segment, second, number(TO, target));
    }

    @Test
    void checkpointResignedWithAnotherKeyIsABrokenSignature() throws IOException {
        int first = firstCheckpointLine();
        Checkpoint cp = Checkpoint.parse(lines.get(first - 1).getBytes(StandardCharsets.UTF_8));
        AuditSigningKeys attacker = AuditSigningKeys.ephemeral();
        Checkpoint unsigned = new Checkpoint(cp.type(), cp.v(), cp.node(), cp.from(), cp.to(), cp.head(), cp.root(),
                cp.digests(), cp.cause(), cp.time(), attacker.keyId(), null);
        Checkpoint resigned = new Checkpoint(cp.type(), cp.v(), cp.node(), cp.from(), cp.to(), cp.head(), cp.root(),
                cp.digests(), cp.cause(), cp.time(), attacker.keyId(), Hex.encode(attacker.sign(unsigned.signedBytes())));
        lines.set(first - 1, new String(resigned.line(), StandardCharsets.UTF_8));
        writeLines(segment, lines);

        AuditVerificationResult result = verify(dir, keys);

        assertProblem(result, Kind.BAD_SIGNATURE, segment, first, cp.to());
        assertThat(result.summary()).contains("signed with key " + attacker.keyId());
    }

    @Test
    void deletedCheckpointIsARemovedCheckpoint() throws IOException {
        int first = firstCheckpointLine();
        long to = number(TO, lines.get(first - 1));
        lines.remove(first - 1);
        writeLines(segment, lines);

        assertProblem(verify(dir, keys), Kind.REMOVED_CHECKPOINT, segment, first - 1, to);
    }

    @Test
    void segmentsRollAndAMissingSegmentIsFound(@TempDir Path rolled) throws IOException {
        try (AuditLog log = AuditTestSupport.logIn(rolled, keys).segmentBytes(200_000).open()) {
            for (int i = 1; i <= 3000; i++) {
                if (i % 20 == 0) {
                    log.appendDurably(AuditTestSupport.received(i));
                } else {
                    log.append(AuditTestSupport.received(i));
                }
            }
        }
        List<Path> files = segments(rolled);
        assertThat(files).hasSizeGreaterThanOrEqualTo(4);
        assertThat(verify(rolled, keys).intact()).isTrue();
        for (Path file : files.subList(0, files.size() - 1)) {
            List<String> content = lines(file);
            assertThat(content.get(content.size() - 1)).as("every segment ends signed").contains("\"cause\":\"roll\"");
        }

        Path last = files.get(files.size() - 1);
        List<String> lastLines = lines(last);
        Files.delete(last);
        AuditVerificationResult truncated = verify(rolled, keys);
        assertThat(truncated.problem().kind()).isEqualTo(Kind.TRUNCATED_TAIL);
        assertThat(truncated.summary()).contains("segment after seq");
        writeLines(last, lastLines);

        Files.delete(files.get(1));
        long firstSeqOfThird = number(SEQ, lines(files.get(2)).get(0));
        long firstSeqOfSecond = Long.parseLong(files.get(1).getFileName().toString().replaceAll(".*-(\\d+)\\.log", "$1"));
        assertProblem(verify(rolled, keys), Kind.REMOVED_EVENT, files.get(2), 1, firstSeqOfSecond);
        assertThat(firstSeqOfThird).isGreaterThan(firstSeqOfSecond);
    }

    @Test
    void emptyDirectoryIsNotIntact(@TempDir Path empty) throws IOException {
        assertThat(new AuditVerifier(keys.publicKey()).verify(empty).intact()).isFalse();
    }

    /** Renumbers events from index {@code from} (0-based) starting at {@code seq} and recomputes every link. */
    private void rechainFrom(int from, long seq) {
        String prevHash = sha256(lines.get(from - 1));
        long next = seq;
        for (int i = from; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.contains("\"type\":\"checkpoint\"")) {
                continue;
            }
            l = SEQ.matcher(l).replaceFirst("\"seq\":" + next + ",");
            l = PREV.matcher(l).replaceFirst("\"prev\":\"" + prevHash + "\"");
            lines.set(i, l);
            prevHash = sha256(l);
            next++;
        }
    }

    private int firstCheckpointLine() {
        return nextCheckpointLine(1);
    }

    private int nextCheckpointLine(int fromLine) {
        for (int i = fromLine - 1; i < lines.size(); i++) {
            if (lines.get(i).contains("\"type\":\"checkpoint\"")) {
                return i + 1;
            }
        }
        throw new AssertionError("no checkpoint after line " + fromLine);
    }

    private static long number(Pattern pattern, String line) {
        Matcher m = pattern.matcher(line);
        if (!m.find()) {
            throw new AssertionError("no match in " + line);
        }
        return Long.parseLong(m.group(1));
    }

    private static String field(String line, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\"([^\"]*)\"").matcher(line);
        if (!m.find()) {
            throw new AssertionError(name + " not in line");
        }
        return m.group(1);
    }

    private static String sha256(String line) {
        return Hex.encode(Sha256.hash(line.getBytes(StandardCharsets.UTF_8)));
    }
}
