package org.clinicaldatahub.hub.embedded;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adobe S3Mock as a child JVM. In-process it would share the hub's Spring environment and
 * auto-configuration; as a child it stays isolated and the hub's classpath stays small. The
 * child runs in the data directory (so it cannot read the hub's {@code ./config/application.*}),
 * without the hub's {@code SPRING_*}-style environment variables, and bound to loopback only.
 */
final class S3MockServer {

    private static final Logger log = LoggerFactory.getLogger(S3MockServer.class);
    // generous: on two cores shared with a build, S3Mock alone has taken 55 s to start
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(150);
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
    private static final String LOG_FILE = "s3mock.log";
    private static final String EXTENSION_DIR = "s3mock-ext";
    private static final List<String> HUB_ONLY_ENV_PREFIXES =
            List.of("SPRING_", "SERVER_", "LOGGING_", "MANAGEMENT_", "HUB_", "CAMEL_", "COM_ADOBE_");

    private final Process process;
    private final int port;
    private final Path dataDir;
    private final long launchedNanos;

    private S3MockServer(Process process, int port, Path dataDir, long launchedNanos) {
        this.process = process;
        this.port = port;
        this.dataDir = dataDir;
        this.launchedNanos = launchedNanos;
    }

    /**
     * Starts the child and returns at once, so Kafka can start while S3Mock boots; call
     * {@link #awaitReady()} before handing out the endpoint.
     */
    static S3MockServer launch(EmbeddedSettings settings) {
        Path dataDir = settings.dataDir();
        S3MockPidFile.stopOrphan(dataDir);
        requirePortFree(settings.s3Port());
        try {
            Files.createDirectories(dataDir.resolve("s3"));
            Path extension = writeLoopbackExtension(dataDir.resolve(EXTENSION_DIR));
            ProcessBuilder builder = new ProcessBuilder(command(settings, extension))
                    .directory(dataDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(dataDir.resolve(LOG_FILE).toFile());
            builder.environment().keySet().removeIf(S3MockServer::isHubOnlyVariable);
            long launched = System.nanoTime();
            S3MockServer server = new S3MockServer(builder.start(), settings.s3Port(), dataDir, launched);
            try {
                S3MockPidFile.write(dataDir, server.process);
            } catch (IOException e) {
                server.stop();
                throw e;
            }
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("Could not start the embedded S3 server (S3Mock from "
                    + settings.s3LauncherJar() + "): " + e.getMessage(), e);
        }
    }

    String endpoint() {
        return "http://localhost:" + port;
    }

    /** The endpoint the server will have with these settings, known before it starts. */
    static String endpoint(EmbeddedSettings settings) {
        return "http://localhost:" + settings.s3Port();
    }

    /** Polls {@code GET /} (ListBuckets) until S3Mock answers; fails fast if the child dies. */
    void awaitReady() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint() + "/")).timeout(Duration.ofSeconds(2)).build();
        long deadline = launchedNanos + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Embedded S3 server (S3Mock) exited with code " + process.exitValue()
                        + " during start-up. Last lines of " + logFile() + ":\n" + logTail());
            }
            try {
                if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    log.info("Embedded S3 server (S3Mock) ready at {} in {} ms, data in {}, log {}", endpoint(),
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - launchedNanos),
                            dataDir.resolve("s3"), logFile());
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop();
                throw new IllegalStateException("Interrupted while waiting for the embedded S3 server", e);
            }
            sleep(200);
        }
        stop();
        throw new IllegalStateException("Embedded S3 server (S3Mock) did not answer on " + endpoint() + " within "
                + READY_TIMEOUT.toSeconds() + " s. Last lines of " + logFile() + ":\n" + logTail());
    }

    /** Asks the child to stop (SIGTERM: S3Mock's own shutdown hook runs) without waiting. */
    void beginStop() {
        process.destroy();
    }

    /** Stops the child: terminate, wait, then kill if it is stuck. */
    void stop() {
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("Embedded S3 server (pid {}) did not stop within {} s; killing it", process.pid(),
                        STOP_TIMEOUT.toSeconds());
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        S3MockPidFile.delete(dataDir);
        log.info("Embedded S3 server at {} stopped", endpoint());
    }

    private static List<String> command(EmbeddedSettings settings, Path extension) {
        List<String> command = new ArrayList<>();
        command.add(javaExecutable());
        command.add("-Xmx" + settings.s3Heap());
        // Start-up speed over peak throughput: C1 only and the serial collector save ~1.5 s on 2 cores.
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-XX:+UseSerialGC");
        Optional<S3MockClassPath.Unpacked> unpacked = S3MockClassPath.of(settings.s3LauncherJar(), settings.dataDir());
        if (unpacked.isPresent()) {
            // Plain class path (about a third less start-up CPU than Spring Boot's nested jars);
            // the extension directory first, so its auto-configuration import is found as well.
            command.add("-cp");
            command.add(extension + File.pathSeparator + unpacked.get().appJar());
            command.add(unpacked.get().mainClass());
        } else {
            command.add("-Dloader.path=" + extension);
            command.add("-cp");
            command.add(settings.s3LauncherJar().toString());
            command.add("org.springframework.boot.loader.launch.PropertiesLauncher");
        }
        command.add("--com.adobe.testing.s3mock.http-port=" + settings.s3Port());
        command.add("--server.port=0"); // S3Mock's HTTPS connector: random port, unused by the hub
        command.add("--server.address=" + InetAddress.getLoopbackAddress().getHostAddress());
        command.add("--com.adobe.testing.s3mock.store.root=" + settings.dataDir().resolve("s3"));
        command.add("--com.adobe.testing.s3mock.store.retain-files-on-exit=true");
        command.add("--spring.main.banner-mode=off");
        return command;
    }

    /** The same Java as the hub, so the child needs no separate installation. */
    private static String javaExecutable() {
        boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
        Path java = Path.of(System.getProperty("java.home"), "bin", windows ? "java.exe" : "java");
        if (Files.isExecutable(java)) {
            return java.toString();
        }
        return ProcessHandle.current().info().command().orElse("java");
    }

    /**
     * Puts {@link S3MockLoopbackCustomizer} on the child's class path, registered as a Spring Boot
     * auto-configuration. Rewritten on every start so it always matches the running hub.
     */
    private static Path writeLoopbackExtension(Path dir) throws IOException {
        String classFile = S3MockLoopbackCustomizer.class.getName().replace('.', '/') + ".class";
        Path target = dir.resolve(classFile);
        Files.createDirectories(target.getParent());
        try (InputStream in = S3MockLoopbackCustomizer.class.getClassLoader().getResourceAsStream(classFile)) {
            if (in == null) {
                throw new IOException("class file " + classFile + " not found on the hub's class path");
            }
            Files.write(target, in.readAllBytes());
        }
        Path imports = dir.resolve("META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports");
        Files.createDirectories(imports.getParent());
        Files.writeString(imports, S3MockLoopbackCustomizer.class.getName() + "\n");
        return dir;
    }

    private static void requirePortFree(int port) {
        if (LocalPorts.isFree(port)) {
            return;
        }
        String what = servesS3(port) ? "is already serving S3 (another hub instance, or an S3 server)"
                : "is already in use by another program";
        throw new IllegalStateException("Embedded S3 server: port " + port + " on localhost " + what + ". Stop it, or set "
                + EmbeddedSettings.S3_PORT + " to a free port.");
    }

    private static boolean servesS3(int port) {
        try {
            HttpResponse<String> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build()
                    .send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/"))
                            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return response.body().contains("ListAllMyBucketsResult");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean isHubOnlyVariable(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        return HUB_ONLY_ENV_PREFIXES.stream().anyMatch(upper::startsWith);
    }

    private Path logFile() {
        return dataDir.resolve(LOG_FILE);
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile(), StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException | RuntimeException e) {
            return "(log not readable: " + e.getMessage() + ")";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
