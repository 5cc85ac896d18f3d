package org.clinicaldatahub.hub.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.clinicaldatahub.hub.hl7.support.Ack;
import org.clinicaldatahub.hub.hl7.support.MllpClient;
import org.clinicaldatahub.hub.hl7.support.SyntheticHl7;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of the whole hub (its own JVM, embedded Kafka and S3 included) in the middle of an MLLP
 * load: after a restart on the same data directory every message that was answered AA has its
 * {@code received} and {@code published} events in the trail, the chain continues across the
 * crash (a {@code recovered} event, then the new process's events), and the trail verifies.
 */
class AuditKillNineTest {

    private static final Path DATA = Path.of("target/test-data/kill9").toAbsolutePath();
    private static final Pattern CONTROL_ID = Pattern.compile("\"controlId\":\"([^\"]+)\"");

    private final int mllpPort = freePort();
    private final List<String> ports = List.of("--hub.hl7.mllp-port=" + mllpPort,
            "--hub.embedded.kafka.port=" + freePort(), "--hub.embedded.kafka.controller-port=" + freePort(),
            "--hub.embedded.s3.port=" + freePort(), "--server.port=" + freePort());

    @Test
    void everyAcknowledgedMessageIsInTheTrailAfterKillNine() throws Exception {
        deleteRecursively(DATA);
        Files.createDirectories(DATA);
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();

        Process first = startHub(1);
        try {
            AtomicBoolean sending = new AtomicBoolean(true);
            ExecutorService senders = Executors.newFixedThreadPool(4);
            for (int i = 0; i < 4; i++) {
                SyntheticHl7 generator = new SyntheticHl7(900 + i, 20).controlIdPrefix("K" + i);
                senders.submit(() -> sendUntilFailure(generator, sending, acknowledged));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (acknowledged.size() < 300 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(acknowledged).as("load running before the kill").hasSizeGreaterThanOrEqualTo(300);
            first.destroyForcibly(); // SIGKILL: no shutdown hooks, no final checkpoint
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            sending.set(false);
            senders.shutdown();
            assertThat(senders.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            first.destroyForcibly();
        }

        Process second = startHub(2);
        try {
            SyntheticHl7 after = new SyntheticHl7(999, 5).controlIdPrefix("AFTER");
            try (MllpClient client = MllpClient.connect("localhost", mllpPort, Duration.ofSeconds(5))) {
                for (int i = 0; i < 10; i++) {
                    SyntheticHl7.Message message = after.next();
                    Ack ack = MllpClient.parseAck(client.request(message.bytes(), Duration.ofSeconds(30)),
                            StandardCharsets.ISO_8859_1);
                    assertThat(ack.code()).isEqualTo("AA");
                    acknowledged.add(message.controlId());
                }
            }
        } finally {
            second.destroy(); // SIGTERM: a clean stop with the final checkpoint
            assertThat(second.waitFor(90, TimeUnit.SECONDS)).as("clean stop").isTrue();
        }

        Path audit = DATA.resolve("audit");
        AuditVerificationResult result = new AuditVerifier(
                AuditSigningKeys.readPublicKey(audit.resolve("audit-public-key.pem"))).verify(audit.resolve("segments"));
        assertThat(result.intact()).as(result.summary()).isTrue();

        Set<String> received = new HashSet<>();
        Set<String> published = new HashSet<>();
        List<String> steps = new ArrayList<>();
        try (Stream<Path> segments = Files.list(audit.resolve("segments")).sorted()) {
            for (Path segment : segments.toList()) {
                for (String line : Files.readAllLines(segment, StandardCharsets.UTF_8)) {
                    if (!line.contains("\"type\":\"event\"")) {
                        continue;
                    }
                    Matcher id = CONTROL_ID.matcher(line);
                    String step = AuditEvent.parse(line).step().wireName();
                    if (id.find()) {
                        (step.equals("received") ? received : step.equals("published") ? published : new HashSet<String>())
                                .add(id.group(1));
                    } else {
                        steps.add(step);
                    }
                }
            }
        }
        for (String controlId : acknowledged) {
            assertThat(received).as("received event of ACKed %s", controlId).contains(controlId);
            assertThat(published).as("published event of ACKed %s", controlId).contains(controlId);
        }
        assertThat(steps).as("second start recovered the first one's unclean end").contains("recovered");
        assertThat(steps.indexOf("recovered")).isGreaterThan(steps.indexOf("started"));
    }

    private void sendUntilFailure(SyntheticHl7 generator, AtomicBoolean sending, Set<String> acknowledged) {
        try (MllpClient client = MllpClient.connect("localhost", mllpPort, Duration.ofSeconds(5))) {
            while (sending.get()) {
                SyntheticHl7.Message message = generator.next();
                byte[] frame = client.request(message.bytes(), Duration.ofSeconds(30));
                if ("AA".equals(MllpClient.parseAck(frame, StandardCharsets.ISO_8859_1).code())) {
                    acknowledged.add(message.controlId());
                }
            }
        } catch (IOException | RuntimeException killed) {
            // the hub died under us: what was ACKed so far is what must be in the trail
        }
    }

    private Process startHub(int run) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx768m",
                "-cp", System.getProperty("java.class.path"), "org.clinicaldatahub.hub.HubApplication",
                "--spring.profiles.active=test", "--hub.embedded.data-dir=" + DATA,
                "--hub.audit.data-dir=" + DATA));
        command.addAll(ports);
        Path log = DATA.resolve("hub-" + run + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("hub run " + run + " exited with " + process.exitValue() + "; see " + log);
            }
            if (Files.exists(log) && Files.readString(log, StandardCharsets.ISO_8859_1).contains("Started HubApplication")) {
                return process;
            }
            Thread.sleep(200);
        }
        process.destroyForcibly();
        throw new AssertionError("hub run " + run + " not started within 180 s; see " + log);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted((a, b) -> b.compareTo(a)).toList()) {
                Files.delete(path);
            }
        }
    }
}
