package org.clinicaldatahub.hub.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditVerifyCommandTest {

    @TempDir
    Path dir;

    private Path segments;
    private Path publicKey;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void writeLog() throws IOException {
        AuditSigningKeys keys = AuditSigningKeys.ephemeral();
        AuditTestSupport.writeLog(dir, keys, 2000);
        segments = dir.resolve("segments");
        publicKey = keys.exportPublicKey(dir.resolve("audit-public-key.pem"));
    }

    @Test
    void intactLogExitsZero() {
        assertThat(run("--dir", segments.toString(), "--public-key", publicKey.toString())).isZero();
        assertThat(out()).matches("OK: 2002 events, \\d+ checkpoints\\n");
    }

    @Test
    void tamperedLogExitsOneAndSaysWhere() throws IOException {
        Path segment = AuditTestSupport.segments(dir).get(0);
        List<String> lines = AuditTestSupport.lines(segment);
        int line = AuditTestSupport.lineOfSeq(lines, 700);
        lines.remove(line - 1);
        AuditTestSupport.writeLines(segment, lines);

        assertThat(run("--dir", segments.toString(), "--public-key", publicKey.toString())).isEqualTo(1);
        assertThat(out()).isEqualTo("TAMPERED: removed event (seq 700 missing) at " + segment.getFileName() + ":" + line
                + " (seq 700)\n");
    }

    @Test
    void usageErrorsExitTwo() throws IOException {
        assertThat(run()).isEqualTo(2);
        assertThat(run("--dir", segments.toString())).isEqualTo(2);
        assertThat(run("--dir", dir.resolve("missing").toString(), "--public-key", publicKey.toString())).isEqualTo(2);
        Path notAKey = Files.writeString(dir.resolve("not-a-key.pem"), "hello");
        assertThat(run("--dir", segments.toString(), "--public-key", notAKey.toString())).isEqualTo(2);
        assertThat(run("--dir", segments.toString(), "--public-key", publicKey.toString(), "--fix-it")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage: audit verify");
        assertThat(out()).isEmpty();
    }

    @Test
    void runsAsItsOwnProcessWithoutSpring() throws Exception {
        String classpath = Arrays.stream(System.getProperty("surefire.test.class.path",
                        System.getProperty("java.class.path")).split(File.pathSeparator))
                .filter(e -> e.endsWith("classes") || e.contains("jackson-core") || e.contains("jackson-databind")
                        || e.contains("jackson-annotations") || e.contains("slf4j-api"))
                .collect(Collectors.joining(File.pathSeparator));
        assertThat(classpath).doesNotContain("spring");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classpath, AuditVerifyCommand.class.getName(),
                "--dir", segments.toString(), "--public-key", publicKey.toString())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("OK: 2002 events");
    }

    private int run(String... args) {
        return AuditVerifyCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }
}
