package org.clinicaldatahub.hub.dicom;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.clinicaldatahub.hub.dicom.support.ChildHub;
import org.clinicaldatahub.hub.storage.Sha256;

/**
 * The spool alone, on the disk of {@code dir}: what it costs to make one received instance
 * durable before its C-STORE-RSP, as a file of its own (new file, description, renames, forces of
 * both and of the directory) versus in a preallocated slot (header, one fdatasync). Alternates the
 * two layouts instance by instance, so both see the same disk; prints median and p90 wall time
 * from "received" to "kept", and the CPU time of the keeping thread, per layout. The drain is
 * simulated after every batch (copies, removes) so slots are reused as in the hub.
 *
 * <p>Run: {@code java -cp target/test-classes:target/classes:... org.clinicaldatahub.hub.dicom.DicomSpoolBench
 * [instances=400] [size=525000] [dir=/tmp/spool-bench]}
 */
public final class DicomSpoolBench {

    public static void main(String[] args) throws Exception {
        int instances = 400;
        int size = 525_000;
        Path dir = Path.of("/tmp/spool-bench");
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            switch (kv[0]) {
                case "instances" -> instances = Integer.parseInt(kv[1]);
                case "size" -> size = Integer.parseInt(kv[1]);
                case "dir" -> dir = Path.of(kv[1]);
                default -> throw new IllegalArgumentException(arg);
            }
        }
        ChildHub.deleteRecursively(dir);
        byte[] bytes = new byte[size];
        new Random(5).nextBytes(bytes);
        String sha = Sha256.hexDigest(bytes);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long[][] wall = new long[2][instances];
        long[][] cpu = new long[2][instances];
        try (DicomSpool files = new DicomSpool(dir.resolve("files"));
                DicomSpool slots = new DicomSpool(dir.resolve("slots"), 64, 1 << 20);
                DefaultCamelContext camel = new DefaultCamelContext()) {
            Path incoming = Files.createDirectories(dir.resolve("incoming"));
            while (slots.claimSlot() == null) {
                Thread.sleep(100);
            }
            Thread.sleep(3000); // the rest created in the background
            for (int i = 0; i < instances + 20; i++) {
                for (int layout = 0; layout < 2; layout++) {
                    String uid = "1.2.3." + i;
                    long t0 = System.nanoTime();
                    long c0 = threads.getCurrentThreadCpuTime();
                    if (layout == 0) {
                        Path file = incoming.resolve(UUID.randomUUID() + ".dcm");
                        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW,
                                StandardOpenOption.WRITE)) {
                            write(channel, bytes, 0);
                            files.keep(instance(file, uid, size, sha), "key-" + uid, channel, null);
                        }
                    } else {
                        SpoolSlots.Slot slot = slots.claimSlot();
                        write(slot.channel, bytes, SpoolSlots.HEADER);
                        slots.keep(instance(slot.file, uid, size, sha), "key-" + uid, slot.channel, null);
                    }
                    if (i >= 20) {
                        wall[layout][i - 20] = System.nanoTime() - t0;
                        cpu[layout][i - 20] = threads.getCurrentThreadCpuTime() - c0;
                    }
                }
                if (i % 50 == 49) {
                    drain(files, camel);
                    drain(slots, camel);
                }
            }
        } finally {
            ChildHub.deleteRecursively(dir);
        }
        String[] names = {"file of its own", "preallocated slot"};
        for (int layout = 0; layout < 2; layout++) {
            System.out.printf(Locale.ROOT, "%-18s %d x %d bytes: wall median %.3f ms p90 %.3f ms, cpu median %.3f ms%n",
                    names[layout], instances, size, quantile(wall[layout], 0.5), quantile(wall[layout], 0.9),
                    quantile(cpu[layout], 0.5));
        }
    }

    private static void write(FileChannel channel, byte[] bytes, long at) throws Exception {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer, at + buffer.position());
        }
    }

    private static ReceivedInstance instance(Path file, String uid, long size, String sha) {
        return new ReceivedInstance(file, size, sha, 0, "1.2.840.10008.5.1.4.1.1.2", uid, "1.2.3", "1.2.3.0", "CT",
                "1.2.840.10008.1.2.1", "BENCH", "127.0.0.1", "a1", null);
    }

    private static void drain(DicomSpool spool, DefaultCamelContext camel) throws Exception {
        for (ReceivedInstance instance : spool.pending()) {
            Exchange exchange = new DefaultExchange(camel);
            exchange.getMessage().setHeader(DicomInstanceStore.INSTANCE_HEADER, instance);
            spool.remove(exchange);
        }
    }

    private static double quantile(long[] nanos, double q) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))] / 1e6;
    }
}
