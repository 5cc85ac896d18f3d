package org.clinicaldatahub.hub.genomics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.clinicaldatahub.hub.storage.MultipartUpload;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;

/**
 * Benchmark (runs only with {@code -Dgenomics.bench.size-mb=5120}): a generated FASTQ uploaded to
 * the embedded S3 server by the hub's streaming upload (TieredStore.putFileStreaming: CRC32C of
 * every part, SHA-256 of the whole file, {@code concurrency} parts on the wire, one buffer more)
 * and by plain AWS SDK v2 multipart uploads of the same file with the same client settings, part
 * size and concurrency ({@code sdk}), one part at a time ({@code sdk-seq}) and with a client on the
 * SDK's defaults ({@code sdk-default}); see {@link GenomicsUploadChild}. The modes take turns in
 * one child JVM with {@code -Xmx256m} (finishing at all proves the heap bound; the sampled peak is
 * printed), the order reversed every other round. Time the processes were stopped (the shared
 * machine SIGSTOPs niced jobs at times) is reported and left out of MB/s. Results go to
 * target/genomics-bench.txt as they come and into BENCHMARKS.md by hand, with the load average.
 *
 * <pre>mvn -o test -Dtest=GenomicsUploadBenchmarkTest -Dgenomics.bench.size-mb=5120 -Dgenomics.bench.rounds=2 \
 *     [-Dgenomics.bench.modes=hub,sdk,sdk-seq,sdk-default] [-Dgenomics.bench.concurrency=4] [-Dgenomics.bench.part-mb=16]</pre>
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability
@ActiveProfiles("test")
class GenomicsUploadBenchmarkTest {

    @Value("${hub.embedded.s3.port}")
    int s3Port;

    @Test
    void hubStreamingUploadAgainstPlainSdkMultipart() throws Exception {
        long sizeMb = Long.getLong("genomics.bench.size-mb", 0);
        assumeThat(sizeMb).as("benchmark: set -Dgenomics.bench.size-mb").isPositive();
        int rounds = Integer.getInteger("genomics.bench.rounds", 2);
        long partSize = Long.getLong("genomics.bench.part-mb", 16) << 20;
        int concurrency = Integer.getInteger("genomics.bench.concurrency", MultipartUpload.DEFAULT_CONCURRENCY);
        String modes = System.getProperty("genomics.bench.modes", "hub,sdk,sdk-seq,sdk-default");
        Path file = Path.of("/tmp/genomics-bench-" + System.currentTimeMillis() + ".fastq");
        List<String> results = new ArrayList<>();
        // written line by line: a multi-GB run takes long, and surefire shows the output only at the end
        Path report = Path.of("target/genomics-bench.txt");
        Files.deleteIfExists(report);
        try {
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-cp", System.getProperty("java.class.path"), GenomicsUploadChild.class.getName(),
                    "bench", Integer.toString(s3Port), file.toString(), Long.toString(sizeMb << 20),
                    Long.toString(partSize), Integer.toString(rounds), Integer.toString(concurrency), modes)
                    .redirectErrorStream(true).start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("RESULT") || line.startsWith("SUMMARY") || line.startsWith("GENERATED")
                            || line.contains("Exception")
                            || line.contains("OutOfMemory")) {
                        System.out.println(line);
                        results.add(line);
                        Files.writeString(report, line + System.lineSeparator(), StandardOpenOption.CREATE,
                                StandardOpenOption.APPEND);
                    }
                }
            }
            assertThat(child.waitFor(10, TimeUnit.MINUTES)).isTrue();
            assertThat(child.exitValue()).as(String.join("\n", results)).isZero();
        } finally {
            Files.deleteIfExists(file);
        }
        Files.writeString(report, "load average: " + Files.readString(Path.of("/proc/loadavg")).trim()
                + System.lineSeparator(), StandardOpenOption.APPEND);
        assertThat(results.stream().filter(r -> r.startsWith("RESULT"))).hasSize(modes.split(",").length * rounds);
    }
}
