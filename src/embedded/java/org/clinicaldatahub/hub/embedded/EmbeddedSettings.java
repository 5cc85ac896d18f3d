package org.clinicaldatahub.hub.embedded;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.springframework.boot.system.ApplicationHome;
import org.springframework.core.env.Environment;

/**
 * Where and how the embedded development infrastructure runs, read from the Spring
 * {@link Environment} so the same {@code hub.embedded.*} keys work in application.yaml, on the
 * command line and in tests. Read before any bean exists, hence no {@code @ConfigurationProperties}.
 *
 * @param dataDir             absolute directory holding {@code kafka/}, {@code s3/} and the S3Mock log
 * @param kafkaPort           PLAINTEXT listener of the broker on localhost
 * @param kafkaControllerPort KRaft controller listener on localhost
 * @param s3Port              HTTP port of the S3-compatible server on localhost
 * @param s3LauncherJar       S3Mock {@code exec} jar, started as a child process
 * @param s3Heap              maximum heap of the S3Mock child JVM, e.g. {@code 256m}
 */
public record EmbeddedSettings(Path dataDir, int kafkaPort, int kafkaControllerPort, int s3Port,
        Path s3LauncherJar, String s3Heap) {

    public static final String PREFIX = "hub.embedded.";
    public static final String ENABLED = PREFIX + "enabled";
    public static final String DATA_DIR = PREFIX + "data-dir";
    public static final String KAFKA_PORT = PREFIX + "kafka.port";
    public static final String KAFKA_CONTROLLER_PORT = PREFIX + "kafka.controller-port";
    public static final String S3_PORT = PREFIX + "s3.port";
    public static final String S3_LAUNCHER_JAR = PREFIX + "s3.launcher-jar";
    public static final String S3_HEAP = PREFIX + "s3.heap";

    static final String DEFAULT_LAUNCHER_JAR = "target/embedded/s3mock-exec.jar";
    private static final Pattern HEAP = Pattern.compile("\\d+[kKmMgG]?");

    public EmbeddedSettings {
        dataDir = dataDir.toAbsolutePath().normalize();
        requirePort(kafkaPort, KAFKA_PORT);
        requirePort(kafkaControllerPort, KAFKA_CONTROLLER_PORT);
        requirePort(s3Port, S3_PORT);
        if (Set.of(kafkaPort, kafkaControllerPort, s3Port).size() != 3) {
            throw new IllegalStateException(KAFKA_PORT + ", " + KAFKA_CONTROLLER_PORT + " and " + S3_PORT
                    + " must differ, got " + kafkaPort + ", " + kafkaControllerPort + ", " + s3Port);
        }
        if (!HEAP.matcher(s3Heap).matches()) {
            throw new IllegalStateException(S3_HEAP + " must be a JVM heap size such as 256m, got '" + s3Heap + "'");
        }
    }

    /** True only when {@code hub.embedded.enabled} is set to true: absent means off. */
    public static boolean isEnabled(Environment env) {
        return env.getProperty(ENABLED, Boolean.class, false);
    }

    /** Reads the settings, applying the defaults, and locates the S3Mock launcher jar. */
    public static EmbeddedSettings from(Environment env) {
        return new EmbeddedSettings(
                Path.of(env.getProperty(DATA_DIR, "./data")),
                env.getProperty(KAFKA_PORT, Integer.class, 9092),
                env.getProperty(KAFKA_CONTROLLER_PORT, Integer.class, 9093),
                env.getProperty(S3_PORT, Integer.class, 9000),
                resolveLauncherJar(env.getProperty(S3_LAUNCHER_JAR, DEFAULT_LAUNCHER_JAR)),
                env.getProperty(S3_HEAP, "256m"));
    }

    /**
     * Finds the S3Mock exec jar: the configured path, else the same file name next to the running
     * hub jar (or its {@code embedded/} folder, the build layout), else under {@code ${user.dir}}.
     */
    static Path resolveLauncherJar(String configured) {
        Path path = Path.of(configured);
        String name = path.getFileName().toString();
        Set<Path> candidates = new LinkedHashSet<>();
        candidates.add(path.toAbsolutePath().normalize());
        if (!path.isAbsolute()) {
            Path home = new ApplicationHome(EmbeddedSettings.class).getDir().toPath();
            candidates.add(home.resolve(name));
            candidates.add(home.resolve("embedded").resolve(name));
            candidates.add(Path.of(System.getProperty("user.dir")).resolve(name));
        }
        List<String> tried = new ArrayList<>();
        for (Path candidate : candidates) {
            Path normalized = candidate.toAbsolutePath().normalize();
            if (Files.isRegularFile(normalized)) {
                return normalized;
            }
            tried.add(normalized.toString());
        }
        throw new IllegalStateException("S3Mock launcher jar not found (tried " + String.join(", ", tried)
                + "). Set " + S3_LAUNCHER_JAR + " to the s3mock-<version>-exec.jar; the Maven build copies it to "
                + DEFAULT_LAUNCHER_JAR + ", or set " + ENABLED + "=false and configure external Kafka and S3.");
    }

    private static void requirePort(int port, String property) {
        if (port < 1 || port > 65535) {
            throw new IllegalStateException(property + " must be a TCP port between 1 and 65535, got " + port);
        }
    }
}
