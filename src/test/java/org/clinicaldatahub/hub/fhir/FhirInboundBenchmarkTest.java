package org.clinicaldatahub.hub.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import ca.uhn.fhir.context.FhirContext;
import org.clinicaldatahub.hub.fhir.support.SyntheticFhir;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.ActiveProfiles;

/**
 * Throughput of the inbound FHIR endpoint on the full hub (embedded Kafka with acks=all, audit
 * trail, archiver running): transaction Bundles of 100 resources posted by several clients, each
 * answer checked. Runs only with {@code -Dbench.fhir=true} (it is a measurement, not a check):
 * <pre>mvn -o test -Dtest=FhirInboundBenchmarkTest -Dbench.fhir=true [-Dbench.bundles=200 -Dbench.clients=4]</pre>
 * The CPU it reports is the whole test JVM's, clients included; {@code bench.FhirBench} runs the
 * hub in a JVM of its own and reports the hub's CPU apart from the clients'.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability
@ActiveProfiles("test")
class FhirInboundBenchmarkTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();

    @Autowired
    TestRestTemplate http;

    @Test
    void transactionBundlesOfHundredResources() throws Exception {
        assumeTrue(Boolean.getBoolean("bench.fhir"), "benchmark: run with -Dbench.fhir=true");
        int bundles = Integer.getInteger("bench.bundles", 200);
        int clients = Integer.getInteger("bench.clients", 4);
        int warmup = Integer.getInteger("bench.warmup", 60);
        String format = System.getProperty("bench.format", "json");
        SyntheticFhir synthetic = new SyntheticFhir(42);
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < bundles + warmup; i++) {
            var bundle = synthetic.transaction(100);
            bodies.add("xml".equals(format) ? FHIR.newXmlParser().encodeResourceToString(bundle)
                    : FHIR.newJsonParser().encodeResourceToString(bundle));
        }
        String contentType = "xml".equals(format) ? "application/fhir+xml" : "application/fhir+json";
        run(bodies.subList(0, warmup), clients, contentType);
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpuStart = os.getProcessCpuTime();
        long start = System.nanoTime();
        long[] latencies = run(bodies.subList(warmup, bodies.size()), clients, contentType);
        double seconds = (System.nanoTime() - start) / 1e9;
        // CPU of this JVM (hub, in-process Kafka broker, archiver, audit and the HTTP clients alike):
        // resources per CPU-second says what two idle cores could carry when the machine is shared
        double cpuSeconds = (os.getProcessCpuTime() - cpuStart) / 1e9;
        Arrays.sort(latencies);
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        System.out.printf(Locale.ROOT,
                "FHIR inbound bench (%s): %d bundles x 100 = %d resources, %d clients, %.1f s -> %.0f resources/s, "
                        + "%.1f bundles/s; bundle latency p50 %.1f ms p99 %.1f ms max %.1f ms; JVM heap after GC %d MiB; "
                        + "process CPU %.1f s = %.0f resources per CPU-second; load average %.1f%n",
                format, bundles, bundles * 100, clients, seconds, bundles * 100 / seconds, bundles / seconds,
                latencies[latencies.length / 2] / 1e6, latencies[(int) (latencies.length * 0.99)] / 1e6,
                latencies[latencies.length - 1] / 1e6, heap >> 20, cpuSeconds, bundles * 100 / cpuSeconds,
                os.getSystemLoadAverage());
    }

    private long[] run(List<String> bodies, int clients, String contentType) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<Long>> results = new ArrayList<>();
        for (String body : bodies) {
            results.add(pool.submit(() -> {
                HttpHeaders headers = new HttpHeaders();
                headers.set(HttpHeaders.CONTENT_TYPE, contentType);
                long t0 = System.nanoTime();
                ResponseEntity<String> answer = http.withBasicAuth("admin", "test-password").exchange("/fhir",
                        HttpMethod.POST, new HttpEntity<>(body, headers), String.class);
                long took = System.nanoTime() - t0;
                assertThat(answer.getStatusCode().value()).isEqualTo(200);
                return took;
            }));
        }
        long[] latencies = new long[bodies.size()];
        for (int i = 0; i < results.size(); i++) {
            latencies[i] = results.get(i).get();
        }
        pool.shutdown();
        return latencies;
    }
}
