package org.clinicaldatahub.hub.deid.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * The delimiters of one HL7 v2 message (MSH-1 and MSH-2) and the splitting, escaping and
 * unescaping of ER7 text (HL7 v2.5.1 section 2.7). Works on the text as received, so every
 * version and the generic model are handled alike, and a message is walked without building
 * HAPI's object model (which costs more than the de-identification itself).
 */
public final class Er7 {

    public final char field;
    public final char component;
    public final char repetition;
    public final char escape;
    public final char subcomponent;

    private Er7(char field, char component, char repetition, char escape, char subcomponent) {
        this.field = field;
        this.component = component;
        this.repetition = repetition;
        this.escape = escape;
        this.subcomponent = subcomponent;
    }

    /** The delimiters from the MSH segment, or null when the text does not start with a usable MSH. */
    public static Er7 of(String message) {
        if (message.length() < 8 || !message.startsWith("MSH")) {
            return null;
        }
        char f = message.charAt(3);
        int end = message.indexOf(f, 4);
        if (end < 0 || end - 4 < 2 || Character.isLetterOrDigit(f)) {
            return null;
        }
        String enc = message.substring(4, end);
        return new Er7(f, enc.charAt(0), enc.charAt(1), enc.length() > 2 ? enc.charAt(2) : '\\',
                enc.length() > 3 ? enc.charAt(3) : '&');
    }

    /** Splits on a delimiter keeping empty parts. */
    public static List<String> split(String text, char delimiter) {
        int count = 1;
        for (int i = text.indexOf(delimiter); i >= 0; i = text.indexOf(delimiter, i + 1)) {
            count++;
        }
        List<String> parts = new ArrayList<>(count); // sized once: a PID has thirty fields and more
        int start = 0;
        for (int i = text.indexOf(delimiter); i >= 0; i = text.indexOf(delimiter, start)) {
            parts.add(text.substring(start, i));
            start = i + 1;
        }
        parts.add(text.substring(start));
        return parts;
    }

    /** The n-th part (0-based) of a delimited text, or "". */
    public static String part(String text, char delimiter, int n) {
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

    /** Text with the delimiter escapes (\F\ \S\ \T\ \R\ \E\) resolved; other escapes are left as written. */
    public String unescape(String text) {
        if (text.indexOf(escape) < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == escape && i + 2 < text.length() && text.charAt(i + 2) == escape) {
                char code = text.charAt(i + 1);
                char resolved = switch (code) {
                    case 'F' -> field;
                    case 'S' -> component;
                    case 'T' -> subcomponent;
                    case 'R' -> repetition;
                    case 'E' -> escape;
                    default -> 0;
                };
                if (resolved != 0) {
                    out.append(resolved);
                    i += 2;
                    continue;
                }
            }
            out.append(c);
        }
        return out.toString();
    }

    /** Text made safe to place in a field: delimiters become their escapes. */
    public String escape(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String esc = c == field ? "F" : c == component ? "S" : c == subcomponent ? "T" : c == repetition ? "R"
                    : c == escape ? "E" : null;
            if (esc != null && out == null) {
                out = new StringBuilder(text.length() + 8).append(text, 0, i);
            }
            if (out != null) {
                if (esc != null) {
                    out.append(escape).append(esc).append(escape);
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? text : out.toString();
    }
}
