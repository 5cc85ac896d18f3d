package org.clinicaldatahub.hub.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.clinicaldatahub.hub.audit.AuditTestSupport.NODE;
import static org.clinicaldatahub.hub.audit.AuditTestSupport.lines;
import static org.clinicaldatahub.hub.audit.AuditTestSupport.logIn;
import static org.clinicaldatahub.hub.audit.AuditTestSupport.received;
import static org.clinicaldatahub.hub.audit.AuditTestSupport.segments;
import static org.clinicaldatahub.hub.audit.AuditTestSupport.verify;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.clinicaldatahub.hub.audit.AuditVerificationResult.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Restarts, crashes and full disks: the chain continues and nothing is processed unaudited. */
class AuditLogDurabilityTest {

    @TempDir
    Path dir;

    private final AuditSigningKeys keys = AuditSigningKeys.ephemeral();

    @Test
    void restartAfterACrashWithATornLastLineContinuesTheChain(@TempDir Path crashed) throws IOException {
        try (AuditLog running = logIn(dir, keys).open()) {
            for (int i = 1; i <= 2000; i++) {
                running.append(received(i));
            }
            running.flush();
            for (int i = 2001; i <= 2500; i++) {
                running.append(received(i));
            }
            running.appendDurably(received(2501));
            copySegments(dir, crashed);
        }
        Path last = segments(crashed).get(segments(crashed).size() - 1);
        String partial = "{\"actor\":\"LAB^HOSPITAL\",\"id\":\"0190c";
        tearAfterLastRecord(last, partial);

        assertThat(verify(crashed, keys).problem().kind()).as("before restart").isEqualTo(Kind.TRUNCATED_TAIL);
        AuditVerificationResult live = new AuditVerifier(keys.publicKey()).allowOpenTail(true)
                .verify(crashed.resolve("segments"));
        assertThat(live.intact()).isTrue();
        assertThat(live.unsignedTail()).isEqualTo(501);

        long lastSeqBefore;
        try (AuditLog restarted = logIn(crashed, keys).open()) {
            assertThat(restarted.recoveredFromUncleanShutdown()).isTrue();
            assertThat(restarted.truncatedBytesOnOpen()).isEqualTo(partial.length());
            lastSeqBefore = restarted.lastSeq();
            for (int i = 1; i <= 100; i++) {
                restarted.append(received(10_000 + i));
            }
        }

        AuditVerificationResult result = verify(crashed, keys);
        assertThat(result.intact()).as(result.summary()).isTrue();
        assertThat(result.events()).isEqualTo(lastSeqBefore + 101);
        List<String> content = lines(last);
        String recovered = content.stream().filter(l -> l.contains("\"step\":\"recovered\"")).findFirst().orElseThrow();
        assertThat(recovered).contains("\"reason\":\"TORN_TAIL_TRUNCATED\"", "\"truncatedBytes\":\"" + partial.length() + "\"",
                "\"seq\":" + (lastSeqBefore - 1) + ",");
        assertThat(String.join("\n", content)).doesNotContain("0190c\n").doesNotContain("\u0000");
    }

    @Test
    void cleanRestartContinuesTheChainWithoutARecoveredEvent() throws IOException {
        AuditTestSupport.writeLog(dir, keys, 300);
        try (AuditLog reopened = logIn(dir, keys).open()) {
            assertThat(reopened.recoveredFromUncleanShutdown()).isFalse();
            assertThat(reopened.lastSeq()).isEqualTo(303);
            reopened.append(received(301));
        }

        AuditVerificationResult result = verify(dir, keys);
        assertThat(result.intact()).as(result.summary()).isTrue();
        assertThat(result.events()).isEqualTo(305);
        assertThat(String.join("\n", lines(segments(dir).get(0)))).doesNotContain("\"step\":\"recovered\"");
    }

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void killMinus9OfARecordingProcessLosesNothingDurableAndTheChainContinues() throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classpath, AuditCrashChild.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            do {
                line = out.readLine();
            } while (line != null && !line.equals("READY"));
            assertThat(line).as("child reached READY").isEqualTo("READY");
            Thread.sleep(300);
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }

        AuditSigningKeys childKeys = AuditSigningKeys.developmentKey(dir);
        long restartedAt;
        try (AuditLog restarted = AuditLog.builder(dir, NODE, childKeys).open()) {
            assertThat(restarted.recoveredFromUncleanShutdown()).isTrue();
            restartedAt = restarted.lastSeq();
            assertThat(restartedAt).isGreaterThan(2001);
            restarted.appendDurably(received(1));
        }
        AuditVerificationResult result = new AuditVerifier(childKeys.publicKey()).verify(dir.resolve("segments"));
        assertThat(result.intact()).as(result.summary()).isTrue();
        assertThat(result.events()).isEqualTo(restartedAt + 2);
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void fullDiskMakesRecordingFailUntilSpaceReturns() throws Exception {
        try (AuditLog log = logIn(dir, keys).segmentBytes(64 * 1024).open()) {
            long seq;
            do {
                seq = log.appendDurably(received(0));
            } while (!endsWithRoll(lastSegment()));
            Path next = dir.resolve("segments").resolve(String.format("%s-%020d.log", NODE, seq + 1));
            Files.createSymbolicLink(next, Path.of("/dev/full"));

            assertThatThrownBy(() -> log.appendDurably(received(-1)))
                    .isInstanceOf(AuditUnavailableException.class).hasMessageContaining("No space left");
            assertThatThrownBy(() -> log.append(received(-2))).isInstanceOf(AuditUnavailableException.class);
            assertThat(log.isAvailable()).isFalse();

            Files.delete(next);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!log.isAvailable() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(log.isAvailable()).isTrue();
            assertThat(log.appendDurably(received(-3))).isEqualTo(seq + 2);
        }
        AuditVerificationResult result = verify(dir, keys);
        assertThat(result.intact()).as(result.summary()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(FsyncPolicy.class)
    void everyFsyncPolicyWritesAVerifiableLog(FsyncPolicy policy) throws IOException {
        try (AuditLog log = logIn(dir, keys).fsync(policy).checkpointEvery(50, Duration.ofMillis(10)).open()) {
            for (int i = 1; i <= 300; i++) {
                if (i % 10 == 0) {
                    assertThat(log.appendDurably(received(i))).isEqualTo(i + 1);
                    assertThat(log.durableSeq()).isGreaterThanOrEqualTo(i + 1);
                } else {
                    long seq = log.append(received(i));
                    if (policy == FsyncPolicy.ALWAYS) {
                        assertThat(log.durableSeq()).as("always: durable before append returns").isGreaterThanOrEqualTo(seq);
                    }
                }
            }
        }
        assertThat(verify(dir, keys).intact()).isTrue();
    }

    @Test
    void concurrentSendersCommittingTheirOwnBatchesKeepOneOrderedVerifiableChain() throws Exception {
        // 8 "ACK paths" record two events each and wait for them, as the MLLP route does: whoever finds
        // no commit running writes the batch itself, the others wait; small segments make leaders roll.
        int threads = 8;
        int perThread = 400;
        List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        try (AuditLog log = logIn(dir, keys).segmentBytes(64 * 1024).checkpointEvery(100, Duration.ofMillis(20)).open()) {
            List<Thread> senders = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int base = t * perThread;
                Thread sender = new Thread(() -> {
                    try {
                        for (int i = 0; i < perThread; i++) {
                            log.append(received(base + i));
                            long published = log.append(received(-(base + i)));
                            log.awaitDurable(published);
                            if (log.durableSeq() < published) {
                                throw new AssertionError("awaitDurable returned before seq " + published + " was durable");
                            }
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                });
                senders.add(sender);
                sender.start();
            }
            for (Thread sender : senders) {
                sender.join(TimeUnit.SECONDS.toMillis(60));
            }
            assertThat(errors).isEmpty();
            assertThat(log.lastSeq()).isEqualTo(1L + 2L * threads * perThread);
        }
        assertThat(segments(dir)).hasSizeGreaterThan(2);
        AuditVerificationResult result = verify(dir, keys);
        assertThat(result.intact()).as(result.summary()).isTrue();
        long events = 0;
        for (Path segment : segments(dir)) {
            events += lines(segment).stream().filter(l -> l.contains("\"step\":\"received\"")).count();
        }
        assertThat(events).isEqualTo(2L * threads * perThread);
    }

    @Test
    void receiptsForcedInTheBackgroundAndLaterEventsOnlyWrittenKeepOneVerifiableChain() throws Exception {
        // the MLLP route under force-before-answer=receipt: the receipt's commit starts at once
        // (writer thread) while the message is published; before the ACK the receipt must be
        // forced and the later event written to the segment file (visible to any reader of it).
        int threads = 8;
        int perThread = 300;
        List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        try (AuditLog log = logIn(dir, keys).segmentBytes(64 * 1024).checkpointEvery(100, Duration.ofMillis(20)).open()) {
            List<Thread> senders = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int base = t * perThread;
                Thread sender = new Thread(() -> {
                    try {
                        for (int i = 0; i < perThread; i++) {
                            long receipt = log.append(received(base + i));
                            java.util.concurrent.CompletableFuture<Long> receiptDurable = log.whenDurable(receipt);
                            long published = log.append(received(-(base + i)));
                            receiptDurable.get(30, TimeUnit.SECONDS);
                            if (log.durableSeq() < receipt) {
                                throw new AssertionError("receipt " + receipt + " reported durable before it was");
                            }
                            log.awaitWritten(published);
                            if (i % 60 == 0 && !onDisk(published)) {
                                throw new AssertionError("seq " + published + " not in the segment after awaitWritten");
                            }
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                });
                senders.add(sender);
                sender.start();
            }
            for (Thread sender : senders) {
                sender.join(TimeUnit.SECONDS.toMillis(60));
            }
            assertThat(errors).isEmpty();
            long last = log.lastSeq();
            assertThat(last).isEqualTo(1L + 2L * threads * perThread);
            // nobody waits for the last published events: the writer forces them within the batch delay
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (log.durableSeq() < last && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(log.durableSeq()).isEqualTo(last);
        }
        AuditVerificationResult result = verify(dir, keys);
        assertThat(result.intact()).as(result.summary()).isTrue();
        long events = 0;
        for (Path segment : segments(dir)) {
            events += lines(segment).stream().filter(l -> l.contains("\"step\":\"received\"")).count();
        }
        assertThat(events).isEqualTo(2L * threads * perThread);
    }

    @Test
    void receiptsArrivingWithinTheCommitDelayShareOneFsync() throws Exception {
        // eight connections record their receipts at about the same time; with a commit delay
        // the writer waits for all of them and forces once instead of once per receipt
        int threads = 8;
        try (AuditLog log = logIn(dir, keys).batchMaxDelay(Duration.ofSeconds(5)).commitDelay(Duration.ofMillis(300))
                .open()) {
            long forcesBefore = log.forces();
            java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(threads);
            List<java.util.concurrent.CompletableFuture<Long>> receipts = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Thread> senders = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                Thread sender = new Thread(() -> {
                    try {
                        together.await(10, TimeUnit.SECONDS);
                        receipts.add(log.whenDurable(log.append(received(id))));
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                });
                senders.add(sender);
                sender.start();
            }
            for (Thread sender : senders) {
                sender.join(10_000);
            }
            assertThat(errors).isEmpty();
            for (java.util.concurrent.CompletableFuture<Long> receipt : receipts) {
                long seq = receipt.get(10, TimeUnit.SECONDS);
                assertThat(log.durableSeq()).isGreaterThanOrEqualTo(seq);
            }
            assertThat(log.forces() - forcesBefore).as("fsyncs for %d receipts", threads).isBetween(1L, 2L);
        }
        AuditVerificationResult result = verify(dir, keys);
        assertThat(result.intact()).as(result.summary()).isTrue();
    }

    @Test
    void aChannelReadyToAnswerCutsTheCommitDelayShort() throws Exception {
        try (AuditLog log = logIn(dir, keys).batchMaxDelay(Duration.ofMinutes(5)).commitDelay(Duration.ofMinutes(5))
                .open()) {
            long receipt = log.append(received(1));
            java.util.concurrent.CompletableFuture<Long> durable = log.whenDurable(receipt);
            Thread.sleep(100);
            assertThat(durable).as("the commit waits for the delay while nobody needs it").isNotDone();
            log.hurry();
            assertThat(durable.get(30, TimeUnit.SECONDS)).isEqualTo(receipt);
            assertThat(log.durableSeq()).isGreaterThanOrEqualTo(receipt);
            // a durable append never waits for the commit delay
            assertThat(log.appendAsync(received(2)).get(30, TimeUnit.SECONDS)).isEqualTo(receipt + 1);
        }
    }

    @Test
    void receiptsWaitingForTheCommitDelayDoNotWakeTheWriterOneByOne() throws Exception {
        try (AuditLog log = logIn(dir, keys).batchMaxDelay(Duration.ofMinutes(5)).commitDelay(Duration.ofMinutes(5))
                .open()) {
            log.flush();
            long before = log.writerWakeups();
            java.util.List<java.util.concurrent.CompletableFuture<Long>> receipts = new java.util.ArrayList<>();
            for (int i = 1; i <= 50; i++) {
                receipts.add(log.whenDurable(log.append(received(i))));
            }
            // one wake-up at most to learn the earliest deadline, plus a checkpoint timer that may fall in between
            assertThat(log.writerWakeups() - before).as("writer wake-ups while 50 receipts wait").isLessThanOrEqualTo(2);
            log.hurry();
            for (java.util.concurrent.CompletableFuture<Long> receipt : receipts) {
                assertThat(receipt.get(30, TimeUnit.SECONDS)).isPositive();
            }
            assertThat(log.forces()).as("one group commit for the 50 receipts, beside the flush").isLessThanOrEqualTo(3);
        }
    }

    /** True when a line with this seq is in one of the segment files, as a reader of the files sees them. */
    private boolean onDisk(long seq) throws IOException {
        String needle = "\"seq\":" + seq + ",";
        for (Path segment : segments(dir)) {
            if (java.nio.file.Files.readString(segment, java.nio.charset.StandardCharsets.UTF_8).contains(needle)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void aSecondWriterOnTheSameLogIsRefused() throws IOException {
        try (AuditLog ignored = logIn(dir, keys).open()) {
            assertThatThrownBy(() -> logIn(dir, keys).open()).isInstanceOf(AuditUnavailableException.class);
        }
    }

    @Test
    void damageBeyondATornLineRefusesToOpenAndChangesNothing() throws IOException {
        try (AuditLog running = logIn(dir, keys).open()) {
            for (int i = 1; i <= 50; i++) {
                running.append(received(i));
            }
            running.flush();
        }
        Path segment = segments(dir).get(0);
        List<String> content = new ArrayList<>(lines(segment));
        int line = AuditTestSupport.lineOfSeq(content, 21);
        content.set(line - 1, content.get(line - 1).replace("MSG20", "MSG02"));
        AuditTestSupport.writeLines(segment, content);
        byte[] before = Files.readAllBytes(segment);

        assertThatThrownBy(() -> logIn(dir, keys).open()).isInstanceOf(AuditLogCorruptedException.class)
                .hasMessageContaining(segment.getFileName() + ":" + (line + 1));
        assertThat(Files.readAllBytes(segment)).isEqualTo(before);
    }

    private Path lastSegment() throws IOException {
        List<Path> all = segments(dir);
        return all.get(all.size() - 1);
    }

    private static boolean endsWithRoll(Path segment) throws IOException {
        return new String(Files.readAllBytes(segment), StandardCharsets.UTF_8).contains("\"cause\":\"roll\"");
    }

    private static void copySegments(Path from, Path to) throws IOException {
        Files.createDirectories(to.resolve("segments"));
        for (Path p : segments(from)) {
            Files.copy(p, to.resolve("segments").resolve(p.getFileName()));
        }
    }

    /** Writes a partial record right after the last complete one, as a write cut by kill -9 leaves it. */
    private static void tearAfterLastRecord(Path segment, String partial) throws IOException {
        byte[] content = Files.readAllBytes(segment);
        int end = content.length;
        while (end > 0 && content[end - 1] != '\n') {
            end--;
        }
        byte[] torn = partial.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(torn, 0, content, end, Math.min(torn.length, content.length - end));
        if (content.length - end < torn.length) {
            byte[] longer = new byte[end + torn.length];
            System.arraycopy(content, 0, longer, 0, end);
            System.arraycopy(torn, 0, longer, end, torn.length);
            content = longer;
        }
        Files.write(segment, content);
    }
}
