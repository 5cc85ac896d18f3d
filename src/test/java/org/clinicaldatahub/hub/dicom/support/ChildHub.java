package org.clinicaldatahub.hub.dicom.support;

import java.io.Closeable;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The whole hub (embedded Kafka in its JVM, the embedded S3 server as its child process) started
 * as a child JVM of the test with its own heap limit, free ports and data directory, the way
 * AuditKillNineTest starts hubs: so a test can bound the hub's heap and run it next to the
 * shared test context without touching it.
 */
public final class ChildHub implements Closeable {

    private final Process process;
    private final Path log;
    public final int dicomPort;
    public final int kafkaPort;
    public final int s3Port;
    /** The hub's HTTP port (actuator, FHIR endpoint). */
    public final int httpPort;

    private ChildHub(Process process, Path log, int dicomPort, int kafkaPort, int s3Port, int httpPort) {
        this.process = process;
        this.log = log;
        this.dicomPort = dicomPort;
        this.kafkaPort = kafkaPort;
        this.s3Port = s3Port;
        this.httpPort = httpPort;
    }

    /**
     * Starts a hub on the {@code test} profile with {@code -Xmx<heap>} (and exit on any
     * OutOfMemoryError, so a heap too small cannot hide in a caught error).
     *
     * @param s3Port     the embedded S3 server's port
     * @param storageUrl the endpoint the hub's S3 clients use (e.g. a TcpProxy in front of s3Port)
     */
    public static ChildHub start(Path dataDir, String heap, int s3Port, String storageUrl, String... extra)
            throws IOException, InterruptedException {
        return start(dataDir, heap, List.of(), s3Port, storageUrl, extra);
    }

    /** As above, with further JVM options for the hub (e.g. a flight recording). */
    public static ChildHub start(Path dataDir, String heap, List<String> jvmOptions, int s3Port, String storageUrl,
            String... extra) throws IOException, InterruptedException {
        return start(dataDir, heap, jvmOptions, Ports.free(), s3Port, storageUrl, extra);
    }

    /**
     * Ports of a child hub. A benchmark on a shared machine gives its hub fixed ports of its own
     * (agreed per engineer) so no other run's listener can take one between probe and bind.
     */
    public record Ports(int dicom, int kafka, int kafkaController, int mllp, int http) {
        /** Ports free at the time of asking. */
        public static Ports free() {
            return new Ports(freePort(), freePort(), freePort(), freePort(), freePort());
        }
    }

    /** As above, on the given ports. */
    public static ChildHub start(Path dataDir, String heap, List<String> jvmOptions, Ports ports, int s3Port,
            String storageUrl, String... extra) throws IOException, InterruptedException {
        Files.createDirectories(dataDir);
        int dicomPort = ports.dicom();
        int kafkaPort = ports.kafka();
        int httpPort = ports.http();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + heap,
                "-XX:+ExitOnOutOfMemoryError"));
        command.addAll(jvmOptions);
        command.addAll(List.of(
                "-cp", classPath(), "org.clinicaldatahub.hub.HubApplication",
                "--spring.profiles.active=test", "--hub.embedded.data-dir=" + dataDir,
                "--hub.audit.data-dir=" + dataDir, "--hub.dicom.port=" + dicomPort,
                "--hub.hl7.mllp-port=" + ports.mllp(), "--hub.embedded.kafka.port=" + kafkaPort,
                "--hub.embedded.kafka.controller-port=" + ports.kafkaController(), "--hub.embedded.s3.port=" + s3Port,
                "--hub.storage.endpoint=" + storageUrl, "--server.port=" + httpPort));
        command.addAll(List.of(extra));
        Path log = dataDir.resolve("hub.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        ChildHub hub = new ChildHub(process, log, dicomPort, kafkaPort, s3Port, httpPort);
        // about 20 s on two quiet cores (pom.xml); a loaded CI machine starts the hub, its broker and
        // its S3Mock several times slower, and a deadline here only has to catch a hang
        long deadline = System.nanoTime() + Duration.ofSeconds(480).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("child hub exited with " + process.exitValue() + "; see " + log);
            }
            if (hub.log().contains("Started HubApplication")) {
                return hub;
            }
            Thread.sleep(200);
        }
        hub.close();
        throw new AssertionError("child hub not started within 480 s; see " + log);
    }

    /** The hub's process (its descendants include the embedded S3 server). */
    public ProcessHandle processHandle() {
        return process.toHandle();
    }

    /** The hub's JVM (its S3 server is a descendant); same as {@link #processHandle()}. */
    public ProcessHandle process() {
        return process.toHandle();
    }

    public boolean alive() {
        return process.isAlive();
    }

    public String log() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
    }

    public Path logFile() {
        return log;
    }

    /** SIGTERM (the hub stops its S3 server and broker), then SIGKILL for anything left. */
    @Override
    public void close() {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    /**
     * The class path of this test or tool: under {@code mvn exec:java} it is the context class
     * loader's (java.class.path is Maven's own launcher there).
     */
    private static String classPath() {
        if (Thread.currentThread().getContextClassLoader() instanceof java.net.URLClassLoader loader
                && loader.getURLs().length > 0) {
            List<String> entries = new ArrayList<>();
            for (java.net.URL url : loader.getURLs()) {
                try {
                    entries.add(Path.of(url.toURI()).toString());
                } catch (java.net.URISyntaxException | IllegalArgumentException e) {
                    // not a file: not needed by the hub
                }
            }
            return String.join(java.io.File.pathSeparator, entries);
        }
        return System.getProperty("java.class.path");
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted((a, b) -> b.compareTo(a)).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
