package org.clinicaldatahub.hub.audit;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds the events of a time range in this node's local segments, oldest first. Segment files
 * are read line by line (the open segment's torn last line, if any, is skipped); events are in
 * time order within a node, so the scan stops at the first event past the range.
 */
public final class AuditEventSearch {

    /** One page of a search: the events, and whether more matched than the page holds. */
    public record Page(List<AuditEvent> events, boolean more) {
    }

    private final Path segmentsDir;

    public AuditEventSearch(Path segmentsDir) {
        this.segmentsDir = segmentsDir;
    }

    /** Events with {@code from <= time < to} and {@code seq > afterSeq}, at most {@code limit}. */
    public Page find(Instant from, Instant to, long afterSeq, int limit) throws IOException {
        List<AuditEvent> found = new ArrayList<>();
        List<Path> segments;
        try (Stream<Path> files = Files.list(segmentsDir)) {
            segments = files.filter(p -> p.getFileName().toString().endsWith(".log")).sorted().toList();
        }
        for (Path segment : segments) {
            try (BufferedReader reader = Files.newBufferedReader(segment, StandardCharsets.UTF_8)) {
                String line;
                while ((line = reader.readLine()) != null) {
                    if (!line.startsWith("{") || !line.contains("\"type\":\"event\"")) {
                        continue;
                    }
                    AuditEvent event;
                    try {
                        event = AuditEvent.parse(line);
                    } catch (IOException | IllegalArgumentException torn) {
                        continue;
                    }
                    Instant time = Instant.parse(event.time());
                    if (!time.isBefore(to)) {
                        return new Page(found, false);
                    }
                    if (!time.isBefore(from) && event.seq() > afterSeq) {
                        if (found.size() == limit) {
                            return new Page(found, true);
                        }
                        found.add(event);
                    }
                }
            }
        }
        return new Page(found, false);
    }
}
