package org.clinicaldatahub.hub.storage;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * An S3 multipart upload of a file, each part streamed from its range of the file (no part is
 * held in memory, so a gigabyte instance goes up within a small heap) with its SHA-256 checksum
 * for the server to verify; aborted on any failure so no incomplete upload lingers.
 */
final class MultipartUpload {

    private MultipartUpload() {
    }

    static void upload(S3Client s3, DataClass dataClass, String key, Path file, long size, long partSize,
            Map<String, String> metadata, String tagging) throws IOException {
        String uploadId = s3.createMultipartUpload(r -> r.bucket(dataClass.bucket()).key(key)
                .storageClass(dataClass.storageClass()).metadata(metadata).tagging(tagging)
                .checksumAlgorithm(ChecksumAlgorithm.SHA256)).uploadId();
        try {
            List<CompletedPart> parts = new ArrayList<>();
            int partNumber = 1;
            for (long offset = 0; offset < size; offset += partSize, partNumber++) {
                long length = Math.min(partSize, size - offset);
                long from = offset;
                // the part is read from the file twice (checksum, then upload), never held in memory
                String checksum = Base64.getEncoder().encodeToString(sha256(file, from, length));
                int number = partNumber;
                String etag = s3.uploadPart(r -> r.bucket(dataClass.bucket()).key(key).uploadId(uploadId)
                        .partNumber(number).contentLength(length).checksumAlgorithm(ChecksumAlgorithm.SHA256)
                        .checksumSHA256(checksum), RequestBody.fromContentProvider(() -> range(file, from, length),
                                length, "application/octet-stream")).eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).checksumSHA256(checksum).build());
            }
            s3.completeMultipartUpload(r -> r.bucket(dataClass.bucket()).key(key).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts)));
        } catch (IOException | RuntimeException e) {
            try {
                s3.abortMultipartUpload(r -> r.bucket(dataClass.bucket()).key(key).uploadId(uploadId));
            } catch (RuntimeException ignored) {
                // the store is the problem already; its lifecycle rules clean up incomplete uploads
            }
            throw e;
        }
    }

    private static byte[] sha256(Path file, long offset, long length) throws IOException {
        MessageDigest digest = Sha256.newDigest();
        try (InputStream in = range(file, offset, length)) {
            byte[] buffer = new byte[1 << 16];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        }
        return digest.digest();
    }

    /** {@code length} bytes of the file from {@code offset}; a new stream for every (re)try of the part. */
    private static InputStream range(Path file, long offset, long length) {
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
            channel.position(offset);
            return new BufferedInputStream(new BoundedInputStream(Channels.newInputStream(channel), length), 1 << 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Ends after {@code remaining} bytes; closes the file with it. */
    private static final class BoundedInputStream extends FilterInputStream {
        private long remaining;

        BoundedInputStream(InputStream in, long remaining) {
            super(in);
            this.remaining = remaining;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }
    }
}
