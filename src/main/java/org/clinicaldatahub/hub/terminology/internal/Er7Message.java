package org.clinicaldatahub.hub.terminology.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * An HL7 v2 message in ER7 text, split into segments (HL7 v2.5.1 section 2.5) without building
 * an object model: values are read and written in place through {@link Er7Segment}, and
 * {@link #text()} gives the message back with only the changed segments rewritten; every other
 * byte, including the segment terminators (CR, or CR LF), stays as received. Segments end at CR;
 * whitespace around a segment (the LF of CR LF) and blank lines are skipped, as HAPI's parser
 * skips them. Refuses (with {@link Er7FormatException}) what HAPI's parser refuses for its
 * structure: no MSH at the start, unusable delimiters, a segment name that is not three characters.
 */
public final class Er7Message {

    private final String text;
    private final Er7Delimiters delimiters;
    private final int[] starts;
    private final int[] ends;
    private final String[] names;
    private final Er7Segment[] segments;

    private Er7Message(String text, Er7Delimiters delimiters, List<int[]> bounds) {
        this.text = text;
        this.delimiters = delimiters;
        int count = bounds.size();
        this.starts = new int[count];
        this.ends = new int[count];
        this.names = new String[count];
        this.segments = new Er7Segment[count];
        for (int i = 0; i < count; i++) {
            starts[i] = bounds.get(i)[0];
            ends[i] = bounds.get(i)[1];
            int name = text.indexOf(delimiters.field(), starts[i]);
            names[i] = text.substring(starts[i], name < 0 || name > ends[i] ? ends[i] : name);
        }
    }

    /** Reads the segment structure of a message; values are split only when a segment is asked for. */
    public static Er7Message parse(String text) {
        Er7Delimiters delimiters = Er7Delimiters.of(text);
        List<int[]> bounds = new ArrayList<>(16);
        int position = 0;
        while (position < text.length()) {
            int end = text.indexOf('\r', position);
            if (end < 0) {
                end = text.length();
            }
            int start = position;
            int last = end;
            while (start < last && text.charAt(start) <= ' ') {
                start++;
            }
            while (last > start && text.charAt(last - 1) <= ' ') {
                last--;
            }
            if (start < last) {
                int name = text.indexOf(delimiters.field(), start);
                if ((name < 0 || name > last ? last : name) - start != 3) {
                    throw new Er7FormatException("a segment name is not three characters");
                }
                bounds.add(new int[] {start, last});
            }
            position = end + 1;
        }
        return new Er7Message(text, delimiters, bounds);
    }

    public Er7Delimiters delimiters() {
        return delimiters;
    }

    public int segmentCount() {
        return names.length;
    }

    /** The name of segment {@code index} (0-based, MSH is 0). */
    public String segmentName(int index) {
        return names[index];
    }

    /** Segment {@code index} (0-based, MSH is 0), for reading and writing values. */
    public Er7Segment segment(int index) {
        if (segments[index] == null) {
            segments[index] = new Er7Segment(names[index], text.substring(starts[index], ends[index]), delimiters);
        }
        return segments[index];
    }

    /** MSH-12.1 (version id) as written, or "" when MSH has no field 12. */
    public String version() {
        String written = segment(0).written(12);
        return Er7Segment.part(Er7Segment.part(written, delimiters.repetition(), 0), delimiters.component(), 0);
    }

    /** The message as it is now: the received text itself when no segment changed. */
    public String text() {
        StringBuilder out = null;
        int copied = 0;
        for (int i = 0; i < segments.length; i++) {
            if (segments[i] != null && segments[i].changed()) {
                if (out == null) {
                    out = new StringBuilder(text.length() + 64);
                }
                out.append(text, copied, starts[i]).append(segments[i].text());
                copied = ends[i];
            }
        }
        return out == null ? text : out.append(text, copied, text.length()).toString();
    }
}
