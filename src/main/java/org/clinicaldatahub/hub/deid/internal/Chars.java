package org.clinicaldatahub.hub.deid.internal;

/** ASCII character classes as {@code java.util.regex} sees them without UNICODE_CHARACTER_CLASS. */
public final class Chars {

    /** Letters and digits of US-ASCII, looked up rather than compared: this test runs on every character of a text. */
    private static final boolean[] ASCII_LETTER_OR_DIGIT = new boolean[128];

    static {
        for (char c = 0; c < 128; c++) {
            ASCII_LETTER_OR_DIGIT[c] = isDigit(c) || isAsciiLetter(c);
        }
    }

    private Chars() {
    }

    public static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    public static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    public static boolean isAsciiLetterOrDigit(char c) {
        return c < 128 && ASCII_LETTER_OR_DIGIT[c];
    }

    public static boolean isHexDigit(char c) {
        return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /** {@code c} lower-cased if it is an ASCII upper-case letter (what CASE_INSENSITIVE folds). */
    public static char asciiLower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
    }

    /** The character at {@code i}, or 0 past the end. */
    public static char at(String text, int i) {
        return i < text.length() ? text.charAt(i) : 0;
    }
}
