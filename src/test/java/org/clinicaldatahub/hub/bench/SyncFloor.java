package org.clinicaldatahub.hub.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * What one disk allows a receiver that answers each instance only once it is durable, with
 * nothing else running in it: per file, write it, force it (fdatasync), rename it into place and
 * sync the directory, one after another, as a C-STORE SCP must for a peer that waits for every
 * response. The same files without any sync show what storescp does. The ratio of the two is the
 * most a per-instance-durable receiver can reach against storescp on this disk. A third mode
 * renames before it forces, so that the file's sync commits the rename with it and the directory
 * sync finds (almost) nothing left to do.
 *
 * <p>Run: {@code java -cp ... org.clinicaldatahub.hub.bench.SyncFloor files=200 size=537600 dir=/tmp/sync-floor}
 */
public final class SyncFloor {

    private SyncFloor() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> config = DicomBench.config(args);
        int files = Integer.parseInt(config.getOrDefault("files", "200"));
        int size = Integer.parseInt(config.getOrDefault("size", "537600"));
        Path dir = Files.createDirectories(Path.of(config.getOrDefault("dir", "/tmp/sync-floor")));
        byte[] bytes = new byte[size];
        new Random(1).nextBytes(bytes);
        for (int round = 1; round <= 3; round++) {
            for (String mode : new String[] {"not synced", "synced", "rename first"}) {
                boolean sync = !mode.equals("not synced");
                boolean renameFirst = mode.equals("rename first");
                Path incoming = Files.createDirectories(dir.resolve("incoming"));
                Path placed = Files.createDirectories(dir.resolve("placed"));
                long start = System.nanoTime();
                for (int i = 0; i < files; i++) {
                    Path file = incoming.resolve(i + ".dcm");
                    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                            StandardOpenOption.TRUNCATE_EXISTING)) {
                        ByteBuffer buffer = ByteBuffer.wrap(bytes);
                        while (buffer.hasRemaining()) {
                            channel.write(buffer);
                        }
                        if (renameFirst) {
                            // one journal commit can then carry the data's allocation and the rename
                            Files.move(file, placed.resolve(i + ".dcm"), StandardCopyOption.ATOMIC_MOVE,
                                    StandardCopyOption.REPLACE_EXISTING);
                        }
                        if (sync) {
                            channel.force(false);
                        }
                    }
                    if (!renameFirst) {
                        Files.move(file, placed.resolve(i + ".dcm"), StandardCopyOption.ATOMIC_MOVE,
                                StandardCopyOption.REPLACE_EXISTING);
                    }
                    if (sync) {
                        try (FileChannel directory = FileChannel.open(placed, StandardOpenOption.READ)) {
                            directory.force(true);
                        }
                    }
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf(Locale.ROOT, "round %d %-13s %d files of %d bytes: %8.1f files/s, %.2f ms each  | load %s%n",
                        round, mode, files, size, files / seconds, seconds * 1000 / files,
                        Files.readString(Path.of("/proc/loadavg")).trim());
                org.clinicaldatahub.hub.dicom.support.ChildHub.deleteRecursively(dir);
            }
        }
    }
}
