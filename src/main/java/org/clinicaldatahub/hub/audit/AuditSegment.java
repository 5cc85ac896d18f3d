package org.clinicaldatahub.hub.audit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * One segment file to verify, wherever it is stored: a local file, or later an object in the
 * WORM bucket. The name must be the segment's file name ({@code <node>-<startSeq>.log}).
 */
public interface AuditSegment {

    String name();

    InputStream open() throws IOException;

    static AuditSegment of(Path file) {
        return new AuditSegment() {
            @Override
            public String name() {
                return file.getFileName().toString();
            }

            @Override
            public InputStream open() throws IOException {
                return Files.newInputStream(file);
            }
        };
    }

    /** The files of a directory (non-segment files are skipped later by name). */
    static List<AuditSegment> inDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "not a directory");
        }
        List<AuditSegment> segments = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(Files::isRegularFile).sorted().forEach(p -> segments.add(of(p)));
        }
        return segments;
    }
}
