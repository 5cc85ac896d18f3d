package org.clinicaldatahub.hub.audit;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.springframework.util.unit.DataSize;

/**
 * Throughput and durable latency of the audit trail, through {@link AuditRecorder} as the hub
 * uses it. {@code threads} recording threads each record their share of {@code events}; every
 * {@code durable-every}-th event is recorded with {@code recordDurably} (as a channel does for
 * the receipt before its ACK) and its latency is measured. Then the log is closed and verified.
 * <pre>
 * mvn -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp target/classes:target/test-classes:$(cat target/cp.txt) \
 *     org.clinicaldatahub.hub.audit.AuditBenchmark --events 500000 --threads 16 --durable-every 4 --fsync batch
 * </pre>
 */
public final class AuditBenchmark {

    private AuditBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int events = Integer.parseInt(arg(args, "--events", "500000"));
        int threads = Integer.parseInt(arg(args, "--threads", "16"));
        int durableEvery = Integer.parseInt(arg(args, "--durable-every", "4"));
        FsyncPolicy fsync = FsyncPolicy.valueOf(arg(args, "--fsync", "batch").toUpperCase(Locale.ROOT));
        Path dataDir = Path.of(arg(args, "--dir", Files.createTempDirectory(Files.createDirectories(Path.of("target")),
                "audit-bench").toString()));

        AuditProperties properties = new AuditProperties();
        properties.setNodeId("bench");
        properties.setDataDir(dataDir);
        properties.setFsync(fsync);
        properties.setSegmentSize(DataSize.ofMegabytes(64));
        AuditRecorder recorder = new AuditRecorder(properties);

        run(recorder, Math.min(50_000, events), threads, durableEvery);
        System.gc();
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
        long seqBefore = recorder.log().lastSeq();
        String loadBefore = loadAverage();
        long cpuBefore = processCpuNanos();
        Result result = run(recorder, events, threads, durableEvery);
        long cpuNanos = processCpuNanos() - cpuBefore;
        String loadAfter = loadAverage();
        long durableAt = System.nanoTime();
        recorder.flush();
        long flushMillis = (System.nanoTime() - durableAt) / 1_000_000;
        long recorded = recorder.log().lastSeq() - seqBefore;
        long heapUsed = heapUsed();
        long peakHeap = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        recorder.destroy();

        long[] latencies = result.latencies;
        Arrays.sort(latencies);
        System.out.printf(Locale.ROOT, "audit benchmark: %d events (%d recorded in the run), %d threads, every %d-th durable, fsync=%s, %d cores%n",
                events, recorded, threads, durableEvery, fsync,
                Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "throughput: %.0f events/s (%.2f s; final flush %d ms)%n",
                events / (result.nanos / 1e9), result.nanos / 1e9, flushMillis);
        System.out.printf(Locale.ROOT, "durable record latency over %d records: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                latencies.length, pct(latencies, 0.50), pct(latencies, 0.99), latencies[latencies.length - 1] / 1e6);
        System.out.printf(Locale.ROOT, "cpu: %.1f us per event (process, all threads); load average before %s, after %s%n",
                cpuNanos / 1e3 / events, loadBefore, loadAfter);
        System.out.printf(Locale.ROOT, "heap: used after run %d MB, peak during run %d MB, max %d MB%n",
                heapUsed >> 20, peakHeap >> 20, Runtime.getRuntime().maxMemory() >> 20);

        Path segments = properties.auditDir().resolve("segments");
        long totalEvents = recorder.log().lastSeq();
        long bytes;
        try (Stream<Path> files = Files.list(segments)) {
            bytes = files.mapToLong(p -> p.toFile().length()).sum();
        }
        long verifyStart = System.nanoTime();
        AuditVerificationResult verified = new AuditVerifier(AuditSigningKeys.readPublicKey(properties.resolvedPublicKeyFile()))
                .verify(segments);
        System.out.printf(Locale.ROOT, "log: %d MB on disk (%d bytes/event); verify: %s in %.2f s%n",
                bytes >> 20, bytes / Math.max(1, totalEvents), verified.summary(),
                (System.nanoTime() - verifyStart) / 1e9);
    }

    private record Result(long nanos, long[] latencies) {
    }

    private static Result run(AuditRecorder recorder, int events, int threads, int durableEvery) throws InterruptedException {
        int perThread = events / threads;
        long[][] latencies = new long[threads][];
        AtomicLong counter = new AtomicLong();
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            int id = t;
            int count = t == threads - 1 ? events - perThread * (threads - 1) : perThread;
            latencies[t] = new long[durableEvery > 0 ? count / durableEvery + 1 : 0];
            Thread thread = new Thread(() -> {
                int n = 0;
                try {
                    start.await();
                    for (int i = 0; i < count; i++) {
                        long msg = counter.incrementAndGet();
                        AuditEvent.Builder event = AuditEvent.builder(i % 4 == 0 ? AuditStep.RECEIVED : AuditStep.PUBLISHED)
                                .route("hl7-inbound-mllp")
                                .actor("LAB^HOSPITAL")
                                .ref(AuditRef.CONTROL_ID, "MSG" + msg)
                                .ref(AuditRef.CHANNEL, "hl7-inbound-mllp")
                                .ref(AuditRef.PATIENT_PSEUDONYM, "p-3f2a9c41d0b7e6a1")
                                .ref(AuditRef.EXCHANGE_ID, "ex-" + id + "-" + i)
                                .checksum("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
                        if (durableEvery > 0 && i % durableEvery == 0) {
                            long t0 = System.nanoTime();
                            recorder.recordDurably(event);
                            latencies[id][n++] = System.nanoTime() - t0;
                        } else {
                            recorder.record(event);
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    latencies[id] = Arrays.copyOf(latencies[id], n);
                    done.countDown();
                }
            }, "bench-" + t);
            thread.start();
        }
        long t0 = System.nanoTime();
        start.countDown();
        done.await();
        long nanos = System.nanoTime() - t0;
        return new Result(nanos, Stream.of(latencies).flatMapToLong(Arrays::stream).toArray());
    }

    private static double pct(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))] / 1e6;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** The 1-minute load average (Linux), because other processes on the machine change the numbers. */
    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (Exception e) {
            return "n/a";
        }
    }

    private static long heapUsed() {
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    private static String arg(String[] args, String name, String fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
