package org.clinicaldatahub.hub.hl7.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The MSH segment read straight from the bytes, before any charset is known (HL7 v2.5.1 section
 * 2.14.9: MSH-1 field separator, MSH-2 encoding characters, MSH-18 character set). MSH is ASCII in
 * every charset HL7 allows, so the hub can pick the decoder for the rest of the message and still
 * address a negative ACK when the body cannot be parsed.
 */
public final class MshHeader {

    private final char fieldSeparator;
    private final String encodingCharacters;
    private final List<String> fields;

    private MshHeader(char fieldSeparator, String encodingCharacters, List<String> fields) {
        this.fieldSeparator = fieldSeparator;
        this.encodingCharacters = encodingCharacters;
        this.fields = fields;
    }

    /** Reads MSH from the start of the message; empty when the message does not begin with one. */
    public static Optional<MshHeader> read(byte[] message) {
        int offset = 0;
        while (offset < message.length && (message[offset] == '\r' || message[offset] == '\n')) {
            offset++;
        }
        if (message.length - offset < 8 || message[offset] != 'M' || message[offset + 1] != 'S'
                || message[offset + 2] != 'H') {
            return Optional.empty();
        }
        int end = offset;
        while (end < message.length && message[end] != '\r' && message[end] != '\n') {
            end++;
        }
        String segment = new String(message, offset, end - offset, StandardCharsets.ISO_8859_1);
        if (segment.length() < 4) {
            // "MSH" alone on its line: no field separator to read
            return Optional.empty();
        }
        char separator = segment.charAt(3);
        if (Character.isLetterOrDigit(separator) || Character.isWhitespace(separator)) {
            return Optional.empty();
        }
        List<String> fields = new ArrayList<>();
        fields.add("MSH");
        fields.add(String.valueOf(separator));
        int from = 4;
        for (int i = 4; i <= segment.length(); i++) {
            if (i == segment.length() || segment.charAt(i) == separator) {
                fields.add(segment.substring(from, i));
                from = i + 1;
            }
        }
        String encoding = fields.size() > 2 ? fields.get(2) : "";
        if (encoding.length() < 3) {
            return Optional.empty();
        }
        return Optional.of(new MshHeader(separator, encoding, fields));
    }

    /** MSH-n as sent (MSH-1 is the field separator itself). */
    public String field(int n) {
        return n < fields.size() ? fields.get(n) : "";
    }

    /** Component {@code component} (1-based) of MSH-n; called per message, hence no regex split. */
    public String component(int n, int component) {
        String value = field(n);
        char separator = componentSeparator();
        int start = 0;
        for (int i = 1; i < component; i++) {
            int next = value.indexOf(separator, start);
            if (next < 0) {
                return "";
            }
            start = next + 1;
        }
        int end = value.indexOf(separator, start);
        return end < 0 ? value.substring(start) : value.substring(start, end);
    }

    public char fieldSeparator() {
        return fieldSeparator;
    }

    public char componentSeparator() {
        return encodingCharacters.charAt(0);
    }

    public String encodingCharacters() {
        return encodingCharacters;
    }

    public String controlId() {
        return field(10);
    }

    public String version() {
        return component(12, 1);
    }

    /** MSH-9 as {@code TYPE^TRIGGER}, whatever component separator the sender used. */
    public String messageType() {
        String type = component(9, 1);
        String trigger = component(9, 2);
        return trigger.isEmpty() ? type : type + "^" + trigger;
    }

    public String charsetName() {
        return component(18, 1);
    }
}
