package org.clinicaldatahub.hub.terminology.internal;

/**
 * The delimiters of one HL7 v2 message in ER7 (pipe) encoding, as its MSH-1 and MSH-2 declare
 * them, and the delimiter escape sequences (HL7 v2.5.1 section 2.7.4: {@code \F\ \S\ \T\ \R\ \E\}).
 * Other escape sequences (formatting such as {@code \H\}, {@code \.br\}, hexadecimal {@code \X..\})
 * are left as written, as HAPI does, so a value reads the same on both paths.
 */
public final class Er7Delimiters {

    private final char field;
    private final char component;
    private final char repetition;
    private final char escape;
    private final char subcomponent;

    Er7Delimiters(char field, char component, char repetition, char escape, char subcomponent) {
        this.field = field;
        this.component = component;
        this.repetition = repetition;
        this.escape = escape;
        this.subcomponent = subcomponent;
    }

    /** The delimiters declared by MSH-1 and MSH-2 of a text that starts with {@code MSH}. */
    static Er7Delimiters of(String message) {
        if (message.length() < 6 || !message.startsWith("MSH")) {
            throw new Er7FormatException("no MSH segment at the start");
        }
        char f = message.charAt(3);
        int end = message.indexOf(f, 4);
        int count = end - 4;
        if (Character.isLetterOrDigit(f) || Character.isWhitespace(f) || end < 0 || count < 2 || count > 5
                || containsLineBreak(message, 4, end)) {
            throw new Er7FormatException("MSH-1/MSH-2 do not declare usable delimiters");
        }
        return new Er7Delimiters(f, message.charAt(4), message.charAt(5), count > 2 ? message.charAt(6) : '\\',
                count > 3 ? message.charAt(7) : '&');
    }

    private static boolean containsLineBreak(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            if (text.charAt(i) == '\r' || text.charAt(i) == '\n') {
                return true;
            }
        }
        return false;
    }

    public char field() {
        return field;
    }

    public char component() {
        return component;
    }

    public char repetition() {
        return repetition;
    }

    public char escape() {
        return escape;
    }

    public char subcomponent() {
        return subcomponent;
    }

    /** A value as written resolved to its text: the delimiter escapes become the delimiters. */
    public String unescape(String written) {
        if (written.indexOf(escape) < 0) {
            return written;
        }
        StringBuilder text = new StringBuilder(written.length());
        for (int i = 0; i < written.length(); i++) {
            char c = written.charAt(i);
            if (c == escape && i + 2 < written.length() && written.charAt(i + 2) == escape) {
                char resolved = delimiterNamed(written.charAt(i + 1));
                if (resolved != 0) {
                    text.append(resolved);
                    i += 2;
                    continue;
                }
            }
            text.append(c);
        }
        return text.toString();
    }

    /** A text made safe to write as one value: every delimiter becomes its escape sequence. */
    public String escape(String text) {
        StringBuilder written = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            char name = nameOf(c);
            if (name != 0 && written == null) {
                written = new StringBuilder(text.length() + 8).append(text, 0, i);
            }
            if (written != null) {
                if (name != 0) {
                    written.append(escape).append(name).append(escape);
                } else {
                    written.append(c);
                }
            }
        }
        return written == null ? text : written.toString();
    }

    private char delimiterNamed(char name) {
        return switch (name) {
            case 'F' -> field;
            case 'S' -> component;
            case 'T' -> subcomponent;
            case 'R' -> repetition;
            case 'E' -> escape;
            default -> 0;
        };
    }

    private char nameOf(char c) {
        if (c == field) {
            return 'F';
        }
        if (c == component) {
            return 'S';
        }
        if (c == subcomponent) {
            return 'T';
        }
        if (c == repetition) {
            return 'R';
        }
        return c == escape ? 'E' : 0;
    }
}
