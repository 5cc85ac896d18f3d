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
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.clinicaldatahub.hub.storage.MultipartUpload;
import org.clinicaldatahub.hub.storage.ObjectStoreClients;
import org.clinicaldatahub.hub.storage.StoragePolicy;
import org.clinicaldatahub.hub.storage.StorageProperties;
import org.clinicaldatahub.hub.storage.StoredObject;
import org.clinicaldatahub.hub.storage.TieredStore;
import org.clinicaldatahub.hub.storage.UploadJournal;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.info.BuildProperties;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * A JVM of its own for the genomics crash and benchmark tests, talking to the embedded S3 server of
 * the test's hub. {@code upload}: the hub's streaming upload (TieredStore.putFileStreaming with the
 * hub's upload journal), printing {@code PART n} after each part so the test can kill -9 it in
 * the middle. {@code bench}: generates a FASTQ of the given size and uploads it with the hub's
 * code and with a plain AWS SDK v2 multipart upload, alternately, printing MB/s and peak heap.
 *
 * <pre>upload &lt;s3-port&gt; &lt;journal-dir&gt; &lt;file&gt; &lt;key&gt; &lt;part-bytes&gt;
 * bench  &lt;s3-port&gt; &lt;file&gt; &lt;size-bytes&gt; &lt;part-bytes&gt; &lt;rounds&gt;</pre>
 */
public final class GenomicsUploadChild {

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
            bench(store, s3, Path.of(args[2]), Long.parseLong(args[3]), Long.parseLong(args[4]), Integer.parseInt(args[5]));
        }
        System.out.flush();
        System.exit(0);
    }

    static S3Client client(int port) {
        return S3Client.builder().region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("embedded", "embedded")))
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(32).socketTimeout(Duration.ofSeconds(120)))
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

    private static void bench(TieredStore store, S3Client s3, Path file, long size, long partSize, int rounds)
            throws Exception {
        long t0 = System.nanoTime();
        generateFastq(file, size);
        System.out.printf("GENERATED %d bytes in %.1f s%n", Files.size(file), (System.nanoTime() - t0) / 1e9);
        String bucket = store.bucketOf("instrument-staging");
        store.ensureBuckets();
        HeapWatch heap = new HeapWatch();
        for (int round = 1; round <= rounds; round++) {
            for (String mode : round % 2 == 1 ? List.of("sdk", "hub") : List.of("hub", "sdk")) {
                String key = "bench/" + mode + "-" + round + "-" + System.nanoTime() + ".fastq";
                System.gc();
                heap.reset();
                long start = System.nanoTime();
                String sha = mode.equals("hub")
                        ? store.putFileStreaming("instrument-staging", key, "genomics", file, Map.of(),
                                MultipartUpload.Options.partSize(partSize)).sha256()
                        : plainSdkUpload(s3, bucket, key, file, partSize);
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf("RESULT mode=%s round=%d seconds=%.2f mbps=%.1f peakHeapMiB=%.1f poolPeakSumMiB=%.1f maxHeapMiB=%.0f "
                        + "sha256=%s%n", mode, round, seconds, Files.size(file) / seconds / 1e6, heap.peakMiB(),
                        heap.poolPeakSumMiB(),
                        Runtime.getRuntime().maxMemory() / 1048576.0, sha);
                System.out.flush();
                s3.listObjectVersions(r -> r.bucket(bucket).prefix(key)).versions().forEach(v ->
                        s3.deleteObject(r -> r.bucket(bucket).key(v.key()).versionId(v.versionId())));
            }
        }
        heap.close();
        Files.deleteIfExists(file);
    }

    /** What a plain SDK user writes: create, one uploadPart per part read into a byte array, complete. */
    static String plainSdkUpload(S3Client s3, String bucket, String key, Path file, long partSize) throws IOException {
        String uploadId = s3.createMultipartUpload(r -> r.bucket(bucket).key(key)).uploadId();
        List<CompletedPart> parts = new ArrayList<>();
        long size = Files.size(file);
        byte[] buffer = new byte[(int) partSize];
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            int number = 1;
            for (long offset = 0; offset < size; offset += partSize, number++) {
                int length = (int) Math.min(partSize, size - offset);
                ByteBuffer target = ByteBuffer.wrap(buffer, 0, length);
                while (target.hasRemaining()) {
                    channel.read(target);
                }
                int partNumber = number;
                String etag = s3.uploadPart(r -> r.bucket(bucket).key(key).uploadId(uploadId).partNumber(partNumber)
                        .contentLength((long) length), RequestBody.fromBytes(length == buffer.length
                                ? buffer : java.util.Arrays.copyOf(buffer, length))).eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
            }
        }
        s3.completeMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(parts)));
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

    /** Samples used heap every 20 ms, plus the heap pools' peak usage since the last reset. */
    static final class HeapWatch implements AutoCloseable {
        private final AtomicLong peak = new AtomicLong();
        private final Thread sampler;
        private volatile boolean running = true;

        HeapWatch() {
            sampler = new Thread(() -> {
                while (running) {
                    Runtime runtime = Runtime.getRuntime();
                    peak.accumulateAndGet(runtime.totalMemory() - runtime.freeMemory(), Math::max);
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "heap-watch");
            sampler.setDaemon(true);
            sampler.start();
        }

        void reset() {
            peak.set(0);
            ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
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
