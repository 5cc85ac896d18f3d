package org.clinicaldatahub.hub.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.clinicaldatahub.hub.dicom.support.ChildHub;
import org.clinicaldatahub.hub.dicom.support.Dcmtk;
import org.clinicaldatahub.hub.dicom.support.SyntheticMultiFrame;
import org.clinicaldatahub.hub.support.TcpProxy;

/**
 * C-STORE benchmark on loopback, side by side in one run with the same files: DCMTK
 * {@code storescu} into DCMTK {@code storescp} (writing Part 10 files to disk) versus
 * {@code storescu} into the hub (with {@code hub.dicom.acknowledge-after} as given: {@code spooled}
 * answers once the instance is fsync'd into the local spool and the drain puts it into the
 * embedded S3 server, {@code stored} answers once it is in S3 with its event on Kafka). Small
 * instances are ~512 KB CT slices, large ones ~50 MB multi-frame images; each round sends all
 * files of one size in one association, and every instance gets a fresh SOP Instance UID per
 * target, so the hub never skips an upload as "already stored". After a hub round the bench waits
 * until the hub's spool is empty (every instance in S3 with its event published) and reports that
 * time too, then until the hub is idle again (its research copies of the round done), so no
 * drain or research-copy work spills into the next round. {@code TCP_NODELAY=1} is in the
 * environment of every DCMTK process (DCMTK 3.6.7 leaves Nagle on without it). Prints
 * instances/s and MB/s per target and size, the hub/storescp ratio, and the receiver's CPU time
 * per instance (utime + stime from /proc of storescp, or of the hub JVM and its S3 server child,
 * until acknowledged and until idle again; "all in S3" CPU counts everything the round caused).
 *
 * <p>Run: {@code mvn -Pbench test-compile exec:java -Dbench.main=org.clinicaldatahub.hub.bench.DicomBench}
 * (or {@code java -cp ... org.clinicaldatahub.hub.bench.DicomBench key=value ...}).
 *
 * <table>
 *   <caption>Properties</caption>
 *   <tr><th>property</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>bench.small</td><td>200</td><td>small instances per round</td></tr>
 *   <tr><td>bench.large</td><td>10</td><td>large instances per round (0: none)</td></tr>
 *   <tr><td>bench.rounds</td><td>8</td><td>rounds per target and size (the hub is still warming up, JIT, until about round 6 of 200 small instances)</td></tr>
 *   <tr><td>bench.dicomPort</td><td>0</td><td>DICOM port of a running hub (AE HUB, calling AE STORESCU
 *       allowed); 0 starts a hub as a child JVM on the test profile with the embedded S3 server</td></tr>
 *   <tr><td>bench.heap</td><td>1g</td><td>heap of that child hub</td></tr>
 *   <tr><td>bench.acknowledgeAfter</td><td>spooled</td><td>{@code hub.dicom.acknowledge-after} of that child hub</td></tr>
 *   <tr><td>bench.ports</td><td>21112,21092,21093,21575,21000,21180</td><td>that child hub's DICOM, Kafka,
 *       Kafka controller, MLLP, S3 and (unused) test-EHR ports: fixed, so benchmarks of several engineers on one
 *       machine do not race for ports; {@code free} takes any free ones</td></tr>
 *   <tr><td>bench.hubArgs</td><td></td><td>further {@code --name=value} arguments for that child hub, separated by
 *       spaces (e.g. {@code --hub.deid.dicom.enabled=false} for the DICOM channel without its research copy)</td></tr>
 *   <tr><td>bench.jvm</td><td></td><td>further JVM options for that child hub, separated by spaces (e.g. a flight
 *       recording)</td></tr>
 *   <tr><td>bench.idleWait</td><td>300</td><td>seconds to wait at most, after the spool is empty, for the hub to
 *       go idle before the next round (its research copies and audit shipping done)</td></tr>
 *   <tr><td>bench.s3Delay</td><td>0</td><td>milliseconds each way between that child hub and its S3 server (a
 *       forwarder that delays every byte, as a WAN would; bandwidth stays loopback's): the spool drain's rate into a
 *       distant object store, e.g. against {@code --hub.dicom.spool-drain-uploads=1}</td></tr>
 *   <tr><td>bench.dir</td><td>/tmp/hub-dicom-bench</td><td>files, storescp's output and the child hub's data
 *       (deleted at the end)</td></tr>
 * </table>
 */
public final class DicomBench {

    private static final String CT = "1.2.840.10008.5.1.4.1.1.2";
    private static final String ROOT = "1.2.826.0.1.3680043.2.1143.77.";

    private final int small;
    private final int large;
    private final int rounds;
    private final int hubPort;
    private final String heap;
    private final String acknowledgeAfter;
    private final String ports;
    private final List<String> hubArgs;
    private final List<String> jvm;
    private final Path dir;
    private final Duration idleWait;
    private final Duration s3Delay;
    private final PrintStream out;
    private final String run = Long.toString(System.currentTimeMillis() % 1_000_000_000L);

    DicomBench(Map<String, String> config, PrintStream out) {
        this.small = Integer.parseInt(config.getOrDefault("small", "200"));
        this.large = Integer.parseInt(config.getOrDefault("large", "10"));
        this.rounds = Integer.parseInt(config.getOrDefault("rounds", "8"));
        this.hubPort = Integer.parseInt(config.getOrDefault("dicomPort", "0"));
        this.heap = config.getOrDefault("heap", "1g");
        this.acknowledgeAfter = config.getOrDefault("acknowledgeAfter", "spooled");
        this.ports = config.getOrDefault("ports", "21112,21092,21093,21575,21000,21180");
        this.hubArgs = words(config.getOrDefault("hubArgs", ""));
        this.jvm = words(config.getOrDefault("jvm", ""));
        this.dir = Path.of(config.getOrDefault("dir", "/tmp/hub-dicom-bench"));
        this.idleWait = Duration.ofSeconds(Long.parseLong(config.getOrDefault("idleWait", "300")));
        this.s3Delay = Duration.ofMillis(Long.parseLong(config.getOrDefault("s3Delay", "0")));
        this.out = out;
    }

    private static List<String> words(String value) {
        return value.isBlank() ? List.of() : List.of(value.trim().split("\\s+"));
    }

    public static void main(String[] args) throws Exception {
        new DicomBench(config(args), System.out).run();
    }

    /** {@code bench.*} system properties, then {@code key=value} arguments (which win). */
    static Map<String, String> config(String[] args) {
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
        return config;
    }

    /**
     * One measured round: instances sent, their bytes, the wall time from storescu's start to its
     * exit, the receiver's CPU time in that time; for the hub also the time and CPU until its spool
     * was empty again (zero for storescp).
     */
    record Round(String target, String size, int instances, long bytes, Duration elapsed, Duration cpu,
            Duration drained, Duration drainCpu) {
        double instancesPerSecond() {
            return instances / (elapsed.toNanos() / 1e9);
        }

        double megabytesPerSecond() {
            return bytes / 1e6 / (elapsed.toNanos() / 1e9);
        }

        double drainedPerSecond() {
            return instances / (elapsed.plus(drained).toNanos() / 1e9);
        }

        double cpuMillisPerInstance() {
            return cpu.toNanos() / 1e6 / instances;
        }

        double totalCpuMillisPerInstance() {
            return cpu.plus(drainCpu).toNanos() / 1e6 / instances;
        }
    }

    void run() throws Exception {
        if (!Dcmtk.available()) {
            throw new IllegalStateException("DCMTK (apt-get install dcmtk) is required");
        }
        ChildHub.deleteRecursively(dir);
        Files.createDirectories(dir);
        ChildHub hub = null;
        TcpProxy wan = null;
        Process storescp = null;
        try {
            int port = hubPort;
            if (port == 0) {
                ChildHub.Ports hubPorts = ChildHub.Ports.free();
                int s3Port = ChildHub.freePort();
                List<String> args = new ArrayList<>(List.of("--hub.dicom.acknowledge-after=" + acknowledgeAfter));
                if (!ports.equals("free")) {
                    int[] p = java.util.Arrays.stream(ports.split(",")).mapToInt(Integer::parseInt).toArray();
                    hubPorts = new ChildHub.Ports(p[0], p[1], p[2], p[3], ChildHub.freePort());
                    s3Port = p[4];
                    args.add("--hub.test.fhir-ehr-port=" + p[5]);
                }
                args.addAll(hubArgs);
                out.println("starting a hub (child JVM, -Xmx" + heap + ", embedded Kafka and S3, " + args + " "
                        + jvm + ") ...");
                int storagePort = s3Port;
                if (!s3Delay.isZero()) {
                    wan = new TcpProxy(s3Port, s3Delay);
                    storagePort = wan.port();
                    out.println("the hub reaches its S3 server through a forwarder adding " + s3Delay.toMillis()
                            + " ms each way");
                }
                hub = ChildHub.start(dir.resolve("hub"), heap, jvm, hubPorts, s3Port, "http://127.0.0.1:" + storagePort,
                        args.toArray(String[]::new));
                port = hub.dicomPort;
            }
            int scpPort = ChildHub.freePort();
            Path received = Files.createDirectories(dir.resolve("storescp"));
            ProcessBuilder scp = new ProcessBuilder("storescp", "-aet", "STORESCP", "-od", received.toString(),
                    Integer.toString(scpPort)).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("storescp.log").toFile());
            scp.environment().put("TCP_NODELAY", "1");
            storescp = scp.start();
            Thread.sleep(500);
            ProcessHandle scpProcess = storescp.toHandle();
            ProcessHandle hubProcess = hub == null ? null : hub.process();
            Path pending = dir.resolve("hub").resolve("dicom-spool").resolve("pending");
            out.printf(Locale.ROOT, "load average at start: %s%n", loadAverage());

            List<Round> results = new ArrayList<>();
            for (String size : List.of("small", "large")) {
                int count = size.equals("small") ? small : large;
                if (count == 0) {
                    continue;
                }
                int frames = size.equals("small") ? 1 : 100;
                String sopClass = size.equals("small") ? CT : SyntheticMultiFrame.SOP_CLASS;
                for (int round = 1; round <= rounds; round++) {
                    for (String target : List.of("storescp", "hub")) {
                        Path files = dir.resolve("files-" + size + "-" + round + "-" + target);
                        long bytes = generate(files, sopClass, frames, count, size + round + target);
                        boolean toHub = target.equals("hub");
                        Round result = send(target, size, files, count, bytes, toHub ? "HUB" : "STORESCP",
                                toHub ? port : scpPort, toHub ? hubProcess : scpProcess, toHub ? pending : null);
                        results.add(result);
                        out.printf(Locale.ROOT, "%-5s round %d  %-8s  %4d instances  %8.1f MB  %7.2f s  %8.1f inst/s  %7.1f MB/s"
                                + "  cpu %6.1f ms/inst  | in S3 after +%6.2f s: %7.1f inst/s, cpu %6.1f ms/inst  | load %s%n",
                                size, round, target, count, bytes / 1e6, result.elapsed().toMillis() / 1000.0,
                                result.instancesPerSecond(), result.megabytesPerSecond(), result.cpuMillisPerInstance(),
                                result.drained().toMillis() / 1000.0, result.drainedPerSecond(),
                                result.totalCpuMillisPerInstance(), loadAverage());
                        ChildHub.deleteRecursively(files);
                        clear(received);
                    }
                }
            }
            summary(results);
        } finally {
            if (storescp != null) {
                storescp.destroy();
                storescp.waitFor(10, TimeUnit.SECONDS);
            }
            if (hub != null) {
                hub.close();
            }
            if (wan != null) {
                wan.close();
            }
            ChildHub.deleteRecursively(dir);
        }
    }

    private long generate(Path files, String sopClass, int frames, int count, String tag) throws IOException {
        Files.createDirectories(files);
        String study = ROOT + run + "." + Math.abs(tag.hashCode()) + ".1";
        String series = ROOT + run + "." + Math.abs(tag.hashCode()) + ".2";
        long bytes = 0;
        for (int i = 1; i <= count; i++) {
            Path file = files.resolve(i + ".dcm");
            SyntheticMultiFrame.write(file, sopClass, study, series,
                    ROOT + run + "." + Math.abs(tag.hashCode()) + ".3." + i, frames);
            bytes += Files.size(file);
        }
        return bytes;
    }

    private Round send(String target, String size, Path files, int count, long bytes, String calledAe, int port,
            ProcessHandle receiver, Path pending) throws Exception {
        List<String> command = new ArrayList<>(List.of("storescu", "-aet", "STORESCU", "-aec", calledAe, "-xe",
                "+sd", "localhost", Integer.toString(port), files.toString()));
        long cpu0 = cpuNanos(receiver);
        Map<String, Map.Entry<String, Long>> threads0 = pending == null ? Map.of() : threadTicks(receiver);
        long start = System.nanoTime();
        Dcmtk.Result result = Dcmtk.run(command, Duration.ofMinutes(30));
        long end = System.nanoTime();
        long cpu1 = cpuNanos(receiver);
        Map<String, Map.Entry<String, Long>> threads1 = pending == null ? Map.of() : threadTicks(receiver);
        Duration elapsed = Duration.ofNanos(end - start);
        if (result.exitCode() != 0 || result.output().contains("E:") || result.output().contains("Status")) {
            throw new IllegalStateException(target + " " + size + ": storescu failed (exit " + result.exitCode()
                    + "):\n" + result.output());
        }
        Duration drained = Duration.ZERO;
        long cpu2 = cpu1;
        if (pending != null) {
            long deadline = end + Duration.ofMinutes(30).toNanos();
            while (spooled(pending) > 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(target + " " + size + ": spool not drained within 30 min");
                }
                Thread.sleep(50);
            }
            drained = Duration.ofNanos(System.nanoTime() - end);
            Duration settled = awaitIdle(receiver, idleWait);
            cpu2 = cpuNanos(receiver);
            out.println("    hub CPU ms/instance by thread, until acknowledged:" + threadCpu(threads0, threads1, count));
            out.printf(Locale.ROOT, "    ... and until idle again (+%.1f s after the spool was empty; research copies, audit"
                    + " shipping):%s%n", settled.toMillis() / 1000.0, threadCpu(threads1, threadTicks(receiver), count));
        }
        return new Round(target, size, count, bytes, elapsed, Duration.ofNanos(cpu1 - cpu0), drained,
                Duration.ofNanos(cpu2 - cpu1));
    }

    /**
     * Waits until the hub uses less than 5% of a core over a second (at most {@code wait}): the
     * research copies of the round (consumers of hub.dicom.stored) and audit shipping run on after
     * the spool is empty, and must not run into the next round.
     */
    private static Duration awaitIdle(ProcessHandle hub, Duration wait) throws IOException, InterruptedException {
        long start = System.nanoTime();
        long deadline = start + wait.toNanos();
        long before = cpuNanos(hub);
        while (System.nanoTime() < deadline) {
            Thread.sleep(1000);
            long now = cpuNanos(hub);
            if (now - before < 50_000_000L) {
                break;
            }
            before = now;
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /**
     * Instances in the hub's spool: descriptions in {@code pending}, and slots beside it whose
     * header starts with the magic of a kept one (read here, not through the hub's classes, so the
     * bench also measures builds from before the slots).
     */
    private static long spooled(Path pending) throws IOException {
        long count = 0;
        for (Path dir : List.of(pending, pending.resolveSibling("slots"))) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (var files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    String name = file.getFileName().toString();
                    if (name.endsWith(".json") || name.endsWith(".slot") && keptSlot(file)) {
                        count++;
                    }
                }
            }
        }
        return count;
    }

    private static boolean keptSlot(Path file) {
        try (var in = Files.newInputStream(file)) {
            return java.util.Arrays.equals(in.readNBytes(8), "HUBSLOT1".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        } catch (IOException gone) {
            return false;
        }
    }

    /**
     * CPU ticks per thread of a process and its descendants, keyed by process and thread id, with
     * the thread's name (digits folded to {@code #}, so pool threads group together).
     */
    static Map<String, Map.Entry<String, Long>> threadTicks(ProcessHandle process) throws IOException {
        Map<String, Map.Entry<String, Long>> ticks = new HashMap<>();
        if (process == null) {
            return ticks;
        }
        List<ProcessHandle> all = new ArrayList<>(List.of(process));
        all.addAll(process.descendants().toList());
        for (ProcessHandle p : all) {
            Path tasks = Path.of("/proc", Long.toString(p.pid()), "task");
            if (!Files.isDirectory(tasks)) {
                continue;
            }
            try (var ids = Files.list(tasks)) {
                for (Path task : ids.toList()) {
                    try {
                        String line = Files.readString(task.resolve("stat"));
                        String name = line.substring(line.indexOf('(') + 1, line.lastIndexOf(')')).replaceAll("[0-9]+", "#");
                        String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
                        ticks.put(p.pid() + "/" + task.getFileName(), Map.entry((p == process ? "" : "child:") + name,
                                Long.parseLong(fields[11]) + Long.parseLong(fields[12])));
                    } catch (IOException | RuntimeException gone) {
                        // the thread ended meanwhile
                    }
                }
            }
        }
        return ticks;
    }

    /** The CPU milliseconds per instance of each thread name between two {@link #threadTicks} snapshots, top ones. */
    static String threadCpu(Map<String, Map.Entry<String, Long>> before, Map<String, Map.Entry<String, Long>> after,
            int instances) {
        Map<String, Long> byName = new HashMap<>();
        after.forEach((id, e) -> {
            long was = before.containsKey(id) ? before.get(id).getValue() : 0;
            byName.merge(e.getKey(), e.getValue() - was, Long::sum);
        });
        StringBuilder text = new StringBuilder();
        byName.entrySet().stream().filter(e -> e.getValue() > 0)
                .sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(14)
                .forEach(e -> text.append(String.format(Locale.ROOT, "  %s %.1f", e.getKey(),
                        e.getValue() * 10.0 / instances)));
        return text.toString();
    }

    /** utime + stime of a process and its descendants (Linux /proc, clock ticks of 10 ms); 0 without one. */
    static long cpuNanos(ProcessHandle process) throws IOException {
        if (process == null) {
            return 0;
        }
        long ticks = 0;
        List<ProcessHandle> all = new ArrayList<>(List.of(process));
        all.addAll(process.descendants().toList());
        for (ProcessHandle p : all) {
            Path stat = Path.of("/proc", Long.toString(p.pid()), "stat");
            if (!Files.exists(stat)) {
                continue;
            }
            String line = Files.readString(stat);
            // fields after the command name (which is in parentheses and may hold spaces); utime and stime are 14 and 15
            String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
            ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        }
        return ticks * 10_000_000L;
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "?";
        }
    }

    private void summary(List<Round> results) {
        out.println();
        out.println("best round per target and size (wall time of one storescu association; hub: acknowledge-after "
                + acknowledgeAfter + "):");
        for (String size : List.of("small", "large")) {
            if (results.stream().noneMatch(r -> r.size().equals(size))) {
                continue;
            }
            Round scp = best(results, "storescp", size);
            Round hub = best(results, "hub", size);
            out.printf(Locale.ROOT, "%-5s storescp %8.1f inst/s %7.1f MB/s cpu %6.1f ms/inst | hub %8.1f inst/s %7.1f MB/s"
                    + " cpu %6.1f ms/inst, all in S3 %7.1f inst/s cpu %6.1f ms/inst | hub/storescp %.2fx%n",
                    size, scp.instancesPerSecond(), scp.megabytesPerSecond(), scp.cpuMillisPerInstance(),
                    hub.instancesPerSecond(), hub.megabytesPerSecond(), hub.cpuMillisPerInstance(),
                    hub.drainedPerSecond(), hub.totalCpuMillisPerInstance(),
                    hub.instancesPerSecond() / scp.instancesPerSecond());
        }
    }

    private static Round best(List<Round> results, String target, String size) {
        return results.stream().filter(r -> r.target().equals(target) && r.size().equals(size))
                .max((a, b) -> Double.compare(a.instancesPerSecond(), b.instancesPerSecond())).orElseThrow();
    }

    private static void clear(Path received) throws IOException {
        try (var files = Files.list(received)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
