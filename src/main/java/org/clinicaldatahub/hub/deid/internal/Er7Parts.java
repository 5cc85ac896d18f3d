package org.clinicaldatahub.hub.deid.internal;

/**
 * The parts of a delimited ER7 text (the fields of a segment) as positions, not strings: most
 * fields of a segment are kept as they are and copied straight from the segment, so only those a
 * rule changes are cut out. Empty parts are kept, as {@link Er7#split} keeps them.
 */
public final class Er7Parts {

    private final String text;
    /** Part k is {@code [starts[k], starts[k + 1] - 1)}; the last entry is one past the text's end plus one. */
    private int[] starts = new int[32];
    private int size;

    private Er7Parts(String text) {
        this.text = text;
    }

    public static Er7Parts of(String text, char delimiter) {
        Er7Parts parts = new Er7Parts(text);
        parts.starts[0] = 0;
        int n = 1;
        for (int i = text.indexOf(delimiter); i >= 0; i = text.indexOf(delimiter, i + 1)) {
            if (n == parts.starts.length) {
                parts.starts = java.util.Arrays.copyOf(parts.starts, n * 2);
            }
            parts.starts[n++] = i + 1;
        }
        if (n == parts.starts.length) {
            parts.starts = java.util.Arrays.copyOf(parts.starts, n + 1);
        }
        parts.starts[n] = text.length() + 1;
        parts.size = n;
        return parts;
    }

    public int size() {
        return size;
    }

    /** Part {@code k} as a string (cut out on each call). */
    public String get(int k) {
        return text.substring(starts[k], starts[k + 1] - 1);
    }

    public boolean isEmpty(int k) {
        return starts[k + 1] - 1 == starts[k];
    }

    /** Appends part {@code k} without cutting it out. */
    public void appendTo(StringBuilder out, int k) {
        out.append(text, starts[k], starts[k + 1] - 1);
    }
}
