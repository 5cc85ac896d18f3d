package org.clinicaldatahub.hub.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.ListPartsResponse;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;
import software.amazon.awssdk.services.s3.model.Part;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * An S3 multipart upload of a file streamed from disk, two part buffers in memory whatever the
 * file size: the next part is read and hashed while the previous one is on the wire. Each part
 * carries its SHA-256 for the server to verify, and the whole file's SHA-256 (and MD5 when a
 * sidecar asks for it) is computed on the same pass, so the file is read once.
 *
 * <p>With an {@link UploadJournal} the upload id is persisted as soon as S3 issues it; after a
 * crash the next attempt lists the parts the server already has, re-reads (not re-sends) them to
 * rebuild the digest, checks each against the server's part checksum and continues from the first
 * missing part. A file whose size or modification time differs from the journal starts over.
 *
 * <p>Nothing incomplete becomes visible: a checksum that does not match the expected one, a file
 * that changes while it is read or any failure aborts the upload before CompleteMultipartUpload
 * (the journal entry goes with it), except a crash, which is exactly what the journal resumes.
 */
public final class MultipartUpload {

    private static final Logger LOG = LoggerFactory.getLogger(MultipartUpload.class);
    /** S3's smallest part (except the last). */
    public static final long MIN_PART_SIZE = 5L << 20;

    private MultipartUpload() {
    }

    /** What the caller knows before the upload and wants checked or reported while streaming. */
    public record Options(long partSize, UploadJournal journal, String expectedSha256, String expectedMd5,
            ProgressListener progress) {

        public Options {
            partSize = Math.max(MIN_PART_SIZE, partSize);
            journal = journal == null ? UploadJournal.NONE : journal;
            progress = progress == null ? ProgressListener.NONE : progress;
        }

        public static Options partSize(long partSize) {
            return new Options(partSize, null, null, null, null);
        }

        public Options withJournal(UploadJournal journal) {
            return new Options(partSize, journal, expectedSha256, expectedMd5, progress);
        }

        public Options withExpected(String sha256Hex, String md5Hex) {
            return new Options(partSize, journal, sha256Hex, md5Hex, progress);
        }

        public Options withProgress(ProgressListener listener) {
            return new Options(partSize, journal, expectedSha256, expectedMd5, listener);
        }
    }

    /** Told about every part sent (or found on the server when resuming); for metrics and tests. */
    @FunctionalInterface
    public interface ProgressListener {
        ProgressListener NONE = (partNumber, bytes, resumed) -> { };

        void partDone(int partNumber, long bytes, boolean resumed) throws IOException;
    }

    /** The outcome: the whole file's digests and how many of its parts were already on the server. */
    public record Result(String sha256Hex, String md5Hex, long size, int parts, int resumedParts) {
    }

    /** The original entry point: a file whose SHA-256 the caller already has in {@code metadata}. */
    static void upload(S3Client s3, DataClass dataClass, String key, Path file, long size, long partSize,
            Map<String, String> metadata, String tagging) throws IOException {
        stream(s3, dataClass, key, file, metadata, tagging, Options.partSize(partSize));
    }

    /**
     * Streams {@code file} to {@code key} as a multipart upload.
     *
     * @throws FileChangedException     the file's size or modification time changed while it was read
     * @throws ChecksumMismatchException the computed digest differs from the expected one
     */
    static Result stream(S3Client s3, DataClass dataClass, String key, Path file, Map<String, String> metadata,
            String tagging, Options options) throws IOException {
        FileState before = FileState.of(file);
        String bucket = dataClass.bucket();
        Optional<UploadJournal.Entry> journaled = options.journal().find(bucket, key)
                .filter(entry -> entry.size() == before.size() && entry.lastModifiedMillis() == before.lastModifiedMillis());
        options.journal().find(bucket, key).filter(entry -> journaled.isEmpty())
                .ifPresent(stale -> abortQuietly(s3, bucket, key, stale.uploadId(), options.journal()));
        List<Part> serverParts = journaled.map(entry -> listParts(s3, bucket, key, entry.uploadId())).orElse(null);
        String uploadId;
        if (serverParts != null) {
            uploadId = journaled.get().uploadId();
            LOG.info("Resuming multipart upload to {} with {} part(s) on the server", key, serverParts.size());
        } else {
            journaled.ifPresent(gone -> options.journal().remove(bucket, key));
            uploadId = s3.createMultipartUpload(r -> r.bucket(bucket).key(key)
                    .storageClass(dataClass.storageClass()).metadata(metadata).tagging(tagging)
                    .checksumAlgorithm(ChecksumAlgorithm.SHA256)).uploadId();
            options.journal().save(new UploadJournal.Entry(bucket, key, uploadId, file.toAbsolutePath().toString(),
                    before.size(), before.lastModifiedMillis()));
            serverParts = List.of();
        }
        try {
            Result result = sendParts(s3, bucket, key, uploadId, file, before, serverParts, options);
            options.journal().remove(bucket, key);
            return result;
        } catch (IOException | RuntimeException e) {
            abortQuietly(s3, bucket, key, uploadId, options.journal());
            throw e;
        }
    }

    private static Result sendParts(S3Client s3, String bucket, String key, String uploadId, Path file,
            FileState before, List<Part> serverParts, Options options) throws IOException {
        long size = before.size();
        long partSize = options.partSize();
        int partCount = (int) Math.max(1, (size + partSize - 1) / partSize);
        Map<Integer, Part> onServer = new HashMap<>();
        serverParts.forEach(p -> onServer.put(p.partNumber(), p));
        MessageDigest whole = Sha256.newDigest();
        MessageDigest md5 = options.expectedMd5() == null ? null : md5();
        List<CompletedPart> completed = java.util.Collections.synchronizedList(new ArrayList<>(partCount));
        ByteBuffer[] buffers = { ByteBuffer.allocate((int) Math.min(partSize, size)),
            ByteBuffer.allocate((int) Math.min(partSize, size)) };
        ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "multipart-" + Integer.toHexString(key.hashCode()));
            t.setDaemon(true);
            return t;
        });
        CompletableFuture<Void> inFlight = CompletableFuture.completedFuture(null);
        int resumed = 0;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            for (int number = 1; number <= partCount; number++) {
                ByteBuffer buffer = buffers[number % 2];
                long length = Math.min(partSize, size - (number - 1) * partSize);
                readFully(channel, buffer, (int) length, file);
                whole.update(buffer.array(), 0, (int) length);
                if (md5 != null) {
                    md5.update(buffer.array(), 0, (int) length);
                }
                String checksum = Base64.getEncoder().encodeToString(partDigest(buffer.array(), (int) length));
                Part existing = onServer.get(number);
                if (existing != null && existing.size() != null && existing.size() == length
                        && sameContent(existing, checksum, buffer.array(), (int) length)) {
                    completed.add(CompletedPart.builder().partNumber(number).eTag(existing.eTag())
                            .checksumSHA256(checksum).build());
                    resumed++;
                    options.progress().partDone(number, length, true);
                    continue;
                }
                // the other buffer is free once the previous send is done
                join(inFlight);
                int partNumber = number;
                byte[] bytes = buffer.array();
                inFlight = CompletableFuture.runAsync(() -> {
                    String etag = s3.uploadPart(r -> r.bucket(bucket).key(key).uploadId(uploadId)
                            .partNumber(partNumber).contentLength(length).checksumAlgorithm(ChecksumAlgorithm.SHA256)
                            .checksumSHA256(checksum), RequestBody.fromContentProvider(
                            () -> new java.io.ByteArrayInputStream(bytes, 0, (int) length), length,
                            "application/octet-stream"))
                            .eTag();
                    completed.add(CompletedPart.builder().partNumber(partNumber).eTag(etag)
                            .checksumSHA256(checksum).build());
                    try {
                        options.progress().partDone(partNumber, length, false);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }, sender);
            }
            join(inFlight);
            if (channel.read(ByteBuffer.allocate(1), size) > 0) {
                throw new FileChangedException(file.getFileName() + " grew while it was uploaded");
            }
        } finally {
            sender.shutdownNow();
        }
        if (!before.equals(FileState.of(file))) {
            throw new FileChangedException(file.getFileName() + " changed (size or modification time) while it was uploaded");
        }
        String sha256Hex = HexFormat.of().formatHex(whole.digest());
        String md5Hex = md5 == null ? null : HexFormat.of().formatHex(md5.digest());
        verify("SHA-256", options.expectedSha256(), sha256Hex, file);
        verify("MD5", options.expectedMd5(), md5Hex, file);
        completed.sort(java.util.Comparator.comparingInt(CompletedPart::partNumber));
        s3.completeMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId)
                .multipartUpload(m -> m.parts(completed)));
        return new Result(sha256Hex, md5Hex, size, partCount, resumed);
    }

    /**
     * Whether a part the server already has holds these bytes: by its SHA-256 checksum, or, from
     * servers that list parts without checksums, by its ETag (the part's MD5 on S3 without SSE-KMS).
     */
    private static boolean sameContent(Part existing, String sha256Base64, byte[] bytes, int length) {
        if (existing.checksumSHA256() != null) {
            return sha256Base64.equals(existing.checksumSHA256());
        }
        if (existing.eTag() == null) {
            return false;
        }
        MessageDigest md5 = md5();
        md5.update(bytes, 0, length);
        return existing.eTag().replace("\"", "").equalsIgnoreCase(HexFormat.of().formatHex(md5.digest()));
    }

    static void verify(String algorithm, String expected, String actual, Path file) throws ChecksumMismatchException {
        if (expected != null && !expected.equalsIgnoreCase(actual)) {
            throw new ChecksumMismatchException(algorithm + " of " + file.getFileName() + " does not match its sidecar");
        }
    }

    private static byte[] partDigest(byte[] bytes, int length) {
        MessageDigest digest = Sha256.newDigest();
        digest.update(bytes, 0, length);
        return digest.digest();
    }

    static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required of every JDK", e);
        }
    }

    static void readFully(FileChannel channel, ByteBuffer buffer, int length, Path file) throws IOException {
        buffer.clear().limit(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new FileChangedException(file.getFileName() + " shrank while it was uploaded");
            }
        }
        buffer.flip();
    }

    private static void join(CompletableFuture<Void> future) throws IOException {
        try {
            future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("upload interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof java.io.UncheckedIOException io) {
                throw io.getCause();
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IOException(cause);
        }
    }

    /** Every part the server holds for the upload, or null when the upload is gone (completed or aborted). */
    private static List<Part> listParts(S3Client s3, String bucket, String key, String uploadId) {
        try {
            List<Part> parts = new ArrayList<>();
            Integer marker = null;
            while (true) {
                Integer from = marker;
                ListPartsResponse page = s3.listParts(r -> r.bucket(bucket).key(key).uploadId(uploadId)
                        .partNumberMarker(from));
                parts.addAll(page.parts());
                if (!Boolean.TRUE.equals(page.isTruncated()) || page.nextPartNumberMarker() == null) {
                    return parts;
                }
                marker = page.nextPartNumberMarker();
            }
        } catch (NoSuchUploadException gone) {
            return null;
        } catch (S3Exception e) {
            // 404: completed or aborted meanwhile; anything else (some S3-compatible servers cannot
            // list the parts of an upload begun before they restarted): start over cleanly
            LOG.warn("Cannot list the parts of the journaled upload to {} (HTTP {}); starting it over", key, e.statusCode());
            abortQuietly(s3, bucket, key, uploadId, UploadJournal.NONE);
            return null;
        }
    }

    private static void abortQuietly(S3Client s3, String bucket, String key, String uploadId, UploadJournal journal) {
        try {
            s3.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId));
        } catch (RuntimeException ignored) {
            // gone already, or the store is the problem; its lifecycle rules clean up incomplete uploads
        }
        journal.remove(bucket, key);
    }

    /** Size and modification time: what tells a file that is still being written from a finished one. */
    record FileState(long size, long lastModifiedMillis) {
        static FileState of(Path file) throws IOException {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return new FileState(attributes.size(), attributes.lastModifiedTime().toMillis());
        }
    }
}
