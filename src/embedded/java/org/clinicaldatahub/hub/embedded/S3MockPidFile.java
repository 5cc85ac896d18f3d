package org.clinicaldatahub.hub.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code <data-dir>/s3mock.pid}: "child-pid hub-pid" of the running S3Mock. A hub killed without
 * running its shutdown hooks (kill -9, power loss) leaves its S3Mock child running and holding the
 * port; the next hub on the same data directory uses this file to find and stop that orphan.
 */
final class S3MockPidFile {

    private static final Logger log = LoggerFactory.getLogger(S3MockPidFile.class);
    private static final String FILE = "s3mock.pid";

    private S3MockPidFile() {
    }

    static void write(Path dataDir, Process child) throws IOException {
        Files.writeString(dataDir.resolve(FILE), child.pid() + " " + ProcessHandle.current().pid() + "\n");
    }

    static void delete(Path dataDir) {
        try {
            Files.deleteIfExists(dataDir.resolve(FILE));
        } catch (IOException e) {
            log.debug("Could not delete {}: {}", dataDir.resolve(FILE), e.toString());
        }
    }

    /**
     * Stops the S3Mock recorded in the pid file if it still runs. Only called while holding the
     * {@link DataDirLock}, which proves the hub that started it is gone. The command line must
     * still name S3Mock and this data directory, so a reused pid is never touched.
     */
    static void stopOrphan(Path dataDir) {
        String[] pids = read(dataDir);
        if (pids.length != 2 || !pids[0].matches("\\d+")) {
            delete(dataDir);
            return;
        }
        Optional<ProcessHandle> orphan = ProcessHandle.of(Long.parseLong(pids[0]))
                .filter(ProcessHandle::isAlive)
                .filter(handle -> handle.info().commandLine()
                        .map(line -> line.contains("s3mock") && line.contains(dataDir.resolve("s3").toString()))
                        .orElse(false));
        if (orphan.isPresent()) {
            log.warn("Stopping S3Mock pid {} left running by a hub (pid {}) that did not shut down cleanly",
                    pids[0], pids[1]);
            stop(orphan.get());
        }
        delete(dataDir);
    }

    private static String[] read(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        try {
            return Files.isRegularFile(file) ? Files.readString(file).trim().split("\\s+") : new String[0];
        } catch (IOException e) {
            return new String[0];
        }
    }

    private static void stop(ProcessHandle handle) {
        handle.destroy();
        try {
            handle.onExit().get(S3MockServer.STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            handle.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            handle.destroyForcibly();
        }
    }
}
