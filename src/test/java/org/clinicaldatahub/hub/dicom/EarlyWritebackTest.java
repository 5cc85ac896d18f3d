package org.clinicaldatahub.hub.dicom;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A received file is written whole, and forced once per step of bytes while it arrives. */
class EarlyWritebackTest {

    @TempDir
    Path dir;

    /** Runs each force at once on the caller's thread, and counts them. */
    private static final class CountingInline extends AbstractExecutorService {
        int forces;

        @Override
        public void execute(Runnable command) {
            forces++;
            command.run();
        }

        @Override
        public void shutdown() {
        }

        @Override
        public List<Runnable> shutdownNow() {
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return false;
        }

        @Override
        public boolean isTerminated() {
            return false;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }
    }

    @Test
    void aLargeFileIsForcedOncePerStepAndWrittenWhole() throws IOException {
        byte[] bytes = new byte[3500];
        new Random(7).nextBytes(bytes);
        Path file = dir.resolve("large.dcm");
        CountingInline forcer = new CountingInline();

        try (FileChannel channel = open(file)) {
            try (OutputStream out = new EarlyWriteback(channel, 1000, forcer)) {
                for (int off = 0; off < bytes.length; off += 500) {
                    out.write(bytes, off, 500);
                }
            }
            assertThat(channel.isOpen()).as("left open for the spool's final force").isTrue();
        }

        assertThat(Files.readAllBytes(file)).isEqualTo(bytes);
        assertThat(forcer.forces).as("after 1000, 2000 and 3000 bytes").isEqualTo(3);
    }

    @Test
    void aFileSmallerThanOneStepIsNotForcedHere() throws IOException {
        Path file = dir.resolve("small.dcm");
        CountingInline forcer = new CountingInline();

        try (FileChannel channel = open(file); OutputStream out = new EarlyWriteback(channel, 8L << 20, forcer)) {
            out.write(new byte[4096]);
            out.write(1);
        }

        assertThat(Files.size(file)).isEqualTo(4097);
        assertThat(forcer.forces).isZero();
    }

    private static FileChannel open(Path file) throws IOException {
        return FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }
}
