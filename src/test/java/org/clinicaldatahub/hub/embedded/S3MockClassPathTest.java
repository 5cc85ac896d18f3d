package org.clinicaldatahub.hub.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unpacking S3Mock's exec jar (the real one the build copies) into a plain class path. */
@Tag("embedded-infrastructure")
class S3MockClassPathTest {

    private static final Path EXEC_JAR = Path.of(EmbeddedSettings.DEFAULT_LAUNCHER_JAR);

    @TempDir
    Path dir;

    @BeforeAll
    static void execJarIsThere() {
        assertThat(EXEC_JAR).as("copied by the Maven build").isRegularFile();
    }

    @Test
    void unpacksOnceBesideTheJarAndReusesIt() throws IOException {
        Path jar = copyOfExecJar();

        S3MockClassPath.Unpacked unpacked = S3MockClassPath.of(jar, dir.resolve("data")).orElseThrow();

        assertThat(unpacked.mainClass()).isEqualTo("com.adobe.testing.s3mock.S3MockApplication");
        assertThat(unpacked.appJar()).startsWith(dir.resolve("s3mock-exec-classpath"));
        List<String> classPath;
        try (JarFile app = new JarFile(unpacked.appJar().toFile())) {
            assertThat(app.getEntry("com/adobe/testing/s3mock/S3MockApplication.class")).isNotNull();
            assertThat(app.getEntry("application.properties")).as("S3Mock's own configuration").isNotNull();
            classPath = Arrays.asList(app.getManifest().getMainAttributes().getValue("Class-Path").split(" "));
        }
        assertThat(classPath).hasSizeGreaterThan(50)
                .allSatisfy(lib -> assertThat(unpacked.appJar().resolveSibling(lib)).isRegularFile());
        assertThat(classPath.get(0)).as("class path index order").startsWith("lib/logback-classic-");
        assertThat(dir.resolve("data")).doesNotExist();

        FileTime unpackedAt = Files.getLastModifiedTime(unpacked.appJar());
        assertThat(S3MockClassPath.of(jar, dir.resolve("data"))).contains(unpacked);
        assertThat(Files.getLastModifiedTime(unpacked.appJar())).as("not unpacked again").isEqualTo(unpackedAt);
    }

    @Test
    void aDamagedDirectoryIsUnpackedAgain() throws IOException {
        Path jar = copyOfExecJar();
        S3MockClassPath.Unpacked unpacked = S3MockClassPath.of(jar, dir.resolve("data")).orElseThrow();
        Path lib;
        try (Stream<Path> libs = Files.list(unpacked.appJar().resolveSibling("lib"))) {
            lib = libs.findFirst().orElseThrow();
        }
        Files.delete(lib);

        assertThat(S3MockClassPath.of(jar, dir.resolve("data"))).contains(unpacked);
        assertThat(lib).isRegularFile();
    }

    @Test
    void aNewJarGetsANewDirectoryAndTheOldOneIsRemoved() throws IOException {
        Path jar = copyOfExecJar();
        S3MockClassPath.Unpacked first = S3MockClassPath.of(jar, dir.resolve("data")).orElseThrow();
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 60_000));

        S3MockClassPath.Unpacked second = S3MockClassPath.of(jar, dir.resolve("data")).orElseThrow();

        assertThat(second.appJar()).isNotEqualTo(first.appJar()).isRegularFile();
        assertThat(first.appJar().getParent()).doesNotExist();
    }

    @Test
    void fallsBackToTheDataDirectoryWhenTheJarsDirectoryIsNotWritable() throws IOException {
        Path jar = copyOfExecJar();
        Files.writeString(dir.resolve("s3mock-exec-classpath"), "a file where the directory would go");

        Optional<S3MockClassPath.Unpacked> unpacked = S3MockClassPath.of(jar, dir.resolve("data"));

        assertThat(unpacked).hasValueSatisfying(u -> assertThat(u.appJar()).startsWith(dir.resolve("data")));
    }

    @Test
    void somethingElseThanABootJarIsLeftAlone() throws IOException {
        Path notBoot = Files.writeString(dir.resolve("s3mock-exec.jar"), "not a jar");

        assertThat(S3MockClassPath.of(notBoot, dir.resolve("data"))).isEmpty();
    }

    private Path copyOfExecJar() throws IOException {
        return Files.copy(EXEC_JAR, dir.resolve("s3mock-exec.jar"));
    }
}
