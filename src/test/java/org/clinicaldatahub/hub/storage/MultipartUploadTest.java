package org.clinicaldatahub.hub.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * The streaming multipart upload against a fake store that checks what the real one checks (each
 * part's CRC32C against its bytes) and records how many parts were on the wire at once: parts go
 * up concurrently but no more than asked, CompleteMultipartUpload lists them in order, and any
 * failure (a part, a sidecar mismatch) aborts the upload instead of completing it.
 */
class MultipartUploadTest {

    private static final long PART = MultipartUpload.MIN_PART_SIZE;
    private final DataClass staging = StoragePolicy.load(Path.of("mappings/storage-policy.yaml"))
            .dataClass("instrument-staging");

    @TempDir
    Path dir;

    @Test
    void partsGoUpConcurrentlyWithinTheLimitAndAreCompletedInOrder() throws IOException {
        Path file = file(7 * PART + 12345);
        FakeStore store = new FakeStore(-1);
        store.holdUntilInFlight = 2;

        MultipartUpload.Result result = MultipartUpload.stream(store, staging, "k", file, Map.of(), null,
                MultipartUpload.Options.partSize(PART).withConcurrency(3));

        assertThat(result.parts()).isEqualTo(8);
        assertThat(result.sha256Hex()).isEqualTo(Sha256.hexDigest(Files.readAllBytes(file)));
        assertThat(store.maxInFlight.get()).as("parts on the wire at once").isBetween(2, 3);
        assertThat(store.created.checksumAlgorithm()).isEqualTo(ChecksumAlgorithm.CRC32_C);
        List<CompletedPart> parts = store.completed.multipartUpload().parts();
        assertThat(parts).extracting(CompletedPart::partNumber).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(parts).allSatisfy(p -> assertThat(p.checksumCRC32C()).isNotBlank());
        assertThat(store.aborted).isZero();
    }

    @Test
    void aFailedPartAbortsTheUploadAndForgetsItsJournalEntry() throws IOException {
        Path file = file(6 * PART);
        FakeStore store = new FakeStore(4);
        UploadJournal journal = UploadJournal.inDirectory(dir.resolve("journal"));

        assertThatThrownBy(() -> MultipartUpload.stream(store, staging, "k", file, Map.of(), null,
                MultipartUpload.Options.partSize(PART).withJournal(journal)))
                .isInstanceOf(S3Exception.class);

        assertThat(store.completed).as("nothing incomplete becomes visible").isNull();
        assertThat(store.aborted).isEqualTo(1);
        assertThat(journal.find(staging.bucket(), "k")).isEmpty();
    }

    @Test
    void aSidecarMismatchAbortsAfterEveryPartWasSentButBeforeCompletion() throws IOException {
        Path file = file(3 * PART + 1);
        FakeStore store = new FakeStore(-1);

        assertThatThrownBy(() -> MultipartUpload.stream(store, staging, "k", file, Map.of(), null,
                MultipartUpload.Options.partSize(PART).withExpected("00".repeat(32), null)))
                .isInstanceOf(ChecksumMismatchException.class);

        assertThat(store.completed).isNull();
        assertThat(store.aborted).isEqualTo(1);
    }

    @Test
    void crc32cIsTheBase64OfTheBigEndianValue() {
        // RFC 3720 B.4 test vector: 32 bytes of zeros -> 0x8A9136AA
        assertThat(MultipartUpload.crc32c(new byte[32], 32)).isEqualTo("ipE2qg==");
    }

    private Path file(long size) throws IOException {
        byte[] bytes = new byte[(int) size];
        new Random(size).nextBytes(bytes);
        return Files.write(dir.resolve("f-" + size), bytes);
    }

    /** Verifies each part's CRC32C like S3 does; fails part {@code failingPart} (-1: none). */
    private static final class FakeStore implements S3Client {
        private final int failingPart;
        private final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger maxInFlight = new AtomicInteger();
        final List<Integer> sent = new CopyOnWriteArrayList<>();
        volatile CreateMultipartUploadRequest created;
        volatile CompleteMultipartUploadRequest completed;
        volatile int aborted;
        /**
         * A part waits (up to 30 s) until this many have been on the wire at once. Reading and
         * hashing the next 5 MB part can take longer than the 20 ms a part is held on a loaded
         * machine, so without it a concurrent upload could be seen one part at a time; an upload
         * that sends one part at a time still never gets there and fails the check.
         */
        volatile int holdUntilInFlight = 1;

        FakeStore(int failingPart) {
            this.failingPart = failingPart;
        }

        @Override
        public CreateMultipartUploadResponse createMultipartUpload(CreateMultipartUploadRequest request) {
            created = request;
            return CreateMultipartUploadResponse.builder().uploadId("u1").build();
        }

        @Override
        public UploadPartResponse uploadPart(UploadPartRequest request, RequestBody body) {
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try (InputStream in = body.contentStreamProvider().newStream()) {
                byte[] bytes = in.readAllBytes();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (maxInFlight.get() < holdUntilInFlight && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
                Thread.sleep(20); // and the others a chance to pile up beyond the limit
                if (request.partNumber() == failingPart) {
                    throw S3Exception.builder().statusCode(500).message("injected").build();
                }
                assertThat(request.checksumCRC32C()).isEqualTo(MultipartUpload.crc32c(bytes, bytes.length));
                sent.add(request.partNumber());
                return UploadPartResponse.builder().eTag("\"" + HexFormat.of().formatHex(
                        MultipartUpload.md5().digest(bytes)) + "\"").build();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } finally {
                inFlight.decrementAndGet();
            }
        }

        @Override
        public CompleteMultipartUploadResponse completeMultipartUpload(CompleteMultipartUploadRequest request) {
            completed = request;
            return CompleteMultipartUploadResponse.builder().build();
        }

        @Override
        public AbortMultipartUploadResponse abortMultipartUpload(AbortMultipartUploadRequest request) {
            aborted++;
            return AbortMultipartUploadResponse.builder().build();
        }

        @Override
        public String serviceName() {
            return "s3";
        }

        @Override
        public void close() {
        }
    }
}
