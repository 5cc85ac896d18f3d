package org.clinicaldatahub.hub.deid.dicom;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.clinicaldatahub.hub.dicom.data.SpecificCharacterSet;
import org.clinicaldatahub.hub.dicom.data.Vr;

/**
 * Encodes a cleaned text value back into the bytes of its data set (PS3.5 6.1): in the Specific
 * Character Set's charset when it is a single one without code extensions; with ISO 2022 code
 * extensions (which this writer does not produce) in plain ASCII, characters outside it
 * replaced by {@code ?}. ASCII is valid in every repertoire, so the value always stays readable.
 */
final class TextCodec {

    private static final Map<String, String> CHARSETS = Map.ofEntries(
            Map.entry("", "ISO-8859-1"), Map.entry("ISO_IR 6", "ISO-8859-1"),
            Map.entry("ISO_IR 100", "ISO-8859-1"), Map.entry("ISO_IR 101", "ISO-8859-2"),
            Map.entry("ISO_IR 109", "ISO-8859-3"), Map.entry("ISO_IR 110", "ISO-8859-4"),
            Map.entry("ISO_IR 144", "ISO-8859-5"), Map.entry("ISO_IR 127", "ISO-8859-6"),
            Map.entry("ISO_IR 126", "ISO-8859-7"), Map.entry("ISO_IR 138", "ISO-8859-8"),
            Map.entry("ISO_IR 148", "ISO-8859-9"), Map.entry("ISO_IR 203", "ISO-8859-15"),
            Map.entry("ISO_IR 192", "UTF-8"), Map.entry("GB18030", "GB18030"), Map.entry("GBK", "GBK"));

    private TextCodec() {
    }

    static byte[] encode(String text, Vr vr, SpecificCharacterSet characterSet) {
        if (!vr.isCharacterSetDependent()) {
            return ascii(text);
        }
        String name = CHARSETS.get(characterSet.value().trim());
        if (name == null) {
            return ascii(text);
        }
        Charset charset = Charset.forName(name);
        if (name.equals("ISO-8859-1") && characterSet.value().trim().matches("|ISO_IR 6")) {
            return ascii(text);
        }
        return text.getBytes(charset);
    }

    private static byte[] ascii(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            out.append(c < 0x80 ? c : '?');
        }
        return out.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
