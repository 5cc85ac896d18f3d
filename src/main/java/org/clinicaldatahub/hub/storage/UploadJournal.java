package org.clinicaldatahub.hub.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Properties;

/**
 * Where multipart upload ids survive a crash: one small properties file per object key, written
 * (and forced to disk) as soon as S3 issues the id and deleted once the upload completed or was
 * aborted. A hub that restarts finds the id here and resumes instead of leaving an orphaned upload
 * and sending every part again.
 */
public interface UploadJournal {

    /** No persistence: an interrupted upload starts over (the store's lifecycle rules clean up). */
    UploadJournal NONE = new UploadJournal() {
        @Override
        public Optional<Entry> find(String bucket, String key) {
            return Optional.empty();
        }

        @Override
        public void save(Entry entry) {
        }

        @Override
        public void remove(String bucket, String key) {
        }
    };

    /** An upload in progress, with the file state it started from. */
    record Entry(String bucket, String key, String uploadId, String file, long size, long lastModifiedMillis) {
    }

    Optional<Entry> find(String bucket, String key);

    void save(Entry entry);

    void remove(String bucket, String key);

    /** A journal in a directory of the local disk. */
    static UploadJournal inDirectory(Path dir) {
        return new DirectoryJournal(dir);
    }

    /** One file per bucket and key, named by their SHA-256 so any key is a safe file name. */
    final class DirectoryJournal implements UploadJournal {
        private final Path dir;

        DirectoryJournal(Path dir) {
            this.dir = dir;
        }

        private Path fileOf(String bucket, String key) {
            return dir.resolve(HexFormat.of().formatHex(Sha256.digest((bucket + "\n" + key)
                    .getBytes(StandardCharsets.UTF_8))) + ".upload");
        }

        @Override
        public Optional<Entry> find(String bucket, String key) {
            Path file = fileOf(bucket, key);
            if (!Files.isRegularFile(file)) {
                return Optional.empty();
            }
            Properties p = new Properties();
            try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(in);
                return Optional.of(new Entry(p.getProperty("bucket"), p.getProperty("key"), p.getProperty("uploadId"),
                        p.getProperty("file"), Long.parseLong(p.getProperty("size")),
                        Long.parseLong(p.getProperty("lastModifiedMillis"))));
            } catch (IOException | RuntimeException unreadable) {
                // a torn write from a crash: treat as no journal; the orphaned upload expires by lifecycle
                return Optional.empty();
            }
        }

        @Override
        public void save(Entry entry) {
            Properties p = new Properties();
            p.setProperty("bucket", entry.bucket());
            p.setProperty("key", entry.key());
            p.setProperty("uploadId", entry.uploadId());
            p.setProperty("file", entry.file());
            p.setProperty("size", Long.toString(entry.size()));
            p.setProperty("lastModifiedMillis", Long.toString(entry.lastModifiedMillis()));
            try {
                Files.createDirectories(dir);
                Path target = fileOf(entry.bucket(), entry.key());
                Path temp = target.resolveSibling(target.getFileName() + ".tmp");
                try (var out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
                    p.store(out, "multipart upload in progress");
                }
                try (var channel = java.nio.channels.FileChannel.open(temp, StandardOpenOption.WRITE)) {
                    channel.force(true);
                }
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot persist the multipart upload id", e);
            }
        }

        @Override
        public void remove(String bucket, String key) {
            try {
                Files.deleteIfExists(fileOf(bucket, key));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove the multipart upload journal entry", e);
            }
        }
    }
}
