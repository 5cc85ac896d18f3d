package org.clinicaldatahub.hub.audit.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Names of segment files: {@code <node>-<startSeq>.log} with the first event's sequence number
 * zero-padded to 20 digits, so a plain directory listing is in log order.
 */
public final class SegmentFiles {

    /** Node ids are file-name and JSON safe tokens. */
    public static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private static final Pattern NAME = Pattern.compile("(" + NODE_ID.pattern() + ")-(\\d{20})\\.log");

    private SegmentFiles() {
    }

    /** A segment file: the node whose chain it holds and the sequence number of its first event. */
    public record Segment(String node, long startSeq, String fileName) {
    }

    public static String fileName(String node, long startSeq) {
        return String.format("%s-%020d.log", node, startSeq);
    }

    /** Parses a file name; null when it is not a segment file. */
    public static Segment parse(String fileName) {
        Matcher m = NAME.matcher(fileName);
        if (!m.matches()) {
            return null;
        }
        return new Segment(m.group(1), Long.parseLong(m.group(2)), fileName);
    }

    /** Segments of one node in a directory, in log order; empty when the directory does not exist. */
    public static List<Path> list(Path dir, String node) throws IOException {
        List<Path> result = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return result;
        }
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(p -> {
                Segment s = parse(p.getFileName().toString());
                return s != null && s.node().equals(node);
            }).sorted(Comparator.comparing(p -> p.getFileName().toString())).forEach(result::add);
        }
        return result;
    }

    public static long startSeq(Path segment) {
        Segment s = parse(segment.getFileName().toString());
        if (s == null) {
            throw new IllegalArgumentException("not a segment file name: " + segment.getFileName());
        }
        return s.startSeq();
    }
}
