package org.clinicaldatahub.hub.audit.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * The fields of a log line that order and chain it ({@code type}, {@code node}, {@code seq},
 * {@code prev}, and a checkpoint's {@code to}), read with Jackson's streaming parser: a verifier
 * or a recovery reads every line of the log, and building a tree per line would cost several
 * times more. A line that is not one JSON object gives null.
 */
public record RecordHead(String type, String node, long seq, String prev, long to) {

    private static final JsonFactory JSON = new JsonFactory();

    public boolean isEvent() {
        return "event".equals(type);
    }

    public boolean isCheckpoint() {
        return Checkpoint.TYPE.equals(type);
    }

    /** Reads the head of a line; null when the bytes are not a single well-formed JSON object. */
    public static RecordHead read(byte[] line) {
        String type = null;
        String node = null;
        String prev = null;
        long seq = -1;
        long to = -1;
        try (JsonParser p = JSON.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "type" -> type = value == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "node" -> node = value == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "prev" -> prev = value == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "seq" -> seq = value == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : -1;
                    case "to" -> to = value == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : -1;
                    default -> p.skipChildren();
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                return null;
            }
        } catch (IOException e) {
            return null;
        }
        return new RecordHead(type, node, seq, prev, to);
    }
}
