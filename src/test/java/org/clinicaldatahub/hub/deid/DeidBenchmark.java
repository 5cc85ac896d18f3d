package org.clinicaldatahub.hub.deid;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Numbers for BENCHMARKS.md (issue 4, must show 6): in-process HL7 v2 de-identification under
 * safe-harbor on one thread, CPU time measured on that thread (so other engineers' load on the
 * shared machine does not count against it), wall-clock latency percentiles per message, heap.
 * Workloads: the ADT^A08 golden input (no free text), the ADT^A01 golden input (ST note scrubbed),
 * the ORU^R01 golden input (TX/FT notes and NTE scrubbed), and the leak corpus (every Safe Harbor
 * category in structured fields and a long note).
 * <pre>
 * mvn -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp target/classes:target/test-classes:$(cat target/cp.txt) org.clinicaldatahub.hub.deid.DeidBenchmark
 * </pre>
 */
public final class DeidBenchmark {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private DeidBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int perRound = args.length > 1 ? Integer.parseInt(args[1]) : 50_000;
        DeidProfile profile = DeidTestSupport.profiles().get("safe-harbor");
        Hl7Deidentifier deid = new Hl7Deidentifier(DeidTestSupport.pseudonymizer(), DeidTestSupport.CLOCK,
                new RecentPatients(10_000));
        Path fixtures = Path.of("src/test/resources/fixtures/deid");
        List<String> corpus = new ArrayList<>();
        LeakCorpus leak = new LeakCorpus(7L);
        for (int i = 0; i < 1000; i++) {
            corpus.add(leak.hl7(i).text());
        }
        String[][] workloads = {
            {"ADT^A08 (no free text)", Files.readString(fixtures.resolve("adt-a08/input.hl7"), StandardCharsets.UTF_8)},
            {"ADT^A01 (ST note)", Files.readString(fixtures.resolve("adt-a01/input.hl7"), StandardCharsets.UTF_8)},
            {"ORU^R01 (TX/FT notes, NTE)", Files.readString(fixtures.resolve("oru-r01/input.hl7"), StandardCharsets.UTF_8)},
        };
        System.out.printf("load average: %s; cores: %d; java %s%n", loadAverage(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));
        for (String[] workload : workloads) {
            run(workload[0], List.of(workload[1]), deid, profile, rounds, perRound);
        }
        run("leak corpus (18 categories, long note)", corpus, deid, profile, rounds, perRound / 5);
        Runtime rt = Runtime.getRuntime();
        System.gc();
        System.out.printf("heap used after runs (after GC): %d MB of %d MB max%n",
                (rt.totalMemory() - rt.freeMemory()) >> 20, rt.maxMemory() >> 20);
    }

    private static void run(String name, List<String> messages, Hl7Deidentifier deid, DeidProfile profile, int rounds,
            int perRound) {
        for (int round = 1; round <= rounds; round++) {
            long[] latencies = new long[perRound];
            long cpu0 = THREADS.getCurrentThreadCpuTime();
            long wall0 = System.nanoTime();
            long sink = 0;
            for (int i = 0; i < perRound; i++) {
                long t = System.nanoTime();
                sink += deid.deidentify(messages.get(i % messages.size()), profile).text().length();
                latencies[i] = System.nanoTime() - t;
            }
            long wall = System.nanoTime() - wall0;
            long cpu = THREADS.getCurrentThreadCpuTime() - cpu0;
            Arrays.sort(latencies);
            System.out.printf("%-40s round %d: %,8.0f msg/CPU-s  %,8.0f msg/wall-s  p50 %5.1f us  p99 %6.1f us  p99.9 %7.1f us"
                    + "  (%d chars out)%n", name, round, perRound / (cpu / 1e9), perRound / (wall / 1e9),
                    latencies[perRound / 2] / 1e3, latencies[(int) (perRound * 0.99)] / 1e3,
                    latencies[(int) (perRound * 0.999)] / 1e3, sink / perRound);
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (Exception e) {
            return "n/a";
        }
    }
}
