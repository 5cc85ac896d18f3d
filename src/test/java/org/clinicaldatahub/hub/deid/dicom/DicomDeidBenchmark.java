package org.clinicaldatahub.hub.deid.dicom;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.clinicaldatahub.hub.dicom.data.DicomWriter;
import org.clinicaldatahub.hub.dicom.data.FileMetaInformation;
import org.clinicaldatahub.hub.dicom.data.Tag;
import org.clinicaldatahub.hub.dicom.data.TransferSyntax;
import org.clinicaldatahub.hub.dicom.data.Vr;

/**
 * Throughput, latency and heap of {@link DicomDeidentifier} on Part 10 files, disk to disk, the
 * way route {@code deid-internal-dicom} uses it (work file in, work file out): ~500 KB CT images
 * (512 x 512 x 16 bit) and ~50 MB multi-frame instances (100 frames), each with a header of
 * identifying attributes, a nested sequence and private attributes. The peak heap after the
 * run shows that pixel data streams (run it with a small -Xmx to prove it).
 * <pre>
 * mvn -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -Xmx64m -cp target/classes:target/test-classes:$(cat target/cp.txt) \
 *     org.clinicaldatahub.hub.deid.dicom.DicomDeidBenchmark --ct 2000 --multiframe 10 --threads 2
 * </pre>
 */
public final class DicomDeidBenchmark {

    private DicomDeidBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int ct = 2000;
        int multiframe = 10;
        int threads = 2;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--ct" -> ct = Integer.parseInt(args[i + 1]);
                case "--multiframe" -> multiframe = Integer.parseInt(args[i + 1]);
                case "--threads" -> threads = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path dir = Files.createTempDirectory("deid-bench");
        DicomDeidProfile profile = DicomDeidProfile.load(Path.of("mappings/deid/dicom-basic.yaml"));
        DicomDeidentifier deidentifier = new DicomDeidentifier(profile, new TestPseudonymizer());
        List<Path> cts = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            cts.add(write(dir.resolve("ct-" + i + ".dcm"), i, 1, 512, 512));
        }
        Path big = write(dir.resolve("mf.dcm"), 99, 100, 512, 512);
        System.out.printf(Locale.ROOT, "inputs: CT %d bytes, multi-frame %d bytes; heap max %d MiB; %d cores%n",
                Files.size(cts.get(0)), Files.size(big), Runtime.getRuntime().maxMemory() >> 20,
                Runtime.getRuntime().availableProcessors());
        run("CT warm-up", deidentifier, cts, Math.min(ct, 300), threads, dir);
        run("CT ~500 KB", deidentifier, cts, ct, threads, dir);
        run("CT ~500 KB, 1 thread", deidentifier, cts, ct / 2, 1, dir);
        run("multi-frame ~50 MB", deidentifier, List.of(big), multiframe, threads, dir);
        System.out.println("load average: " + Files.readString(Path.of("/proc/loadavg")).trim());
    }

    private static void run(String label, DicomDeidentifier deidentifier, List<Path> inputs, int count, int threads,
            Path dir) throws Exception {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
        long[] latencies = new long[count];
        java.util.concurrent.atomic.AtomicLong cpuNanos = new java.util.concurrent.atomic.AtomicLong();
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long start = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Path output = dir.resolve("out-" + t + ".dcm");
            futures.add(pool.submit(() -> {
                long cpuBefore = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
                for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                    long begin = System.nanoTime();
                    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(output), 65536)) {
                        deidentifier.deidentify(inputs.get(i % inputs.size()), out);
                    }
                    latencies[i] = System.nanoTime() - begin;
                }
                cpuNanos.addAndGet(ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuBefore);
                return null;
            }));
        }
        for (Future<?> future : futures) {
            future.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        Arrays.sort(latencies);
        long peakHeap = 0;
        for (MemoryPoolMXBean memory : ManagementFactory.getMemoryPoolMXBeans()) {
            if (memory.getType() == MemoryType.HEAP) {
                peakHeap += memory.getPeakUsage().getUsed();
            }
        }
        double mb = (double) Files.size(inputs.get(0)) * count / (1 << 20);
        System.out.printf(Locale.ROOT, "%-24s %6d instances, %d threads: %8.1f instances/s, %6.1f MiB/s, "
                + "p50 %.2f ms, p99 %.2f ms, max %.2f ms, CPU %.2f ms/instance, peak heap %d MiB%n", label, count,
                threads, count / seconds,
                mb / seconds, latencies[count / 2] / 1e6, latencies[Math.min(count - 1, (int) (count * 0.99))] / 1e6,
                latencies[count - 1] / 1e6, cpuNanos.get() / 1e6 / count, peakHeap >> 20);
    }

    /** A synthetic image with identifying header attributes; pixel data written in chunks, never held whole. */
    static Path write(Path file, int n, int frames, int rows, int columns) throws IOException {
        String root = "1.2.826.0.1.3680043.2.1143.88.";
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 65536)) {
            new FileMetaInformation(PhiStudy.CT, root + "3." + n, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN,
                    "1.2.3.4", null, null).writeTo(out);
            DicomWriter w = new DicomWriter(out, TransferSyntax.EXPLICIT_LE);
            w.writeAscii(0x00080005, Vr.CS, "ISO_IR 100");
            w.writeAscii(0x00080008, Vr.CS, "ORIGINAL\\PRIMARY\\AXIAL");
            w.writeAscii(Tag.SOP_CLASS_UID, Vr.UI, PhiStudy.CT);
            w.writeAscii(Tag.SOP_INSTANCE_UID, Vr.UI, root + "3." + n);
            w.writeAscii(0x00080020, Vr.DA, "20240115");
            w.writeAscii(0x00080030, Vr.TM, "101500");
            w.writeAscii(0x00080050, Vr.SH, "ACC" + n);
            w.writeAscii(Tag.MODALITY, Vr.CS, "CT");
            w.writeAscii(0x00080080, Vr.LO, "Bench General Hospital");
            w.writeAscii(0x00080090, Vr.PN, "Referrer^Bench");
            w.writeAscii(0x00081030, Vr.LO, "CT HEAD for Benchperson");
            w.writeAscii(0x0008103E, Vr.LO, "Axial 1mm");
            w.startSequence(0x00081115, Vr.SQ);
            w.startItem();
            w.writeAscii(Tag.SERIES_INSTANCE_UID, Vr.UI, root + "2");
            w.writeAscii(0x00100010, Vr.PN, "Benchperson^Nested");
            w.endItem();
            w.endSequence();
            w.writeElement(0x00090010, Vr.LO, "BENCHVENDOR".getBytes(StandardCharsets.US_ASCII));
            w.writeElement(0x00091001, Vr.LO, "Benchperson secret".getBytes(StandardCharsets.US_ASCII));
            w.writeAscii(Tag.PATIENT_NAME, Vr.PN, "Benchperson^Anna");
            w.writeAscii(Tag.PATIENT_ID, Vr.LO, "BENCH-" + (n % 4));
            w.writeAscii(0x00100030, Vr.DA, "19700101");
            w.writeAscii(0x00100040, Vr.CS, "F");
            w.writeAscii(Tag.STUDY_INSTANCE_UID, Vr.UI, root + "1");
            w.writeAscii(Tag.SERIES_INSTANCE_UID, Vr.UI, root + "2");
            w.writeAscii(0x00200013, Vr.IS, Integer.toString(n));
            w.writeAscii(0x00200052, Vr.UI, root + "9");
            w.writeUS(0x00280002, 1);
            w.writeAscii(0x00280004, Vr.CS, "MONOCHROME2");
            if (frames > 1) {
                w.writeAscii(0x00280008, Vr.IS, Integer.toString(frames));
            }
            w.writeUS(0x00280010, rows);
            w.writeUS(0x00280011, columns);
            w.writeUS(0x00280100, 16);
            w.writeUS(0x00280101, 12);
            w.writeUS(0x00280102, 11);
            w.writeUS(0x00280103, 0);
            long length = (long) frames * rows * columns * 2;
            w.writeHeader(Tag.PIXEL_DATA, Vr.OW, length);
            byte[] chunk = new byte[rows * columns * 2];
            for (int i = 0; i < chunk.length; i++) {
                chunk[i] = (byte) (i * 31 + n);
            }
            for (int f = 0; f < frames; f++) {
                w.writeValue(chunk, 0, chunk.length);
            }
            w.finish();
        }
        return file;
    }
}
