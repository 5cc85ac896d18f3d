package org.clinicaldatahub.hub.terminology.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * One segment of an {@link Er7Message}: reads and writes single values by position (field,
 * repetition, component, subcomponent, as HAPI's {@code Terser} counts them) in the ER7 text
 * itself, with the message's own delimiters and escape sequences (HL7 v2.5.1 section 2.5-2.7).
 * Only the field written to changes; everything else in the segment keeps its bytes. In MSH,
 * field 1 is the field separator and field 2 the encoding characters, so MSH-n is the n-1-th
 * piece of the text; both are read as written and cannot be set.
 */
public final class Er7Segment {

    private final String name;
    private final String written;
    private final Er7Delimiters delimiters;
    private final boolean header;
    private List<String> fields;
    private boolean changed;

    Er7Segment(String name, String written, Er7Delimiters delimiters) {
        this.name = name;
        this.written = written;
        this.delimiters = delimiters;
        this.header = "MSH".equals(name);
    }

    public String name() {
        return name;
    }

    /**
     * How many repetitions field {@code field} has; 0 when the segment ends before it. A trailing
     * empty repetition ({@code A~}) is not counted, as HAPI's parser does not count it.
     */
    public int repetitions(int field) {
        List<String> all = fields();
        int index = index(field);
        if (index >= all.size()) {
            return 0;
        }
        String value = all.get(index);
        if (header && field <= 2) {
            return 1;
        }
        int count = 1;
        int last = -1;
        for (int i = value.indexOf(delimiters.repetition()); i >= 0; i = value.indexOf(delimiters.repetition(), i + 1)) {
            count++;
            last = i;
        }
        return count > 1 && last == value.length() - 1 ? count - 1 : count;
    }

    /**
     * The value at one position, escape sequences resolved; "" when absent.
     *
     * @param field        1-based field number
     * @param repetition   0-based repetition
     * @param component    1-based component
     * @param subcomponent 1-based subcomponent
     */
    public String get(int field, int repetition, int component, int subcomponent) {
        List<String> all = fields();
        int index = index(field);
        if (index >= all.size()) {
            return "";
        }
        if (header && field <= 2) {
            return field == 1 ? String.valueOf(delimiters.field()) : all.get(index);
        }
        String value = part(all.get(index), delimiters.repetition(), repetition);
        value = part(value, delimiters.component(), component - 1);
        value = part(value, delimiters.subcomponent(), subcomponent - 1);
        return delimiters.unescape(value);
    }

    /**
     * Writes one value (escaped), adding the delimiters needed to reach its position; the other
     * subcomponents, components and repetitions of the field keep their text. A null or empty
     * value at a position that does not exist yet adds nothing.
     */
    public void set(int field, int repetition, int component, int subcomponent, String value) {
        if (header && field <= 2) {
            throw new IllegalArgumentException("MSH-1 and MSH-2 hold the delimiters and cannot be set");
        }
        String escaped = value == null ? "" : delimiters.escape(value);
        List<String> all = fields();
        int index = index(field);
        if (index >= all.size() && escaped.isEmpty()) {
            return;
        }
        while (all.size() <= index) {
            all.add("");
        }
        String whole = all.get(index);
        String rep = part(whole, delimiters.repetition(), repetition);
        String comp = part(rep, delimiters.component(), component - 1);
        String newComp = withPart(comp, delimiters.subcomponent(), subcomponent - 1, escaped);
        String newRep = withPart(rep, delimiters.component(), component - 1, newComp);
        String newWhole = withPart(whole, delimiters.repetition(), repetition, newRep);
        if (!newWhole.equals(whole)) {
            all.set(index, newWhole);
            changed = true;
        }
    }

    /** Field {@code field} as written (escape sequences and delimiters as they are), or "". */
    String written(int field) {
        List<String> all = fields();
        int index = index(field);
        return index < all.size() ? all.get(index) : "";
    }

    /** Whether a {@link #set} changed the text. */
    public boolean changed() {
        return changed;
    }

    /** The segment's text now (as written when nothing changed), without a terminator. */
    public String text() {
        if (!changed) {
            return written;
        }
        return String.join(String.valueOf(delimiters.field()), fields);
    }

    private int index(int field) {
        if (field < 1) {
            throw new IllegalArgumentException("HL7 v2 fields are numbered from 1");
        }
        return header ? field - 1 : field;
    }

    private List<String> fields() {
        if (fields == null) {
            fields = new ArrayList<>(16);
            char separator = delimiters.field();
            int start = 0;
            for (int i = written.indexOf(separator); i >= 0; i = written.indexOf(separator, start)) {
                fields.add(written.substring(start, i));
                start = i + 1;
            }
            fields.add(written.substring(start));
        }
        return fields;
    }

    /** The n-th (0-based) piece of a delimited text, or "" when it has fewer pieces. */
    static String part(String text, char delimiter, int n) {
        int start = 0;
        for (int i = 0; i < n; i++) {
            int next = text.indexOf(delimiter, start);
            if (next < 0) {
                return "";
            }
            start = next + 1;
        }
        int end = text.indexOf(delimiter, start);
        return end < 0 ? text.substring(start) : text.substring(start, end);
    }

    /** The text with its n-th (0-based) piece replaced; missing pieces are added empty, unless the new piece is empty too. */
    static String withPart(String text, char delimiter, int n, String piece) {
        int start = 0;
        for (int i = 0; i < n; i++) {
            int next = text.indexOf(delimiter, start);
            if (next < 0) {
                if (piece.isEmpty()) {
                    return text;
                }
                StringBuilder padded = new StringBuilder(text.length() + n - i + piece.length()).append(text);
                for (int k = i; k < n; k++) {
                    padded.append(delimiter);
                }
                return padded.append(piece).toString();
            }
            start = next + 1;
        }
        int end = text.indexOf(delimiter, start);
        if (end < 0) {
            end = text.length();
        }
        return text.substring(0, start) + piece + text.substring(end);
    }
}
