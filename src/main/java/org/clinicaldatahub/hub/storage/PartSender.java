package org.clinicaldatahub.hub.storage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.clinicaldatahub.hub.DaemonThreads;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * The sending side of a {@link MultipartUpload}: UploadPart calls on a few threads of its own.
 * The first failure is kept and stops the reader at its next part ({@link #failFast}); the parts
 * still on the wire then finish or are interrupted by {@link #close} before the caller aborts the
 * upload, so no part lands after the abort.
 */
final class PartSender implements AutoCloseable {

    private static final AtomicInteger UPLOADS = new AtomicInteger();

    private final S3Client s3;
    private final String bucket;
    private final String key;
    private final String uploadId;
    private final MultipartUpload.ProgressListener progress;
    private final ExecutorService threads;
    private final List<Future<?>> sends = new ArrayList<>();
    private final List<CompletedPart> completed = new ArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    PartSender(S3Client s3, String bucket, String key, String uploadId, int concurrency,
            MultipartUpload.ProgressListener progress) {
        this.s3 = s3;
        this.bucket = bucket;
        this.key = key;
        this.uploadId = uploadId;
        this.progress = progress;
        String name = "multipart-" + UPLOADS.incrementAndGet() + "-";
        this.threads = Executors.newFixedThreadPool(concurrency, DaemonThreads.numbered(name));
    }

    /** Sends a part in the background; {@code release} gets the buffer back whatever happens. */
    void send(int partNumber, byte[] buffer, int length, String crc32c, Consumer<byte[]> release) {
        sends.add(threads.submit(() -> {
            try {
                String etag = s3.uploadPart(r -> r.bucket(bucket).key(key).uploadId(uploadId).partNumber(partNumber)
                        .contentLength((long) length).checksumAlgorithm(MultipartUpload.PART_CHECKSUM)
                        .checksumCRC32C(crc32c), RequestBody.fromContentProvider(
                                () -> new ByteArrayInputStream(buffer, 0, length), length, "application/octet-stream"))
                        .eTag();
                done(CompletedPart.builder().partNumber(partNumber).eTag(etag).checksumCRC32C(crc32c).build(),
                        length, false);
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            } finally {
                release.accept(buffer);
            }
        }));
    }

    /** A part the server already had (resumed upload). */
    void alreadyThere(CompletedPart part, long length) throws IOException {
        done(part, length, true);
    }

    private void done(CompletedPart part, long length, boolean resumed) throws IOException {
        // one at a time: listeners (metrics, tests) need not be thread-safe
        synchronized (completed) {
            completed.add(part);
            progress.partDone(part.partNumber(), length, resumed);
        }
    }

    /** Throws the first failure of any part sent so far. */
    void failFast() throws IOException {
        Throwable first = failure.get();
        if (first != null) {
            rethrow(first);
        }
    }

    /** Waits for every part sent, then throws the first failure if there was one. */
    void awaitAll() throws IOException {
        for (Future<?> send : sends) {
            try {
                send.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("upload interrupted");
            } catch (ExecutionException e) {
                failure.compareAndSet(null, e.getCause());
            }
        }
        failFast();
    }

    /** The parts on the server, by part number (CompleteMultipartUpload requires ascending order). */
    List<CompletedPart> completedInOrder() {
        synchronized (completed) {
            List<CompletedPart> sorted = new ArrayList<>(completed);
            sorted.sort(Comparator.comparingInt(CompletedPart::partNumber));
            return sorted;
        }
    }

    /** Stops and waits for the sending threads (interrupting parts still on the wire after a failure). */
    @Override
    public void close() {
        threads.shutdownNow();
        try {
            if (!threads.awaitTermination(1, TimeUnit.MINUTES)) {
                // the abort that follows makes any late part fail on the server
                org.slf4j.LoggerFactory.getLogger(PartSender.class).warn("Part uploads still running after 1 min");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void rethrow(Throwable e) throws IOException {
        if (e instanceof IOException io) {
            throw io;
        }
        if (e instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (e instanceof Error error) {
            throw error;
        }
        throw new IOException(e);
    }
}
