package org.clinicaldatahub.hub.audit.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The "shipped up to seq" cursor of a node: one decimal number in {@code <node>.shipped},
 * replaced atomically (write, fsync, rename, fsync directory) so a crash leaves either the old
 * or the new value.
 */
public final class ShipCursor {

    private final Path file;
    private volatile long shippedSeq;

    public ShipCursor(Path auditDir, String node) throws IOException {
        this.file = auditDir.resolve(node + ".shipped");
        this.shippedSeq = Files.exists(file) ? Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).trim()) : 0;
    }

    public long shippedSeq() {
        return shippedSeq;
    }

    public synchronized void advance(long seq) throws IOException {
        if (seq <= shippedSeq) {
            return;
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(java.nio.ByteBuffer.wrap((seq + "\n").getBytes(StandardCharsets.US_ASCII)));
            channel.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        SegmentStore.forceDirectory(file.getParent());
        shippedSeq = seq;
    }
}
