package org.clinicaldatahub.hub.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.clinicaldatahub.hub.hl7.support.SyntheticHl7;

/**
 * MLLP load generator: drives N concurrent connections against a running hub, sends
 * {@link SyntheticHl7} messages (mixed types, versions 2.1..2.8.1, ASCII / 8859/1 / UTF-8),
 * checks every answer is {@code AA} with MSA-2 equal to the MSH-10 sent, and reports throughput,
 * ACK latency percentiles and the hub's heap. It never starts the hub itself.
 *
 * <p>Run: {@code mvn -Pbench test-compile exec:java -Dbench.port=2575 -Dbench.connections=8 -Dbench.messages=50000}
 * (or pass {@code key=value} arguments to {@code main}; arguments win over properties).
 *
 * <table>
 *   <caption>Properties</caption>
 *   <tr><th>property</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>bench.host</td><td>localhost</td><td>hub MLLP host</td></tr>
 *   <tr><td>bench.port</td><td>2575</td><td>hub MLLP port (2575 is the IANA port for HL7 over MLLP)</td></tr>
 *   <tr><td>bench.connections</td><td>8</td><td>concurrent connections, one thread each</td></tr>
 *   <tr><td>bench.messages</td><td>50000</td><td>measured messages in total, split evenly over connections</td></tr>
 *   <tr><td>bench.warmup</td><td>2000</td><td>messages in total sent before measuring (JIT, pools, Kafka metadata)</td></tr>
 *   <tr><td>bench.window</td><td>1</td><td>messages in flight per connection; above 1 they are pipelined
 *       (written back to back in one write before their ACKs are read)</td></tr>
 *   <tr><td>bench.seed</td><td>42</td><td>generator seed; connection i uses a stream derived from it</td></tr>
 *   <tr><td>bench.patients</td><td>1000</td><td>fake patient pool size (Kafka keys / per-patient ordering)</td></tr>
 *   <tr><td>bench.versions</td><td>all</td><td>comma list to restrict HL7 versions, e.g. {@code 2.3,2.5.1}</td></tr>
 *   <tr><td>bench.types</td><td>all</td><td>comma list to restrict message types, e.g. {@code ADT^A01,ORU^R01}</td></tr>
 *   <tr><td>bench.ackTimeoutMs</td><td>30000</td><td>wait for one ACK; on timeout the connection stops and its
 *       remaining messages count as unanswered</td></tr>
 *   <tr><td>bench.tls</td><td>false</td><td>connect with the JVM's default {@code SSLSocketFactory}
 *       (set {@code javax.net.ssl.trustStore} for the hub's certificate)</td></tr>
 *   <tr><td>bench.actuator</td><td>http://host:8080</td><td>actuator base URL for the heap reading;
 *       {@code none} skips it</td></tr>
 *   <tr><td>bench.user / bench.password</td><td>(none)</td><td>basic-auth credentials for the actuator</td></tr>
 *   <tr><td>bench.runId</td><td>B + 5 base-36 chars of the clock</td><td>MSH-10 prefix (plus connection
 *       number), unique per run because the hub de-duplicates on sending facility + MSH-10</td></tr>
 *   <tr><td>bench.progressSeconds</td><td>5</td><td>progress line interval, 0 for none</td></tr>
 * </table>
 *
 * <p>Latency is measured per message from the write of its frame to the read of its ACK, in
 * microseconds, recorded in an HdrHistogram (on the classpath through micrometer-core). With a
 * window above 1 it includes the time a message waits behind earlier ones on the connection.
 * {@code main} throws when any message failed, so {@code exec:java} ends with a build failure.
 */
public final class MllpBench {

    /** Aggregated outcome of a run. */
    public record Result(long ok, long mismatched, long unreadable, long unanswered, Map<String, Long> nonAccept,
            Duration elapsed, Histogram latencyMicros, String heapBefore, String heapAfter, List<String> errors) {

        public long failures() {
            return mismatched + unreadable + unanswered + nonAccept.values().stream().mapToLong(Long::longValue).sum();
        }

        public double messagesPerSecond() {
            long answered = latencyMicros.getTotalCount();
            return elapsed.isZero() ? 0 : answered / (elapsed.toNanos() / 1e9);
        }
    }

    private final BenchConfig config;
    private final PrintStream out;

    MllpBench(BenchConfig config, PrintStream out) {
        this.config = config;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        BenchConfig config = BenchConfig.from(args, System.getProperties());
        Result result = new MllpBench(config, System.out).run();
        if (result.failures() > 0) {
            throw new IllegalStateException(result.failures() + " of " + config.messages() + " messages failed");
        }
    }

    Result run() throws Exception {
        out.printf(Locale.ROOT, "MLLP bench %s: %s:%d%s, %d connections, window %d, %d messages (+%d warm-up), seed %d%n",
                config.runId(), config.host(), config.port(), config.tls() ? " (TLS)" : "", config.connections(),
                config.window(), config.messages(), config.warmup(), config.seed());
        SyntheticHl7 base = new SyntheticHl7(config.seed(), config.patients());
        if (!config.versions().isEmpty()) {
            base.versions(config.versions().toArray(String[]::new));
        }
        if (!config.types().isEmpty()) {
            base.messageTypes(config.types().toArray(String[]::new));
        }
        HubHeap heap = new HubHeap(config.actuator(), config.user(), config.password());
        CountDownLatch warmedUp = new CountDownLatch(config.connections());
        CountDownLatch go = new CountDownLatch(1);
        AtomicLong progress = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(config.connections());
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-progress");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<BenchConnection.Stats>> futures = new ArrayList<>();
            for (int i = 0; i < config.connections(); i++) {
                SyntheticHl7 gen = base.fork(config.seed() * 1_000_003L + i, config.runId() + Integer.toString(i, 36));
                futures.add(pool.submit(new BenchConnection(config, i, gen, warmedUp, go, progress)));
            }
            warmedUp.await();
            String heapBefore = heap.describe();
            long start = System.nanoTime();
            if (!config.progressEvery().isZero()) {
                long every = config.progressEvery().toMillis();
                ticker.scheduleAtFixedRate(() -> out.printf(Locale.ROOT, "  ... %d/%d acked, %.0f msg/s%n",
                        progress.get(), config.messages(), progress.get() / ((System.nanoTime() - start) / 1e9)),
                        every, every, TimeUnit.MILLISECONDS);
            }
            go.countDown();
            List<BenchConnection.Stats> stats = new ArrayList<>();
            for (Future<BenchConnection.Stats> f : futures) {
                stats.add(f.get());
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            ticker.shutdownNow();
            Result result = merge(stats, elapsed, heapBefore, heap.describe());
            print(result);
            printArchiveLag(heap);
            return result;
        } finally {
            ticker.shutdownNow();
            pool.shutdownNow();
        }
    }

    /** The archive keeps up when its lag right after the run is small and drains within seconds. */
    private void printArchiveLag(HubHeap hub) throws InterruptedException {
        long atEnd = hub.archiveLag();
        if (atEnd < 0) {
            out.println("  archive lag  unavailable");
            return;
        }
        long waitedMs = 0;
        long lag = atEnd;
        while (lag > 0 && waitedMs < 30_000) {
            Thread.sleep(500);
            waitedMs += 500;
            lag = hub.archiveLag();
        }
        out.printf(Locale.ROOT, "  archive lag  %d messages at the end of the run; %d after %.1f s%n", atEnd, lag,
                waitedMs / 1000.0);
    }

    private static Result merge(List<BenchConnection.Stats> stats, Duration elapsed, String heapBefore, String heapAfter) {
        Histogram all = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
        long ok = 0;
        long mismatched = 0;
        long unreadable = 0;
        long unanswered = 0;
        Map<String, Long> nonAccept = new TreeMap<>();
        List<String> errors = new ArrayList<>();
        for (BenchConnection.Stats s : stats) {
            all.add(s.latencyMicros);
            ok += s.ok;
            mismatched += s.mismatched;
            unreadable += s.unreadable;
            unanswered += s.unanswered;
            s.nonAccept.forEach((k, v) -> nonAccept.merge(k, v, Long::sum));
            errors.addAll(s.errors);
        }
        return new Result(ok, mismatched, unreadable, unanswered, nonAccept, elapsed, all, heapBefore, heapAfter, errors);
    }

    private void print(Result r) {
        Histogram h = r.latencyMicros();
        out.printf(Locale.ROOT, "  messages     %d acked (%d AA) in %.3f s  ->  %.1f msg/s%n",
                h.getTotalCount(), r.ok(), r.elapsed().toNanos() / 1e9, r.messagesPerSecond());
        if (h.getTotalCount() > 0) {
            out.printf(Locale.ROOT, "  ACK latency  p50 %s  p90 %s  p99 %s  p99.9 %s  max %s%n",
                    ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(99)),
                    ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()));
        }
        out.printf(Locale.ROOT, "  failures     %d (not AA %s, MSA-2 mismatch %d, unreadable ACK %d, unanswered %d)%n",
                r.failures(), r.nonAccept().isEmpty() ? "0" : r.nonAccept().toString(), r.mismatched(),
                r.unreadable(), r.unanswered());
        out.printf("  hub heap     before: %s; after: %s%n", r.heapBefore(), r.heapAfter());
        for (String e : r.errors()) {
            out.println("  error        " + e);
        }
    }

    private static String ms(long micros) {
        return String.format(Locale.ROOT, "%.3f ms", micros / 1000.0);
    }
}
