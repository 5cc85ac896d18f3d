package org.clinicaldatahub.hub.dicom.data;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Specific Character Set (0008,0005): decodes PN and the text VRs (SH, LO, ST, LT, UC, UT) to
 * Java strings (PS3.5 Section 6.1, PS3.3 C.12.1.1.2). Handles the single-byte sets without code
 * extensions (ISO_IR 100 ... 203, 13, 166), UTF-8 (ISO_IR 192), GB18030 and GBK, and ISO 2022
 * code extensions (PS3.5 6.1.2.5): escape sequences switch between ASCII, the ISO 8859 parts,
 * JIS X 0201, JIS X 0208, JIS X 0212, KS X 1001 and GB 2312; the set of value 1 is active again
 * after CR, LF, FF, TAB, the value delimiter and, in PN, the {@code ^} and {@code =} delimiters.
 * An unknown defined term decodes as ISO 8859-1 rather than failing the whole data set.
 */
public final class SpecificCharacterSet {

    /** The default repertoire (ISO IR 6, ASCII); the hub decodes it as ISO 8859-1 to keep odd bytes visible. */
    public static final SpecificCharacterSet DEFAULT = new SpecificCharacterSet("", List.of(StandardCharsets.ISO_8859_1), false);

    private static final byte ESC = 0x1B;

    /** Single defined term without code extensions -> charset. */
    private static final Map<String, String> SINGLE = Map.ofEntries(
            Map.entry("ISO_IR 6", "ISO-8859-1"), Map.entry("ISO_IR 100", "ISO-8859-1"),
            Map.entry("ISO_IR 101", "ISO-8859-2"), Map.entry("ISO_IR 109", "ISO-8859-3"),
            Map.entry("ISO_IR 110", "ISO-8859-4"), Map.entry("ISO_IR 144", "ISO-8859-5"),
            Map.entry("ISO_IR 127", "ISO-8859-6"), Map.entry("ISO_IR 126", "ISO-8859-7"),
            Map.entry("ISO_IR 138", "ISO-8859-8"), Map.entry("ISO_IR 148", "ISO-8859-9"),
            Map.entry("ISO_IR 203", "ISO-8859-15"), Map.entry("ISO_IR 13", "JIS_X0201"),
            Map.entry("ISO_IR 166", "TIS-620"), Map.entry("ISO_IR 192", "UTF-8"),
            Map.entry("GB18030", "GB18030"), Map.entry("GBK", "GBK"));

    /** ISO 2022 defined term -> charset that decodes its bytes. */
    private static final Map<String, String> EXTENDED = Map.ofEntries(
            Map.entry("ISO 2022 IR 6", "ISO-8859-1"), Map.entry("ISO 2022 IR 100", "ISO-8859-1"),
            Map.entry("ISO 2022 IR 101", "ISO-8859-2"), Map.entry("ISO 2022 IR 109", "ISO-8859-3"),
            Map.entry("ISO 2022 IR 110", "ISO-8859-4"), Map.entry("ISO 2022 IR 144", "ISO-8859-5"),
            Map.entry("ISO 2022 IR 127", "ISO-8859-6"), Map.entry("ISO 2022 IR 126", "ISO-8859-7"),
            Map.entry("ISO 2022 IR 138", "ISO-8859-8"), Map.entry("ISO 2022 IR 148", "ISO-8859-9"),
            Map.entry("ISO 2022 IR 203", "ISO-8859-15"), Map.entry("ISO 2022 IR 13", "JIS_X0201"),
            Map.entry("ISO 2022 IR 166", "TIS-620"), Map.entry("ISO 2022 IR 87", "ISO-2022-JP-2"),
            Map.entry("ISO 2022 IR 159", "ISO-2022-JP-2"), Map.entry("ISO 2022 IR 149", "EUC-KR"),
            Map.entry("ISO 2022 IR 58", "GB2312"));

    private final String value;
    private final List<Charset> charsets;
    private final boolean codeExtensions;

    private SpecificCharacterSet(String value, List<Charset> charsets, boolean codeExtensions) {
        this.value = value;
        this.charsets = charsets;
        this.codeExtensions = codeExtensions;
    }

    /** Parses the value of (0008,0005), e.g. {@code ISO_IR 192} or {@code \ISO 2022 IR 87}. */
    public static SpecificCharacterSet of(String value) {
        String trimmed = value == null ? "" : value.trim();
        if (trimmed.isEmpty()) {
            return DEFAULT;
        }
        String[] terms = trimmed.split("\\\\", -1);
        boolean extensions = terms.length > 1 || terms[0].trim().startsWith("ISO 2022");
        List<Charset> charsets = new ArrayList<>();
        for (String term : terms) {
            String t = term.trim().toUpperCase(Locale.ROOT);
            String name = t.isEmpty() ? "ISO-8859-1" : extensions ? EXTENDED.get(t) : SINGLE.get(t);
            if (name == null) {
                name = SINGLE.getOrDefault(t, "ISO-8859-1");
            }
            charsets.add(charset(name));
        }
        return new SpecificCharacterSet(trimmed, List.copyOf(charsets), extensions);
    }

    private static Charset charset(String name) {
        try {
            return Charset.forName(name);
        } catch (RuntimeException e) {
            return StandardCharsets.ISO_8859_1;
        }
    }

    /** The (0008,0005) value this set was made from; empty for the default repertoire. */
    public String value() {
        return value;
    }

    /** Decodes a value; {@code personName} makes {@code ^} and {@code =} reset the code extensions. */
    public String decode(byte[] bytes, boolean personName) {
        if (!codeExtensions) {
            return new String(bytes, charsets.get(0));
        }
        StringBuilder text = new StringBuilder(bytes.length);
        Charset initial = charsets.get(0);
        Charset active = initial;
        byte[] escape = null;
        ByteArrayOutputStream segment = new ByteArrayOutputStream();
        int i = 0;
        while (i < bytes.length) {
            byte b = bytes[i];
            if (b == ESC) {
                flush(text, segment, active, escape);
                int end = escapeEnd(bytes, i);
                escape = java.util.Arrays.copyOfRange(bytes, i, end);
                active = forEscape(escape, active);
                i = end;
                continue;
            }
            boolean multiByteG0 = active.name().startsWith("ISO-2022-JP");
            if (!multiByteG0 && isDelimiter(b, personName)) {
                flush(text, segment, active, escape);
                text.append((char) b);
                active = initial;
                escape = null;
                i++;
                continue;
            }
            segment.write(b);
            i++;
        }
        flush(text, segment, active, escape);
        return text.toString();
    }

    private static boolean isDelimiter(byte b, boolean personName) {
        return b == '\r' || b == '\n' || b == '\f' || b == '\t' || b == '\\' || (personName && (b == '^' || b == '='));
    }

    private static void flush(StringBuilder text, ByteArrayOutputStream segment, Charset active, byte[] escape) {
        if (segment.size() == 0) {
            return;
        }
        byte[] bytes = segment.toByteArray();
        segment.reset();
        if (active.name().startsWith("ISO-2022-JP") && escape != null) {
            // the ISO 2022 JP decoder needs the designation in front of the 7-bit codes
            byte[] withEscape = new byte[escape.length + bytes.length];
            System.arraycopy(escape, 0, withEscape, 0, escape.length);
            System.arraycopy(bytes, 0, withEscape, escape.length, bytes.length);
            text.append(new String(withEscape, active));
        } else {
            text.append(new String(bytes, active));
        }
    }

    /** An escape sequence is ESC, intermediate bytes 0x20-0x2F, one final byte 0x30-0x7E (ISO 2022). */
    private static int escapeEnd(byte[] bytes, int start) {
        int i = start + 1;
        while (i < bytes.length && bytes[i] >= 0x20 && bytes[i] <= 0x2F) {
            i++;
        }
        return Math.min(i + 1, bytes.length);
    }

    private Charset forEscape(byte[] escape, Charset current) {
        String seq = new String(escape, 1, escape.length - 1, StandardCharsets.US_ASCII);
        String name = switch (seq) {
            case "(B" -> "ISO-8859-1";
            case "(J", ")I" -> "JIS_X0201";
            case "$B", "$@", "$(D" -> "ISO-2022-JP-2";
            case "$)C" -> "EUC-KR";
            case "$)A" -> "GB2312";
            case "-A" -> "ISO-8859-1";
            case "-B" -> "ISO-8859-2";
            case "-C" -> "ISO-8859-3";
            case "-D" -> "ISO-8859-4";
            case "-L" -> "ISO-8859-5";
            case "-G" -> "ISO-8859-6";
            case "-F" -> "ISO-8859-7";
            case "-H" -> "ISO-8859-8";
            case "-M" -> "ISO-8859-9";
            case "-b" -> "ISO-8859-15";
            case "-T" -> "TIS-620";
            default -> null;
        };
        return name == null ? current : charset(name);
    }

    @Override
    public String toString() {
        return value.isEmpty() ? "ISO_IR 6" : value;
    }
}
