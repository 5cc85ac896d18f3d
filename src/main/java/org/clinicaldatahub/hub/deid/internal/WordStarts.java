package org.clinicaldatahub.hub.deid.internal;

import java.util.Arrays;

/**
 * The positions in a text where an ASCII letter or digit follows a character that is not a regular
 * expression word character ({@code [A-Za-z0-9_]}) or the start of the text. Every scrub pattern
 * that begins with {@code \b} and a letter or digit can only match at one of them, so the patterns
 * are tried there and nowhere else. Found once per text, then carried through each pattern's
 * replacements rather than searched for again.
 */
public final class WordStarts {

    private int[] positions = new int[64];
    private int count;

    /** Finds the word starts of {@code text}, replacing what was found before. */
    public WordStarts of(String text) {
        count = 0;
        boolean previousIsWord = false;
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            boolean alnum = Chars.isAsciiLetterOrDigit(c);
            if (alnum && !previousIsWord) {
                add(i);
            }
            previousIsWord = alnum || c == '_';
        }
        return this;
    }

    public int count() {
        return count;
    }

    public int get(int index) {
        return positions[index];
    }

    /**
     * Carries the word starts through replacements: each {@code [from, to)} of the old text (in
     * order, disjoint) became {@code placeholder} in {@code newText}. A word start only depends on a
     * character and the one before it, so only the replaced stretch and the character right after
     * it can change: starts inside are dropped, the placeholder's own are added, and the character
     * after the placeholder is a word start if it is a letter or digit (a ']' is before it now).
     *
     * @param spans {@code from, to} pairs, {@code spanCount} of them
     */
    void afterReplacing(int[] spans, int spanCount, String placeholder, int[] placeholderStarts, String newText) {
        int[] old = positions;
        int oldCount = count;
        positions = new int[Math.max(64, oldCount + spanCount * (placeholderStarts.length + 1))];
        count = 0;
        int w = 0;
        int delta = 0;
        for (int s = 0; s < spanCount; s++) {
            int from = spans[2 * s];
            int to = spans[2 * s + 1];
            while (w < oldCount && old[w] < from) {
                add(old[w++] + delta);
            }
            while (w < oldCount && old[w] < to) {
                w++;
            }
            for (int offset : placeholderStarts) {
                add(from + delta + offset);
            }
            delta += placeholder.length() - (to - from);
            boolean nextKeepsCharAfter = s + 1 == spanCount || spans[2 * s + 2] > to;
            if (nextKeepsCharAfter && to + delta < newText.length() && Chars.isAsciiLetterOrDigit(newText.charAt(to + delta))) {
                add(to + delta);
                if (w < oldCount && old[w] == to) {
                    w++;
                }
            }
        }
        while (w < oldCount) {
            add(old[w++] + delta);
        }
    }

    private void add(int position) {
        if (count == positions.length) {
            positions = Arrays.copyOf(positions, count * 2);
        }
        positions[count++] = position;
    }
}
