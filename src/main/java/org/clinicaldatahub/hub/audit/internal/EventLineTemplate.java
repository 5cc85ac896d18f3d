package org.clinicaldatahub.hub.audit.internal;

import java.nio.charset.StandardCharsets;

/**
 * The canonical line of an event, rendered before it has a place in the log: everything but the
 * two values only the journal knows, {@code prev} (the chain link) and {@code seq}. The journal
 * fills them in under its lock, which then costs two array copies instead of a JSON
 * serialisation, so recording threads do not queue behind each other's JSON.
 * <p>The parts are split where the keys {@code prev} and {@code seq} fall in canonical (sorted)
 * key order; {@link CanonicalEventWriter} makes them.
 */
public final class EventLineTemplate implements EventJournal.LineFactory {

    private static final byte[] PREV_OPEN = "\"prev\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SEQ_OPEN = "\"seq\":".getBytes(StandardCharsets.US_ASCII);

    private final byte[] beforePrev;
    private final byte[] betweenPrevAndSeq;
    private final byte[] afterSeq;

    /**
     * @param beforePrev        {@code {"actor":…,} up to and including the comma before {@code "prev"}
     * @param betweenPrevAndSeq from the closing quote of {@code prev}'s value (exclusive) to the comma before {@code "seq"} (inclusive)
     * @param afterSeq          from the comma after the {@code seq} number to the closing brace
     */
    EventLineTemplate(byte[] beforePrev, byte[] betweenPrevAndSeq, byte[] afterSeq) {
        this.beforePrev = beforePrev;
        this.betweenPrevAndSeq = betweenPrevAndSeq;
        this.afterSeq = afterSeq;
    }

    @Override
    public byte[] line(long seq, String prevHex) {
        byte[] digits = Long.toString(seq).getBytes(StandardCharsets.US_ASCII);
        int length = beforePrev.length + PREV_OPEN.length + prevHex.length() + 1 + betweenPrevAndSeq.length
                + SEQ_OPEN.length + digits.length + afterSeq.length;
        byte[] line = new byte[length];
        int at = put(line, 0, beforePrev);
        at = put(line, at, PREV_OPEN);
        for (int i = 0; i < prevHex.length(); i++) {
            line[at++] = (byte) prevHex.charAt(i);
        }
        line[at++] = '"';
        at = put(line, at, betweenPrevAndSeq);
        at = put(line, at, SEQ_OPEN);
        at = put(line, at, digits);
        put(line, at, afterSeq);
        return line;
    }

    private static int put(byte[] into, int at, byte[] part) {
        System.arraycopy(part, 0, into, at, part.length);
        return at + part.length;
    }
}
