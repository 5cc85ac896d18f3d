package org.clinicaldatahub.hub.deid.internal;

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

    /**
     * The characters a match can begin with, by pattern: most word starts are ruled out by one array
     * look-up, before the condition proper.
     */
    private final boolean[] firstChars = new boolean[128];

    static {
        String digits = "0123456789";
        String hex = digits + "abcdefABCDEF";
        String letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
        URL.allow("hHfFwW");
        IPV4.allow(digits);
        SSN.allow(digits);
        PHONE.allow(digits);
        DATE.allow(digits + "jJfFmMaAsSoOnNdD");
        IPV6.allow(hex);
        LABEL.allow(letters);
        MIXED_ID.allow(digits + letters);
        DIGITS_ID.allow(digits + letters);
        TITLE.allow("MD");
        ADDRESS.allow(digits + "pP");
        AGE_OVER_89.allow("91");
    }

    private void allow(String chars) {
        for (char c : chars.toCharArray()) {
            firstChars[c] = true;
        }
    }

    private static final String[] MONTH_PREFIXES = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep",
        "oct", "nov", "dec"};

    /**
     * True if a match may begin at word start {@code i}; {@code labelPrefixes}: those of a {@link #LABEL} pattern.
     */
    boolean possibleAtWordStart(String text, int i, LabelPrefixes labelPrefixes) {
        char c = text.charAt(i);
        if (c >= 128 || !firstChars[c]) {
            return false;
        }
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
                return Chars.isDigit(c) ? dateFromDigits(text, i) : startsWithMonth(text, i);
            case IPV6:
                return hexThenColon(text, i);
            case LABEL:
                return labelPrefixes.startAt(text, i);
            case MIXED_ID:
                return mixedRunOfEight(text, i);
            case DIGITS_ID:
                return fewLettersThenSixDigits(text, i);
            case TITLE:
                char next = Chars.at(text, i + 1);
                return (c == 'M' && (next == 'r' || next == 's' || next == 'i' || next == 'x')) || (c == 'D' && next == 'r');
            case ADDRESS:
                if (Chars.isDigit(c)) {
                    // a house number of up to six digits, whitespace, a word
                    int digits = digitRun(text, i);
                    return digits <= 6 && isRegexSpace(Chars.at(text, i + digits));
                }
                char afterP = Chars.at(text, i + 1);
                return (c == 'P' || c == 'p') && (afterP == '.' || afterP == 'O' || afterP == 'o' || isRegexSpace(afterP));
            case AGE_OVER_89:
                // 90-149, then "yo", "y/o", "years old", "yrs old", "-year-old"
                if ((c != '9' && c != '1') || !Chars.isDigit(Chars.at(text, i + 1))) {
                    return false;
                }
                int ageEnd = i + digitRun(text, i);
                char afterAge = Chars.at(text, ageEnd);
                if (afterAge == '-' || afterAge == ' ') {
                    afterAge = Chars.at(text, ageEnd + 1);
                }
                return afterAge == 'y' || afterAge == 'Y';
            default:
                throw new IllegalStateException(this + " is not found from word starts");
        }
    }

    /**
     * A phone number's optional {@code +1} prefix or bracketed area code may begin where no word
     * does: {@code (ddd)}, or {@code 1} / {@code +1} with an optional separator before {@code (} or a
     * digit (with no separator, only {@code (} can follow: a digit right after the 1 is no word start).
     */
    static boolean phoneStartOffWordStart(String text, int i) {
        char c = text.charAt(i);
        if (c == '(') {
            return Chars.isDigit(Chars.at(text, i + 1)) && Chars.isDigit(Chars.at(text, i + 2))
                    && Chars.isDigit(Chars.at(text, i + 3)) && Chars.at(text, i + 4) == ')';
        }
        int one = c == '+' ? i + 1 : i;
        if (Chars.at(text, one) != '1') {
            return false;
        }
        char next = Chars.at(text, one + 1);
        if (next == '(') {
            return true;
        }
        return isPhoneSeparator(next) && (Chars.at(text, one + 2) == '(' || Chars.isDigit(Chars.at(text, one + 2)));
    }

    /** The e-mail pattern's local part: {@code [A-Za-z0-9._%+-]}. */
    static boolean isEmailLocal(char c) {
        return Chars.isAsciiLetterOrDigit(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
    }

    private static boolean isPhoneSeparator(char c) {
        return c == '-' || c == '.' || c == ' ';
    }

    /**
     * The date alternatives that begin with a digit: {@code dddd-}, {@code d[/.-]} or {@code dd[/.-]},
     * {@code d:} or {@code dd:}, one or two digits before a space or an ordinal suffix ("3rd of May"),
     * or {@code 19}/{@code 20} and at least six more digits (YYYYMMDD).
     */
    private static boolean dateFromDigits(String text, int i) {
        int digits = digitRun(text, i);
        char after = Chars.at(text, i + digits);
        if (digits == 4 && after == '-') {
            return true;
        }
        if (digits <= 2 && (after == '/' || after == '.' || after == '-' || after == ':' || isRegexSpace(after)
                || Chars.isAsciiLetter(after))) {
            return true;
        }
        char first = text.charAt(i);
        char second = Chars.at(text, i + 1);
        return digits >= 8 && ((first == '1' && second == '9') || (first == '2' && second == '0'));
    }

    private static int digitRun(String text, int i) {
        int j = i;
        while (j < text.length() && Chars.isDigit(text.charAt(j))) {
            j++;
        }
        return j - i;
    }

    /** {@code \s} without UNICODE_CHARACTER_CLASS: space, tab, line feed, vertical tab, form feed, carriage return. */
    private static boolean isRegexSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
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
}
