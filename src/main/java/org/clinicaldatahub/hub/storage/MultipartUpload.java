package org.clinicaldatahub.hub.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
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
import java.util.zip.CRC32C;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.ListPartsResponse;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;
import software.amazon.awssdk.services.s3.model.Part;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * An S3 multipart upload of a file streamed from disk with up to {@code concurrency} parts on the
 * wire at once and {@code concurrency + 1} part buffers in memory whatever the file size: one
 * thread reads the file once, in order, hashing it, while the others send the parts it has read.
 * Each part carries its CRC32C for the server to verify (cheap for both sides, unlike a SHA-256 per
 * part); the whole file's SHA-256 (and MD5 when a sidecar asks for it) is computed on the same
 * single pass and checked before the upload is completed.
 *
 * <p>With an {@link UploadJournal} the upload id is persisted as soon as S3 issues it; after a
 * crash the next attempt lists the parts the server already has, re-reads (not re-sends) them to
 * rebuild the digest, checks each against the server's part checksum (or its ETag) and sends only
 * the missing ones. A file whose size or modification time differs from the journal starts over.
 *
 * <p>Nothing incomplete becomes visible: a checksum that does not match the expected one, a file
 * that changes while it is read or any failure of any part aborts the upload before
 * CompleteMultipartUpload (the journal entry goes with it), except a crash, which is exactly what
 * the journal resumes.
 */
public final class MultipartUpload {

    private static final Logger LOG = LoggerFactory.getLogger(MultipartUpload.class);
    /** S3's smallest part (except the last). */
    public static final long MIN_PART_SIZE = 5L << 20;
    /** Parts on the wire at once unless the caller says otherwise. */
    public static final int DEFAULT_CONCURRENCY = 4;
    /** The per-part checksum; a journaled upload begun with another one is started over. */
    static final ChecksumAlgorithm PART_CHECKSUM = ChecksumAlgorithm.CRC32_C;

    private MultipartUpload() {
    }

    /** What the caller knows before the upload and wants checked or reported while streaming. */
    public record Options(long partSize, int concurrency, UploadJournal journal, String expectedSha256,
            String expectedMd5, ProgressListener progress) {

        public Options {
            partSize = Math.max(MIN_PART_SIZE, partSize);
            concurrency = Math.max(1, concurrency);
            journal = journal == null ? UploadJournal.NONE : journal;
            progress = progress == null ? ProgressListener.NONE : progress;
        }

        public static Options partSize(long partSize) {
            return new Options(partSize, DEFAULT_CONCURRENCY, null, null, null, null);
        }

        /** Parts on the wire at once; memory holds one part more than this. */
        public Options withConcurrency(int parts) {
            return new Options(partSize, parts, journal, expectedSha256, expectedMd5, progress);
        }

        public Options withJournal(UploadJournal journal) {
            return new Options(partSize, concurrency, journal, expectedSha256, expectedMd5, progress);
        }

        public Options withExpected(String sha256Hex, String md5Hex) {
            return new Options(partSize, concurrency, journal, sha256Hex, md5Hex, progress);
        }

        public Options withProgress(ProgressListener listener) {
            return new Options(partSize, concurrency, journal, expectedSha256, expectedMd5, listener);
        }
    }

    /**
     * Told about every part sent (or found on the server when resuming); for metrics and tests.
     * Calls come from the sending threads, one at a time, in the order the parts finish.
     */
    @FunctionalInterface
    public interface ProgressListener {
        ProgressListener NONE = (partNumber, bytes, resumed) -> { };

        void partDone(int partNumber, long bytes, boolean resumed) throws IOException;
    }

    /** The outcome: the whole file's digests and how many of its parts were already on the server. */
    public record Result(String sha256Hex, String md5Hex, long size, int parts, int resumedParts) {
    }

    /**
     * The original entry point: a file whose SHA-256 the caller already has in {@code metadata}.
     * One part on the wire at a time (two buffers), as before: its callers (DICOM) upload many
     * files at once and size their memory for that.
     */
    static void upload(S3Client s3, DataClass dataClass, String key, Path file, long size, long partSize,
            Map<String, String> metadata, String tagging) throws IOException {
        stream(s3, dataClass, key, file, metadata, tagging, Options.partSize(partSize).withConcurrency(1));
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
        UploadJournal journal = options.journal();
        Optional<UploadJournal.Entry> journaled = journal.find(bucket, key)
                .filter(entry -> entry.size() == before.size() && entry.lastModifiedMillis() == before.lastModifiedMillis());
        journal.find(bucket, key).filter(entry -> journaled.isEmpty())
                .ifPresent(stale -> abortQuietly(s3, bucket, key, stale.uploadId(), journal));
        List<Part> serverParts = journaled.map(entry -> resumableParts(s3, bucket, key, entry.uploadId(), journal))
                .orElse(null);
        String uploadId;
        if (serverParts != null) {
            uploadId = journaled.get().uploadId();
            LOG.info("Resuming multipart upload {} with {} part(s) on the server", keyReference(key), serverParts.size());
        } else {
            journaled.ifPresent(gone -> journal.remove(bucket, key));
            uploadId = s3.createMultipartUpload(r -> r.bucket(bucket).key(key)
                    .storageClass(dataClass.storageClass()).metadata(metadata).tagging(tagging)
                    .checksumAlgorithm(PART_CHECKSUM)).uploadId();
            journal.save(new UploadJournal.Entry(bucket, key, uploadId, file.toAbsolutePath().toString(),
                    before.size(), before.lastModifiedMillis()));
            serverParts = List.of();
        }
        try {
            Result result = sendParts(s3, bucket, key, uploadId, file, before, serverParts, options);
            journal.remove(bucket, key);
            return result;
        } catch (IOException | RuntimeException | Error e) {
            abortQuietly(s3, bucket, key, uploadId, journal);
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
        int concurrency = Math.min(options.concurrency(), partCount);
        PartSender sender = new PartSender(s3, bucket, key, uploadId, concurrency, options.progress());
        PartBuffers buffers = new PartBuffers(concurrency + 1, (int) Math.min(partSize, size));
        int resumed = 0;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            for (int number = 1; number <= partCount; number++) {
                // blocks while every buffer is full or on the wire: this is what bounds memory
                byte[] buffer = buffers.take();
                sender.failFast();
                int length = (int) Math.min(partSize, size - (number - 1) * partSize);
                readFully(channel, ByteBuffer.wrap(buffer), length, file);
                whole.update(buffer, 0, length);
                if (md5 != null) {
                    md5.update(buffer, 0, length);
                }
                String crc32c = crc32c(buffer, length);
                Part existing = onServer.get(number);
                if (existing != null && existing.size() != null && existing.size() == length
                        && sameContent(existing, crc32c, buffer, length)) {
                    buffers.give(buffer);
                    sender.alreadyThere(CompletedPart.builder().partNumber(number).eTag(existing.eTag())
                            .checksumCRC32C(crc32c).build(), length);
                    resumed++;
                    continue;
                }
                sender.send(number, buffer, length, crc32c, buffers::give);
            }
            sender.awaitAll();
            if (channel.read(ByteBuffer.allocate(1), size) > 0) {
                throw new FileChangedException(file.getFileName() + " grew while it was uploaded");
            }
        } finally {
            sender.close();
        }
        if (!before.equals(FileState.of(file))) {
            throw new FileChangedException(file.getFileName() + " changed (size or modification time) while it was uploaded");
        }
        String sha256Hex = HexFormat.of().formatHex(whole.digest());
        String md5Hex = md5 == null ? null : HexFormat.of().formatHex(md5.digest());
        verify("SHA-256", options.expectedSha256(), sha256Hex, file);
        verify("MD5", options.expectedMd5(), md5Hex, file);
        List<CompletedPart> completed = sender.completedInOrder();
        if (completed.size() != partCount) {
            throw new IllegalStateException(completed.size() + " of " + partCount + " parts completed");
        }
        s3.completeMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId)
                .multipartUpload(m -> m.parts(completed)));
        return new Result(sha256Hex, md5Hex, size, partCount, resumed);
    }

    /**
     * Whether a part the server already has holds these bytes: by its CRC32C checksum, or, from
     * servers that list parts without checksums, by its ETag (the part's MD5 on S3 without SSE-KMS).
     */
    private static boolean sameContent(Part existing, String crc32cBase64, byte[] bytes, int length) {
        if (existing.checksumCRC32C() != null) {
            return crc32cBase64.equals(existing.checksumCRC32C());
        }
        if (existing.eTag() == null) {
            return false;
        }
        MessageDigest md5 = md5();
        md5.update(bytes, 0, length);
        return existing.eTag().replace("\"", "").equalsIgnoreCase(HexFormat.of().formatHex(md5.digest()));
    }

    /** The {@code x-amz-checksum-crc32c} form: base64 of the 4-byte big-endian CRC32C. */
    static String crc32c(byte[] bytes, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return Base64.getEncoder().encodeToString(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** Keys can hold sample names (file names of a run): logs get a digest of the key instead. */
    private static String keyReference(String key) {
        return "key-sha256:" + Sha256.hexDigest(key.getBytes(StandardCharsets.UTF_8)).substring(0, 16);
    }

    static void verify(String algorithm, String expected, String actual, Path file) throws ChecksumMismatchException {
        if (expected != null && !expected.equalsIgnoreCase(actual)) {
            throw new ChecksumMismatchException(algorithm + " of " + file.getFileName() + " does not match its sidecar");
        }
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

    /**
     * The parts of a journaled upload the server holds, or null to start over: the upload is gone
     * (completed or aborted), cannot be listed, or was begun with another part checksum (by an
     * earlier hub version: S3 refuses parts whose checksum differs from the upload's).
     */
    private static List<Part> resumableParts(S3Client s3, String bucket, String key, String uploadId,
            UploadJournal journal) {
        List<Part> parts = listParts(s3, bucket, key, uploadId);
        if (parts != null && parts.stream().anyMatch(p -> p.checksumCRC32C() == null && p.checksumSHA256() != null)) {
            LOG.info("Journaled upload {} was begun with SHA-256 part checksums; starting it over", keyReference(key));
            abortQuietly(s3, bucket, key, uploadId, journal);
            return null;
        }
        return parts;
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
                if (page.checksumAlgorithm() != null && page.checksumAlgorithm() != PART_CHECKSUM) {
                    LOG.info("Journaled upload {} was begun with {} part checksums; starting it over",
                            keyReference(key), page.checksumAlgorithmAsString());
                    abortQuietly(s3, bucket, key, uploadId, UploadJournal.NONE);
                    return null;
                }
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
            LOG.warn("Cannot list the parts of the journaled upload {} (HTTP {}); starting it over", keyReference(key),
                    e.statusCode());
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
