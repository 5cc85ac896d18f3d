package org.clinicaldatahub.hub.hl7.internal;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * HL7 table 0211 (alternate character sets, MSH-18) to Java charsets. An empty MSH-18 means the
 * default, 7-bit ASCII; the hub reads it as ISO-8859-1 so senders who put Latin-1 names in
 * messages without declaring them are not rejected, while bytes survive byte-for-byte.
 */
public final class Hl7Charsets {

    private static final Map<String, Charset> TABLE_0211 = Map.ofEntries(
            Map.entry("ASCII", StandardCharsets.US_ASCII),
            Map.entry("8859/1", StandardCharsets.ISO_8859_1),
            Map.entry("8859/2", Charset.forName("ISO-8859-2")),
            Map.entry("8859/5", Charset.forName("ISO-8859-5")),
            Map.entry("8859/7", Charset.forName("ISO-8859-7")),
            Map.entry("8859/9", Charset.forName("ISO-8859-9")),
            Map.entry("8859/15", Charset.forName("ISO-8859-15")),
            Map.entry("UNICODE UTF-8", StandardCharsets.UTF_8),
            Map.entry("UNICODE UTF-16", StandardCharsets.UTF_16),
            Map.entry("UNICODE", StandardCharsets.UTF_8),
            Map.entry("UTF-8", StandardCharsets.UTF_8));

    private Hl7Charsets() {
    }

    /** The Java charset for an MSH-18 value; empty when the value is not one the hub knows. */
    public static Optional<Charset> forMsh18(String msh18) {
        if (msh18 == null || msh18.isBlank()) {
            return Optional.of(StandardCharsets.ISO_8859_1);
        }
        return Optional.ofNullable(TABLE_0211.get(msh18.trim().toUpperCase(Locale.ROOT)));
    }
}
