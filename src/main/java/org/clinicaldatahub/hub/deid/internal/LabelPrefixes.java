package org.clinicaldatahub.hub.deid.internal;

import java.util.List;

/**
 * The first two characters (any case) of the labels a scrub pattern begins with ("MRN", "member
 * id", "wife"), as a table of character pairs: a word start is tried only if its first two
 * characters begin some label.
 */
final class LabelPrefixes {

    private final boolean[] pairs = new boolean[128 * 128];

    /** Each label must begin with two literal characters (no regular expression syntax), or the test would not be safe. */
    LabelPrefixes(List<String> labels) {
        for (String label : labels) {
            if (label.length() < 2 || !isLiteral(label.charAt(0)) || !isLiteral(label.charAt(1))) {
                throw new IllegalArgumentException("a label must begin with two literal characters: " + label);
            }
            pairs[index(label.charAt(0), label.charAt(1))] = true;
        }
    }

    boolean startAt(String text, int i) {
        char first = Chars.asciiLower(text.charAt(i));
        char second = Chars.asciiLower(Chars.at(text, i + 1));
        return first < 128 && second < 128 && pairs[index(first, second)];
    }

    private static int index(char first, char second) {
        return Chars.asciiLower(first) * 128 + Chars.asciiLower(second);
    }

    private static boolean isLiteral(char c) {
        return Chars.isAsciiLetterOrDigit(c) || c == '#' || c == '/' || c == ' ';
    }
}
