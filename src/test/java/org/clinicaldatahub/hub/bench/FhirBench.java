package org.clinicaldatahub.hub.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.clinicaldatahub.hub.dicom.support.ChildHub;
import org.clinicaldatahub.hub.fhir.support.SyntheticFhir;

/**
 * Throughput of the inbound FHIR endpoint ({@code POST /fhir}, transaction Bundles of 100
 * resources: 20 patients with an Encounter, a Condition and two Observations each) with the hub
 * in a JVM of its own, so the hub's CPU is measured apart from the clients': the hub is started
 * as a child JVM on the test profile (embedded Kafka in its JVM with {@code acks=all}, the
 * embedded S3 server as its child process, audit trail, archivers and the FHIR de-identification
 * feed running). The CPU of the hub JVM and of the S3 server is read from {@code /proc} before and
 * after; every answer must be 200. After the last answer the run waits until the FHIR archiver
 * has stored every resource and the hub has gone quiet (de-identification and its archive done),
 * and reports the CPU up to that point too.
 *
 * <p>Run: {@code mvn -o -Pbench test-compile exec:java -Dbench.main=org.clinicaldatahub.hub.bench.FhirBench
 * -Dbench.bundles=300 -Dbench.clients=4}
 *
 * <table>
 *   <caption>Properties</caption>
 *   <tr><th>property</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>bench.bundles</td><td>300</td><td>measured Bundles</td></tr>
 *   <tr><td>bench.warmup</td><td>100</td><td>Bundles posted first, not measured</td></tr>
 *   <tr><td>bench.clients</td><td>4</td><td>concurrent HTTP clients</td></tr>
 *   <tr><td>bench.size</td><td>100</td><td>resources per Bundle</td></tr>
 *   <tr><td>bench.format</td><td>json</td><td>json or xml</td></tr>
 *   <tr><td>bench.heap</td><td>1g</td><td>heap of the child hub</td></tr>
 *   <tr><td>bench.jfr</td><td>(none)</td><td>file for a flight recording (settings=profile) of the hub</td></tr>
 *   <tr><td>bench.dir</td><td>/tmp/hub-fhir-bench</td><td>the child hub's data (deleted first)</td></tr>
 * </table>
 */
public final class FhirBench {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final long TICKS_PER_SECOND = 100;

    private final Map<String, String> config;
    private final PrintStream out;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final String authorization = "Basic "
            + Base64.getEncoder().encodeToString("admin:test-password".getBytes(StandardCharsets.UTF_8));
    private final ObjectMapper json = new ObjectMapper();
    private String base;

    FhirBench(Map<String, String> config, PrintStream out) {
        this.config = config;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> config = new HashMap<>();
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith("bench.")) {
                config.put(name.substring(6), System.getProperty(name));
            }
        }
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq > 0) {
                String key = arg.startsWith("--") ? arg.substring(2, eq) : arg.substring(0, eq);
                config.put(key.startsWith("bench.") ? key.substring(6) : key, arg.substring(eq + 1));
            }
        }
        new FhirBench(config, System.out).run();
        System.exit(0);
    }

    private int number(String key, int fallback) {
        return Integer.parseInt(config.getOrDefault(key, Integer.toString(fallback)));
    }

    void run() throws Exception {
        int bundles = number("bundles", 300);
        int warmup = number("warmup", 100);
        int clients = number("clients", 4);
        int size = number("size", 100);
        String format = config.getOrDefault("format", "json");
        Path dir = Path.of(config.getOrDefault("dir", "/tmp/hub-fhir-bench"));
        ChildHub.deleteRecursively(dir);
        List<String> jvm = new ArrayList<>();
        if (config.containsKey("jfr")) {
            jvm.add("-XX:StartFlightRecording=filename=" + config.get("jfr") + ",settings=profile,delay=60s");
        }
        SyntheticFhir synthetic = new SyntheticFhir(42);
        List<byte[]> bodies = new ArrayList<>();
        for (int i = 0; i < bundles + warmup; i++) {
            var bundle = synthetic.transaction(size);
            String text = "xml".equals(format) ? FHIR.newXmlParser().encodeResourceToString(bundle)
                    : FHIR.newJsonParser().encodeResourceToString(bundle);
            bodies.add(text.getBytes(StandardCharsets.UTF_8));
        }
        String contentType = "xml".equals(format) ? "application/fhir+xml" : "application/fhir+json";
        out.println("starting a hub (child JVM, -Xmx" + config.getOrDefault("heap", "1g") + ") ...");
        int s3Port = ChildHub.freePort();
        try (ChildHub hub = ChildHub.start(dir.resolve("hub"), config.getOrDefault("heap", "1g"), jvm, s3Port,
                "http://127.0.0.1:" + s3Port)) {
            base = "http://127.0.0.1:" + hub.httpPort;
            ProcessHandle process = hub.processHandle();
            post(bodies.subList(0, warmup), clients, contentType);
            awaitArchived((long) warmup * size, Duration.ofMinutes(5));
            awaitQuiet(process);
            long archivedBefore = archived();
            long hubStart = ticks(process, false);
            long s3Start = ticks(process, true);
            long ownStart = ownCpuNanos();
            double loadStart = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            long start = System.nanoTime();
            long[] latencies = post(bodies.subList(warmup, bodies.size()), clients, contentType);
            double seconds = (System.nanoTime() - start) / 1e9;
            long hubSend = ticks(process, false) - hubStart;
            long s3Send = ticks(process, true) - s3Start;
            double ownSeconds = (ownCpuNanos() - ownStart) / 1e9;
            double loadEnd = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            long resources = (long) bundles * size;
            awaitArchived(archivedBefore + resources, Duration.ofMinutes(5));
            double archivedSeconds = (System.nanoTime() - start) / 1e9;
            awaitQuiet(process);
            double quietSeconds = (System.nanoTime() - start) / 1e9;
            long hubAll = ticks(process, false) - hubStart;
            long s3All = ticks(process, true) - s3Start;
            Arrays.sort(latencies);
            out.printf(Locale.ROOT, "FHIR inbound bench (%s): %d Bundles x %d = %d resources, %d clients, load average %.1f -> %.1f%n",
                    format, bundles, size, resources, clients, loadStart, loadEnd);
            out.printf(Locale.ROOT, "  answered: %.1f s -> %.0f resources/s, %.1f Bundles/s; Bundle latency p50 %.0f ms p99 %.0f ms max %.0f ms%n",
                    seconds, resources / seconds, bundles / seconds, latencies[latencies.length / 2] / 1e6,
                    latencies[(int) (latencies.length * 0.99)] / 1e6, latencies[latencies.length - 1] / 1e6);
            out.printf(Locale.ROOT, "  all archived (identified zone) after %.1f s -> %.0f resources/s%n",
                    archivedSeconds, resources / archivedSeconds);
            out.printf(Locale.ROOT, "  CPU until the last answer: hub JVM %.1f s (%.3f ms/resource), S3 server %.1f s (%.3f ms/resource), clients %.1f s (%.3f ms/resource)%n",
                    sec(hubSend), ms(hubSend, resources), sec(s3Send), ms(s3Send, resources), ownSeconds,
                    ownSeconds * 1000 / resources);
            out.printf(Locale.ROOT, "  quiet (de-identified, archived) after %.1f s (within 2 s of it)%n", quietSeconds);
            out.printf(Locale.ROOT, "  CPU until archived, de-identified and quiet: hub JVM %.1f s (%.3f ms/resource), S3 server %.1f s (%.3f ms/resource); hub + S3 %.3f ms/resource = %.0f resources per CPU-second%n",
                    sec(hubAll), ms(hubAll, resources), sec(s3All), ms(s3All, resources),
                    ms(hubAll + s3All, resources), resources / sec(hubAll + s3All));
        }
    }

    private static double sec(long ticks) {
        return ticks / (double) TICKS_PER_SECOND;
    }

    private static double ms(long ticks, long resources) {
        return ticks * 1000.0 / TICKS_PER_SECOND / resources;
    }

    private long[] post(List<byte[]> bodies, int clients, String contentType) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<Long>> results = new ArrayList<>();
            for (byte[] body : bodies) {
                results.add(pool.submit(() -> {
                    HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/fhir"))
                            .timeout(Duration.ofMinutes(2)).header("Content-Type", contentType)
                            .header("Accept", "application/fhir+json").header("Authorization", authorization)
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
                    long t0 = System.nanoTime();
                    HttpResponse<byte[]> answer = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                    long took = System.nanoTime() - t0;
                    if (answer.statusCode() != 200) {
                        throw new IllegalStateException("HTTP " + answer.statusCode() + ": "
                                + new String(answer.body(), StandardCharsets.UTF_8));
                    }
                    return took;
                }));
            }
            long[] latencies = new long[bodies.size()];
            for (int i = 0; i < results.size(); i++) {
                latencies[i] = results.get(i).get();
            }
            return latencies;
        } finally {
            pool.shutdown();
        }
    }

    /** Records the FHIR archiver has stored ({@code hub.archive.records}, channel fhir). */
    private long archived() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(
                URI.create(base + "/actuator/metrics/hub.archive.records?tag=channel:fhir"))
                .timeout(Duration.ofSeconds(10)).header("Authorization", authorization).GET().build();
        HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("HTTP " + answer.statusCode() + " reading hub.archive.records");
        }
        for (JsonNode m : json.readTree(answer.body()).path("measurements")) {
            if ("VALUE".equals(m.path("statistic").asText())) {
                return (long) m.path("value").asDouble();
            }
        }
        throw new IllegalStateException("no VALUE in hub.archive.records");
    }

    private void awaitArchived(long records, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (archived() < records) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + archived() + " of " + records + " records archived");
            }
            Thread.sleep(100);
        }
    }

    /** Until the hub and its S3 server use less than 5 % of a core over two seconds (at most 2 min). */
    private void awaitQuiet(ProcessHandle hub) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        long before = ticks(hub, false) + ticks(hub, true);
        while (System.nanoTime() < deadline) {
            Thread.sleep(2000);
            long now = ticks(hub, false) + ticks(hub, true);
            if (now - before < 10) {
                return;
            }
            before = now;
        }
    }

    /** utime + stime of the hub JVM, or of its descendants (the S3 server), in clock ticks. */
    private static long ticks(ProcessHandle hub, boolean descendants) throws IOException {
        if (!descendants) {
            return ticks(hub.pid());
        }
        long sum = 0;
        for (ProcessHandle child : hub.descendants().toList()) {
            sum += ticks(child.pid());
        }
        return sum;
    }

    private static long ticks(long pid) throws IOException {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (java.nio.file.NoSuchFileException e) {
            return 0;
        }
        // fields after the command name (which may hold spaces) in parentheses
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private static long ownCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
