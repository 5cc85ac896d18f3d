package org.clinicaldatahub.hub.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * An S3 multipart upload of a file, one part in memory at a time, each part with its SHA-256
 * checksum for the server to verify; aborted on any failure so no incomplete upload lingers.
 */
final class MultipartUpload {

    private MultipartUpload() {
    }

    static void upload(S3Client s3, DataClass dataClass, String key, Path file, long size, long partSize,
            Map<String, String> metadata, String tagging) throws IOException {
        String uploadId = s3.createMultipartUpload(r -> r.bucket(dataClass.bucket()).key(key)
                .storageClass(dataClass.storageClass()).metadata(metadata).tagging(tagging)
                .checksumAlgorithm(ChecksumAlgorithm.SHA256)).uploadId();
        try (InputStream in = Files.newInputStream(file)) {
            List<CompletedPart> parts = new ArrayList<>();
            byte[] buffer = new byte[(int) Math.min(partSize, size)];
            int partNumber = 1;
            for (long offset = 0; offset < size; offset += buffer.length, partNumber++) {
                int length = (int) Math.min(buffer.length, size - offset);
                in.readNBytes(buffer, 0, length);
                byte[] part = length == buffer.length ? buffer : java.util.Arrays.copyOf(buffer, length);
                String checksum = Base64.getEncoder().encodeToString(Sha256.digest(part));
                int number = partNumber;
                String etag = s3.uploadPart(r -> r.bucket(dataClass.bucket()).key(key).uploadId(uploadId)
                        .partNumber(number).contentLength((long) length).checksumAlgorithm(ChecksumAlgorithm.SHA256)
                        .checksumSHA256(checksum), RequestBody.fromBytes(part)).eTag();
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
}
