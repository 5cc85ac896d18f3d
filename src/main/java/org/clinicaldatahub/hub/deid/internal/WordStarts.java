package org.clinicaldatahub.hub.deid.internal;

/**
 * The positions in a text where an ASCII letter or digit follows a character that is not a regular
 * expression word character ({@code [A-Za-z0-9_]}) or the start of the text. Every scrub pattern
 * that begins with {@code \b} and a letter or digit can only match at one of them, so the patterns
 * are tried there and nowhere else.
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
                if (count == positions.length) {
                    positions = java.util.Arrays.copyOf(positions, count * 2);
                }
                positions[count++] = i;
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
}
