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

    private static final byte[] EVENT_TAIL = ",\"type\":\"event\",\"v\":1}".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] CHECKPOINT_TAIL = ",\"type\":\"checkpoint\",\"v\":1}".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] SEQ_KEY = ",\"seq\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] TO_KEY = ",\"to\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /**
     * The head as far as shipping needs it (type, and {@code seq} or a checkpoint's {@code to}),
     * read from the tail of a line as the hub writes it (canonical JSON: keys sorted, so
     * {@code ...,"seq":N,"step":...,"type":"event","v":1}} and {@code ...,"to":N,"type":"checkpoint","v":1}}),
     * without a JSON parser: shipping reads every line once more, and the full parse was a fifth of
     * the shipper's time. A {@code ,"seq":} with bare quotes cannot occur inside a JSON string
     * (its quotes would be escaped), and no key after {@code seq} holds an object, so the last
     * one is the event's own. Anything else falls back to {@link #read}. Node and {@code prev}
     * are not read: the shipper does not check the chain, the verifier does.
     */
    public static RecordHead readShipping(byte[] line) {
        if (endsWith(line, EVENT_TAIL)) {
            long seq = numberAfter(line, SEQ_KEY, line.length - EVENT_TAIL.length);
            if (seq >= 0) {
                return new RecordHead("event", null, seq, null, -1);
            }
        } else if (endsWith(line, CHECKPOINT_TAIL)) {
            long to = numberAfter(line, TO_KEY, line.length - CHECKPOINT_TAIL.length);
            if (to >= 0) {
                return new RecordHead(Checkpoint.TYPE, null, -1, null, to);
            }
        }
        return read(line);
    }

    private static boolean endsWith(byte[] line, byte[] tail) {
        if (line.length < tail.length) {
            return false;
        }
        int from = line.length - tail.length;
        for (int i = 0; i < tail.length; i++) {
            if (line[from + i] != tail[i]) {
                return false;
            }
        }
        return true;
    }

    /** The non-negative integer right after the last {@code key} before {@code end}; -1 when there is none. */
    private static long numberAfter(byte[] line, byte[] key, int end) {
        outer:
        for (int at = end - key.length; at >= 0; at--) {
            for (int i = 0; i < key.length; i++) {
                if (line[at + i] != key[i]) {
                    continue outer;
                }
            }
            int i = at + key.length;
            long value = 0;
            int digits = 0;
            while (i < end && line[i] >= '0' && line[i] <= '9' && digits < 18) {
                value = value * 10 + (line[i] - '0');
                i++;
                digits++;
            }
            return digits > 0 && i < line.length && (line[i] == ',' || line[i] == '}') ? value : -1;
        }
        return -1;
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
