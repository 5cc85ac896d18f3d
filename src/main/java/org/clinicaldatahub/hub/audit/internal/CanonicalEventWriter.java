package org.clinicaldatahub.hub.audit.internal;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Writes an event line in canonical form without a JSON library: the keys of an event are fixed,
 * so their sorted order is too ({@code actor checksum id node outcome prev reason refs route seq
 * step time type v}), and every value is a string the event builder validated (no control
 * characters) or a number. Strings are escaped as Jackson escapes them, which wrote the lines
 * already on disk: the quotation mark and the backslash, and UTF-16 surrogates (characters
 * outside the BMP) as {@code \\uXXXX} (where RFC 8785 would write UTF-8); every other character
 * is written as UTF-8. The output is the
 * same, byte for byte, as {@link CanonicalJson#write} of the event (a test holds the two
 * together); this exists because it is several times cheaper, and audit lines are written on
 * every message's path.
 */
public final class CanonicalEventWriter {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private final StringBuilder beforePrev = new StringBuilder(256).append('{');
    private final StringBuilder betweenPrevAndSeq = new StringBuilder(256).append(',');
    private final StringBuilder afterSeq = new StringBuilder(128);

    /**
     * Starts a line with the values that sort before {@code prev}.
     *
     * @param actor    may be null
     * @param checksum may be null
     */
    public CanonicalEventWriter(String actor, String checksum, String id, String node, String outcome) {
        member(beforePrev, "actor", actor);
        member(beforePrev, "checksum", checksum);
        member(beforePrev, "id", id);
        member(beforePrev, "node", node);
        member(beforePrev, "outcome", outcome);
    }

    /**
     * Adds the values between {@code prev} and {@code seq} and those after {@code seq}.
     *
     * @param reason may be null
     * @param refs   sorted by key (a {@code TreeMap} of wire names); null or empty for none
     * @param route  may be null
     */
    public EventLineTemplate finish(String reason, Map<String, String> refs, String route, String step, String time,
                                    String type, int version) {
        member(betweenPrevAndSeq, "reason", reason);
        if (refs != null && !refs.isEmpty()) {
            key(betweenPrevAndSeq, "refs").append('{');
            boolean first = true;
            for (Map.Entry<String, String> ref : refs.entrySet()) {
                if (!first) {
                    betweenPrevAndSeq.append(',');
                }
                first = false;
                string(betweenPrevAndSeq, ref.getKey()).append(':');
                string(betweenPrevAndSeq, ref.getValue());
            }
            betweenPrevAndSeq.append("},");
        }
        member(betweenPrevAndSeq, "route", route);
        afterSeq.append(',');
        member(afterSeq, "step", step);
        member(afterSeq, "time", time);
        member(afterSeq, "type", type);
        key(afterSeq, "v").append(version).append('}');
        return new EventLineTemplate(utf8(beforePrev), utf8(betweenPrevAndSeq), utf8(afterSeq));
    }

    /** {@code "name":"value",}; nothing for a null value (canonical form omits nulls). */
    private static void member(StringBuilder out, String name, String value) {
        if (value != null) {
            string(key(out, name), value).append(',');
        }
    }

    private static StringBuilder key(StringBuilder out, String name) {
        return out.append('"').append(name).append("\":");
    }

    private static StringBuilder string(StringBuilder out, String value) {
        out.append('"');
        int start = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                out.append(value, start, i).append('\\').append(c);
                start = i + 1;
            } else if (Character.isSurrogate(c)) {
                // Jackson, which wrote the lines already on disk, escapes characters outside the BMP
                out.append(value, start, i).append("\\u").append(HEX[c >> 12 & 0xf]).append(HEX[c >> 8 & 0xf])
                        .append(HEX[c >> 4 & 0xf]).append(HEX[c & 0xf]);
                start = i + 1;
            }
        }
        return out.append(value, start, value.length()).append('"');
    }

    private static byte[] utf8(StringBuilder text) {
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }
}
