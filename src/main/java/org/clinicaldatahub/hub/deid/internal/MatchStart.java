package org.clinicaldatahub.hub.deid.internal;

import java.util.List;
import java.util.Locale;

/**
 * Where a scrub pattern's match can begin: a cheap necessary condition on the text around one
 * position, checked before the (far more expensive) regular expression is tried there. A condition
 * may let through positions where the pattern then fails, but must never reject one where it would
 * match, so scrubbing finds exactly what running the pattern over the whole text finds.
 *
 * <p>Most patterns begin with {@code \b} and a letter or digit, so they are only tried at
 * {@link WordStarts}; an e-mail address is found from its {@code @}, a phone number also from a
 * {@code (}, {@code +} or a leading {@code 1} that need not stand at a word start.
 */
public enum MatchStart {

    /** {@code local@domain.tld}: the start of the run of local-part characters before an {@code @}. */
    EMAIL,
    /** {@code http://}, {@code https://}, {@code ftp://}, {@code www.} (any case). */
    URL,
    /** A digit with a dot among the next three characters. */
    IPV4,
    /** A digit with a dash or space three characters on. */
    SSN,
    /** {@code +1}, {@code 1}, {@code (} anywhere, or three digits and a separator at a word start. */
    PHONE,
    /** A digit or the first three letters of a month name (any case). */
    DATE,
    /** One to four hex digits and a colon. */
    IPV6,
    /** The first two letters of one of the given labels (any case). */
    LABEL,
    /** A run of letters, digits and dashes, eight or longer, with a letter and a digit. */
    MIXED_ID,
    /** At most three letters, then at least six digits. */
    DIGITS_ID,
    /** {@code Mr}, {@code Ms}, {@code Mrs}, {@code Miss}, {@code Mx}, {@code Dr} (case as written). */
    TITLE,
    /** A digit (a house number) or {@code P} (P.O. Box). */
    ADDRESS,
    /** {@code 9}, or {@code 1} then a digit: 90 to 149. */
    AGE_OVER_89;

    private static final String[] MONTH_PREFIXES = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep",
        "oct", "nov", "dec"};

    /**
     * True if a match may begin at word start {@code i}; {@code labelPrefixes} are the lower-cased first
     * two characters of the labels of a {@link #LABEL} pattern.
     */
    boolean possibleAtWordStart(String text, int i, String[] labelPrefixes) {
        char c = text.charAt(i);
        switch (this) {
            case URL:
                return text.regionMatches(true, i, "http", 0, 4) || text.regionMatches(true, i, "ftp:", 0, 4)
                        || text.regionMatches(true, i, "www.", 0, 4);
            case IPV4:
                return Chars.isDigit(c) && (Chars.at(text, i + 1) == '.' || Chars.at(text, i + 2) == '.'
                        || Chars.at(text, i + 3) == '.');
            case SSN:
                return Chars.isDigit(c) && (Chars.at(text, i + 3) == '-' || Chars.at(text, i + 3) == ' ');
            case PHONE:
                return Chars.isDigit(c) && Chars.isDigit(Chars.at(text, i + 1)) && Chars.isDigit(Chars.at(text, i + 2))
                        && isPhoneSeparator(Chars.at(text, i + 3));
            case DATE:
                return Chars.isDigit(c) || startsWithMonth(text, i);
            case IPV6:
                return hexThenColon(text, i);
            case LABEL:
                return startsWithPrefix(text, i, labelPrefixes);
            case MIXED_ID:
                return mixedRunOfEight(text, i);
            case DIGITS_ID:
                return fewLettersThenSixDigits(text, i);
            case TITLE:
                char next = Chars.at(text, i + 1);
                return (c == 'M' && (next == 'r' || next == 's' || next == 'i' || next == 'x')) || (c == 'D' && next == 'r');
            case ADDRESS:
                return Chars.isDigit(c) || c == 'P' || c == 'p';
            case AGE_OVER_89:
                return (c == '9' || c == '1') && Chars.isDigit(Chars.at(text, i + 1));
            default:
                throw new IllegalStateException(this + " is not found from word starts");
        }
    }

    /** A phone number's optional {@code +1} prefix or bracketed area code may begin where no word does. */
    static boolean phoneStartOffWordStart(String text, int i) {
        char c = text.charAt(i);
        return c == '(' || c == '1' || (c == '+' && Chars.at(text, i + 1) == '1');
    }

    /** The e-mail pattern's local part: {@code [A-Za-z0-9._%+-]}. */
    static boolean isEmailLocal(char c) {
        return Chars.isAsciiLetterOrDigit(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
    }

    private static boolean isPhoneSeparator(char c) {
        return c == '-' || c == '.' || c == ' ';
    }

    private static boolean startsWithMonth(String text, int i) {
        if (i + 3 > text.length()) {
            return false;
        }
        char a = Chars.asciiLower(text.charAt(i));
        char b = Chars.asciiLower(text.charAt(i + 1));
        char c = Chars.asciiLower(text.charAt(i + 2));
        for (String month : MONTH_PREFIXES) {
            if (month.charAt(0) == a && month.charAt(1) == b && month.charAt(2) == c) {
                return true;
            }
        }
        return false;
    }

    private static boolean hexThenColon(String text, int i) {
        for (int j = i; j < i + 5 && j < text.length(); j++) {
            char c = text.charAt(j);
            if (c == ':') {
                return j > i;
            }
            if (!Chars.isHexDigit(c)) {
                return false;
            }
        }
        return false;
    }

    private static boolean startsWithPrefix(String text, int i, String[] prefixes) {
        if (i + 2 > text.length()) {
            return false;
        }
        char a = Chars.asciiLower(text.charAt(i));
        char b = Chars.asciiLower(text.charAt(i + 1));
        for (String prefix : prefixes) {
            if (prefix.charAt(0) == a && prefix.charAt(1) == b) {
                return true;
            }
        }
        return false;
    }

    private static boolean mixedRunOfEight(String text, int i) {
        boolean letter = false;
        boolean digit = false;
        int j = i;
        for (int n = text.length(); j < n; j++) {
            char c = text.charAt(j);
            if (Chars.isDigit(c)) {
                digit = true;
            } else if (Chars.isAsciiLetter(c)) {
                letter = true;
            } else if (c != '-') {
                break;
            }
        }
        return letter && digit && j - i >= 8;
    }

    private static boolean fewLettersThenSixDigits(String text, int i) {
        int j = i;
        int n = text.length();
        while (j < n && j - i <= 3 && Chars.isAsciiLetter(text.charAt(j))) {
            j++;
        }
        if (j - i > 3) {
            return false;
        }
        int digits = 0;
        while (j < n && digits < 6 && Chars.isDigit(text.charAt(j))) {
            j++;
            digits++;
        }
        return digits == 6;
    }

    /**
     * The first two characters of each label, lower-cased; each label must begin with two literal
     * characters (no regular expression syntax), or the prefix would not be a necessary condition.
     */
    public static String[] prefixesOf(List<String> labels) {
        return labels.stream().map(label -> {
            if (label.length() < 2 || !isLiteral(label.charAt(0)) || !isLiteral(label.charAt(1))) {
                throw new IllegalArgumentException("a label must begin with two literal characters: " + label);
            }
            return label.substring(0, 2).toLowerCase(Locale.ROOT);
        }).distinct().toArray(String[]::new);
    }

    private static boolean isLiteral(char c) {
        return Chars.isAsciiLetterOrDigit(c) || c == '#' || c == '/' || c == ' ';
    }
}
