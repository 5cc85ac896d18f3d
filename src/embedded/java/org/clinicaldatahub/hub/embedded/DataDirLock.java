package org.clinicaldatahub.hub.embedded;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An OS file lock on the data directory, held while the embedded servers run. Two hubs on one
 * data directory (say a second instance started with other ports) would otherwise run two S3Mock
 * servers on the same store. The OS drops the lock when the process dies, so holding it also
 * proves that any S3Mock still recorded in the directory is an orphan of a crashed hub.
 */
final class DataDirLock implements AutoCloseable {

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static DataDirLock acquire(Path dataDir) {
        Path file = dataDir.resolve(".hub-embedded.lock");
        FileChannel channel = null;
        try {
            Files.createDirectories(dataDir);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return new DataDirLock(channel, lock);
            }
        } catch (IOException e) {
            closeQuietly(channel);
            throw new IllegalStateException("Cannot lock the embedded data directory " + dataDir + ": " + e.getMessage(), e);
        }
        closeQuietly(channel);
        throw new IllegalStateException("The embedded data directory " + dataDir + " is in use by another hub process. "
                + "Stop it, or set " + EmbeddedSettings.DATA_DIR + " to another directory.");
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // the channel close below releases it as well
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            // nothing left to release
        }
    }
}
