package org.clinicaldatahub.hub.genomics;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import org.clinicaldatahub.hub.storage.MultipartUpload;
import org.clinicaldatahub.hub.storage.ObjectStoreClients;
import org.clinicaldatahub.hub.storage.ObjectStoreConfiguration;
import org.clinicaldatahub.hub.storage.StoragePolicy;
import org.clinicaldatahub.hub.storage.StorageProperties;
import org.clinicaldatahub.hub.storage.StoredObject;
import org.clinicaldatahub.hub.storage.TieredStore;
import org.clinicaldatahub.hub.storage.UploadJournal;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.info.BuildProperties;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * A JVM of its own for the genomics crash and benchmark tests, talking to the embedded S3 server of
 * the test's hub with the hub's own S3 client settings ({@link ObjectStoreConfiguration#client}).
 * {@code upload}: the hub's streaming upload (TieredStore.putFileStreaming with the hub's upload
 * journal), printing {@code PART n} after each part so the test can kill -9 it in the middle.
 * {@code bench}: generates a FASTQ of the given size and uploads it in each mode, alternately,
 * printing MB/s and peak heap per upload and a summary per mode:
 * <ul>
 * <li>{@code hub}: TieredStore.putFileStreaming as the drop-folder channel calls it;
 * <li>{@code sdk}: a plain AWS SDK v2 multipart upload, same client, part size and concurrency;
 * <li>{@code sdk-seq}: the same, one part at a time;
 * <li>{@code sdk-default}: the same as {@code sdk} with a client on the SDK's defaults (CRC32
 * checksums as aws-chunked trailers) instead of the hub's settings.
 * </ul>
 *
 * <pre>upload &lt;s3-port&gt; &lt;journal-dir&gt; &lt;file&gt; &lt;key&gt; &lt;part-bytes&gt;
 * bench  &lt;s3-port&gt; &lt;file&gt; &lt;size-bytes&gt; &lt;part-bytes&gt; &lt;rounds&gt; &lt;concurrency&gt; &lt;mode,mode,...&gt;</pre>
 */
public final class GenomicsUploadChild {

    /** As long as the embedded profile's hub.storage.socket-timeout: S3Mock is silent while it assembles the object. */
    private static final Duration SOCKET_TIMEOUT = Duration.ofMinutes(15);

    private GenomicsUploadChild() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[1]);
        S3Client s3 = client(port);
        TieredStore store = new TieredStore(ObjectStoreClients.single(s3),
                StoragePolicy.load(Path.of("mappings/storage-policy.yaml")), new StorageProperties(),
                new DefaultListableBeanFactory().getBeanProvider(BuildProperties.class));
        if (args[0].equals("upload")) {
            upload(store, Path.of(args[2]), Path.of(args[3]), args[4], Long.parseLong(args[5]));
        } else {
            Bench bench = new Bench(store, s3, sdkDefaultClient(port), Long.parseLong(args[4]), Integer.parseInt(args[6]));
            bench.run(Path.of(args[2]), Long.parseLong(args[3]), Integer.parseInt(args[5]), List.of(args[7].split(",")));
        }
        System.out.flush();
        System.exit(0);
    }

    /** The hub's client, configured as the embedded profile configures it. */
    static S3Client client(int port) {
        StorageProperties properties = new StorageProperties();
        properties.setEndpoint(URI.create("http://localhost:" + port));
        properties.setAccessKey("embedded");
        properties.setSecretKey("embedded");
        properties.setSocketTimeout(SOCKET_TIMEOUT);
        return ObjectStoreConfiguration.client(properties,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("embedded", "embedded")));
    }

    /** A client as a plain SDK user builds it: defaults, except what the embedded server needs. */
    static S3Client sdkDefaultClient(int port) {
        return S3Client.builder().region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("embedded", "embedded")))
                .forcePathStyle(true)
                .httpClientBuilder(ApacheHttpClient.builder().socketTimeout(SOCKET_TIMEOUT))
                .endpointOverride(URI.create("http://localhost:" + port)).build();
    }

    private static void upload(TieredStore store, Path journal, Path file, String key, long partSize) throws IOException {
        StoredObject stored = store.putFileStreaming("instrument-staging", key, "genomics", file, Map.of(),
                MultipartUpload.Options.partSize(partSize).withJournal(UploadJournal.inDirectory(journal))
                        .withProgress((part, bytes, resumed) -> {
                            System.out.println("PART " + part + (resumed ? " resumed" : ""));
                            System.out.flush();
                        }));
        System.out.println("DONE " + stored.sha256());
    }

    /** The benchmark proper: every mode once per round, the order alternating between rounds. */
    private record Bench(TieredStore store, S3Client s3, S3Client sdkDefault, long partSize, int concurrency) {

        void run(Path file, long size, int rounds, List<String> modes) throws Exception {
            long t0 = System.nanoTime();
            generateFastq(file, size);
            long bytes = Files.size(file);
            System.out.printf("GENERATED %d bytes in %.1f s; part %d MiB, concurrency %d, modes %s%n", bytes,
                    (System.nanoTime() - t0) / 1e9, partSize >> 20, concurrency, modes);
            String bucket = store.bucketOf("instrument-staging");
            store.ensureBuckets();
            Map<String, double[]> totals = new LinkedHashMap<>(); // seconds, peak heap
            modes.forEach(mode -> totals.put(mode, new double[2]));
            try (HeapWatch heap = new HeapWatch()) {
                for (int round = 1; round <= rounds; round++) {
                    List<String> order = new ArrayList<>(modes);
                    if (round % 2 == 0) {
                        Collections.reverse(order);
                    }
                    for (String mode : order) {
                        String key = "bench/" + mode + "-" + round + "-" + System.nanoTime() + ".fastq";
                        System.gc();
                        heap.reset();
                        long start = System.nanoTime();
                        String sha = upload(mode, bucket, key, file);
                        double wall = (System.nanoTime() - start) / 1e9;
                        double stopped = heap.stoppedSeconds();
                        double seconds = wall - stopped;
                        totals.get(mode)[0] += seconds;
                        totals.get(mode)[1] = Math.max(totals.get(mode)[1], heap.peakMiB());
                        System.out.printf("RESULT mode=%s round=%d seconds=%.2f (wall %.2f, stopped %.2f) mbps=%.1f "
                                + "peakHeapMiB=%.1f poolPeakSumMiB=%.1f maxHeapMiB=%.0f load=%s sha256=%s%n", mode, round,
                                seconds, wall, stopped, bytes / seconds / 1e6, heap.peakMiB(), heap.poolPeakSumMiB(),
                                Runtime.getRuntime().maxMemory() / 1048576.0, load(), sha);
                        System.out.flush();
                        s3.listObjectVersions(r -> r.bucket(bucket).prefix(key)).versions().forEach(v ->
                                s3.deleteObject(r -> r.bucket(bucket).key(v.key()).versionId(v.versionId())));
                    }
                }
            }
            double hubMbps = totals.containsKey("hub") ? rounds * bytes / totals.get("hub")[0] / 1e6 : Double.NaN;
            totals.forEach((mode, t) -> {
                double mbps = rounds * bytes / t[0] / 1e6;
                System.out.printf("SUMMARY mode=%s rounds=%d mbps=%.1f hubRatio=%.2f peakHeapMiB=%.1f%n", mode, rounds,
                        mbps, hubMbps / mbps, t[1]);
            });
            Files.deleteIfExists(file);
        }

        private String upload(String mode, String bucket, String key, Path file) throws Exception {
            return switch (mode) {
                case "hub" -> store.putFileStreaming("instrument-staging", key, "genomics", file, Map.of(),
                        MultipartUpload.Options.partSize(partSize).withConcurrency(concurrency)).sha256();
                case "sdk" -> plainSdkUpload(s3, bucket, key, file, partSize, concurrency);
                case "sdk-seq" -> plainSdkUpload(s3, bucket, key, file, partSize, 1);
                case "sdk-default" -> plainSdkUpload(sdkDefault, bucket, key, file, partSize, concurrency);
                default -> throw new IllegalArgumentException("unknown mode " + mode);
            };
        }
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }

    /**
     * What a plain SDK user writes: create, uploadPart of each part read into a byte array (one
     * array per sending thread, {@code threads} parts on the wire at once), complete. No checksums
     * of its own, no digest of the file.
     */
    static String plainSdkUpload(S3Client s3, String bucket, String key, Path file, long partSize, int threads)
            throws Exception {
        String uploadId = s3.createMultipartUpload(r -> r.bucket(bucket).key(key)).uploadId();
        long size = Files.size(file);
        int partCount = (int) ((size + partSize - 1) / partSize);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        ThreadLocal<byte[]> buffers = ThreadLocal.withInitial(() -> new byte[(int) partSize]);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            List<Future<CompletedPart>> sent = new ArrayList<>();
            for (int number = 1; number <= partCount; number++) {
                int partNumber = number;
                long offset = (number - 1) * partSize;
                int length = (int) Math.min(partSize, size - offset);
                sent.add(pool.submit(() -> {
                    byte[] buffer = buffers.get();
                    ByteBuffer target = ByteBuffer.wrap(buffer, 0, length);
                    while (target.hasRemaining()) {
                        channel.read(target, offset + target.position());
                    }
                    String etag = s3.uploadPart(r -> r.bucket(bucket).key(key).uploadId(uploadId).partNumber(partNumber)
                            .contentLength((long) length), RequestBody.fromBytes(length == buffer.length
                                    ? buffer : java.util.Arrays.copyOf(buffer, length))).eTag();
                    return CompletedPart.builder().partNumber(partNumber).eTag(etag).build();
                }));
            }
            List<CompletedPart> parts = new ArrayList<>();
            for (Future<CompletedPart> part : sent) {
                parts.add(part.get());
            }
            s3.completeMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(parts)));
        } finally {
            pool.shutdownNow();
        }
        return "-";
    }

    /** FASTQ text with Illumina read names and pseudo-random bases (xorshift: fast, not compressible to nothing). */
    static void generateFastq(Path file, long size) throws IOException {
        long written = 0;
        long state = 0x9E3779B97F4A7C15L;
        byte[] bases = { 'A', 'C', 'G', 'T' };
        byte[] quality = "FFFFFFFFFF:FFFFFFFF,FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF:FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"
                .substring(0, 100).getBytes(StandardCharsets.US_ASCII);
        byte[] seq = new byte[100];
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            for (long read = 0; written < size; read++) {
                byte[] name = ("@A00123:42:HFLOWCELL:1:" + (1101 + read % 2000) + ":" + (read % 32000) + ":" + (read / 7)
                        + " 1:N:0:ACGTACGT\n").getBytes(StandardCharsets.US_ASCII);
                for (int i = 0; i < seq.length; i += 32) {
                    state ^= state << 13;
                    state ^= state >>> 7;
                    state ^= state << 17;
                    long bits = state;
                    for (int j = i; j < Math.min(seq.length, i + 32); j++) {
                        seq[j] = bases[(int) (bits & 3)];
                        bits >>>= 2;
                    }
                }
                out.write(name);
                out.write(seq);
                out.write('\n');
                out.write('+');
                out.write('\n');
                out.write(quality);
                out.write('\n');
                written += name.length + seq.length + quality.length + 4;
            }
        }
    }

    /**
     * Samples used heap every 20 ms, plus the heap pools' peak usage since the last reset. Also
     * notices when the whole process was stopped (the shared build machine SIGSTOPs niced jobs
     * while it runs benchmarks of its own): a gap of more than {@link #STOP_GAP_NANOS} between two
     * samples is counted as stopped time, which the benchmark reports and leaves out of MB/s.
     */
    static final class HeapWatch implements AutoCloseable {
        private static final long STOP_GAP_NANOS = 2_000_000_000L;
        private final AtomicLong peak = new AtomicLong();
        private final AtomicLong stoppedNanos = new AtomicLong();
        private final Thread sampler;
        private volatile boolean running = true;

        HeapWatch() {
            sampler = new Thread(() -> {
                long last = System.nanoTime();
                while (running) {
                    Runtime runtime = Runtime.getRuntime();
                    peak.accumulateAndGet(runtime.totalMemory() - runtime.freeMemory(), Math::max);
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                    long now = System.nanoTime();
                    if (now - last > STOP_GAP_NANOS) {
                        stoppedNanos.addAndGet(now - last);
                    }
                    last = now;
                }
            }, "heap-watch");
            sampler.setDaemon(true);
            sampler.start();
        }

        void reset() {
            peak.set(0);
            stoppedNanos.set(0);
            ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
        }

        /** Time the process was stopped since the last reset. */
        double stoppedSeconds() {
            return stoppedNanos.get() / 1e9;
        }

        /** The largest used heap sampled (what the JVM held at once). */
        double peakMiB() {
            return peak.get() / 1048576.0;
        }

        /** Sum of each heap pool's own peak: an upper bound (eden and old gen peak at different times). */
        double poolPeakSumMiB() {
            return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                    .mapToLong(p -> p.getPeakUsage().getUsed()).sum() / 1048576.0;
        }

        @Override
        public void close() {
            running = false;
            sampler.interrupt();
        }
    }
}
