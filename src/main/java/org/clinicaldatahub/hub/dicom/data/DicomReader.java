package org.clinicaldatahub.hub.dicom.data;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * A streaming pull reader of a data set (PS3.5 Section 7) in any transfer syntax of
 * {@link TransferSyntax}: Implicit and Explicit VR Little Endian, Explicit VR Big Endian, Deflated
 * (RFC 1951 without zlib wrapper) and encapsulated pixel data (PS3.5 A.4). Sequences and items of
 * defined and undefined length are reported as start and end events, so a caller can copy or
 * rewrite a data set element by element without holding it: nothing but the current element
 * header is buffered, values are read on request ({@link #readValue()}, {@link #valueStream()}) and
 * skipped otherwise. Pixel data of any size passes through {@link #valueStream()}.
 *
 * <pre>
 * try (DicomReader reader = new DicomReader(in, TransferSyntax.EXPLICIT_LE)) {
 *     for (DicomReader.Event e = reader.next(); e != DicomReader.Event.END; e = reader.next()) {
 *         if (e == DicomReader.Event.ELEMENT &amp;&amp; reader.tag() == Tag.STUDY_INSTANCE_UID) { uid = reader.readString(); }
 *     }
 * }</pre>
 *
 * Specific Character Set (0008,0005) is read ahead wherever it occurs (PS3.5 6.1.2.5: an item may
 * declare its own), so {@link #readString()} decodes PN and text VRs with the right repertoire.
 */
public final class DicomReader implements Closeable {

    /** The length field value 0xFFFFFFFF (PS3.5 7.1.1). */
    public static final long UNDEFINED_LENGTH = 0xFFFFFFFFL;
    private static final int MAX_CHARSET_VALUE = 1024;

    /** What {@link #next()} reached. */
    public enum Event {
        /** An element with a value ({@link #tag()}, {@link #vr()}, {@link #length()}). */
        ELEMENT,
        /** A sequence element (SQ, or UN / implicit of undefined length, PS3.5 6.2.2). */
        SEQUENCE_START,
        /** An item of the current sequence. */
        ITEM_START,
        ITEM_END,
        /** End of a sequence or of encapsulated pixel data fragments. */
        SEQUENCE_END,
        /** Encapsulated pixel data: fragments follow, the first is the Basic Offset Table. */
        FRAGMENTS_START,
        /** One fragment of encapsulated pixel data; its bytes are the value. */
        FRAGMENT,
        /** The end of the data set. */
        END
    }

    private enum Kind {
        SEQUENCE, ITEM, FRAGMENTS
    }

    private record Container(Kind kind, int tag, long end, boolean explicitVr, boolean bigEndian,
            SpecificCharacterSet characterSet) {
    }

    private final InputStream source;
    private final Inflater inflater;
    private final ElementDictionary dictionary = ElementDictionary.standard();
    private final Deque<Container> stack = new ArrayDeque<>();
    private final byte[] buffer = new byte[16384];
    private int bufferPos;
    private int bufferLimit;
    private long position;

    private boolean explicitVr;
    private boolean bigEndian;
    private SpecificCharacterSet characterSet = SpecificCharacterSet.DEFAULT;

    private Event event;
    private int tag;
    private Vr vr;
    private long length;
    private long valueRemaining;
    private byte[] readAhead;
    private long maxValueBytes = 64L << 20;

    /** Reads a data set (no preamble, no File Meta Information) encoded in {@code syntax}. */
    public DicomReader(InputStream in, TransferSyntax syntax) {
        if (syntax.deflated()) {
            this.inflater = new Inflater(true);
            this.source = new InflaterInputStream(in, inflater, 16384);
        } else {
            this.inflater = null;
            this.source = in;
        }
        this.explicitVr = syntax.explicitVr();
        this.bigEndian = syntax.bigEndian();
    }

    /** Largest value {@link #readValue()} returns in one array (default 64 MiB); larger ones are streamed. */
    public DicomReader maxValueBytes(long max) {
        this.maxValueBytes = max;
        return this;
    }

    /**
     * Advances to the next event, skipping whatever is left of the current value.
     *
     * @throws DicomParseException when the data set does not follow PS3.5
     * @throws EOFException        when the stream ends inside an element, item or sequence
     */
    public Event next() throws IOException {
        skipValue();
        readAhead = null;
        Container top = stack.peek();
        if (top != null && top.end() >= 0 && position >= top.end()) {
            if (position > top.end()) {
                throw new DicomParseException("content of " + describe(top) + " overruns its defined length at offset "
                        + position);
            }
            return endOf(stack.pop());
        }
        if (!fill(1)) {
            if (stack.isEmpty()) {
                return event = Event.END;
            }
            throw new EOFException("data set ends inside " + describe(stack.peek()) + " at offset " + position);
        }
        tag = (readUInt16() << 16) | readUInt16();
        if (top != null && top.kind() != Kind.ITEM) {
            return inSequence(top);
        }
        if (tag == Tag.ITEM_DELIMITATION) {
            readInt32();
            if (top == null || top.end() >= 0) {
                throw new DicomParseException("item delimitation outside an item of undefined length at offset "
                        + (position - 8));
            }
            return endOf(stack.pop());
        }
        if (Tag.group(tag) == 0xFFFE) {
            throw new DicomParseException("unexpected " + Tag.toString(tag) + " at offset " + (position - 4));
        }
        return element(top);
    }

    private Event inSequence(Container top) throws IOException {
        long itemLength = readInt32() & 0xFFFFFFFFL;
        if (tag == Tag.SEQUENCE_DELIMITATION) {
            if (top.end() >= 0) {
                throw new DicomParseException("sequence delimitation in a sequence of defined length at offset "
                        + (position - 8));
            }
            return endOf(stack.pop());
        }
        if (tag != Tag.ITEM) {
            throw new DicomParseException("expected an item in " + describe(top) + ", found " + Tag.toString(tag)
                    + " at offset " + (position - 8));
        }
        if (top.kind() == Kind.FRAGMENTS) {
            if (itemLength == UNDEFINED_LENGTH) {
                throw new DicomParseException("pixel data fragment of undefined length at offset " + (position - 8));
            }
            vr = Vr.OB;
            length = itemLength;
            valueRemaining = itemLength;
            return event = Event.FRAGMENT;
        }
        stack.push(new Container(Kind.ITEM, Tag.ITEM, itemLength == UNDEFINED_LENGTH ? -1 : position + itemLength,
                explicitVr, bigEndian, characterSet));
        vr = null;
        length = itemLength;
        return event = Event.ITEM_START;
    }

    private Event element(Container top) throws IOException {
        if (explicitVr) {
            int code = (readByte() << 8) | readByte();
            vr = Vr.fromCode(code);
            if (vr == null) {
                throw new DicomParseException("invalid VR in " + Tag.toString(tag) + " at offset " + (position - 6));
            }
            if (vr.hasLongLength()) {
                readUInt16();
                length = readInt32() & 0xFFFFFFFFL;
            } else {
                length = readUInt16();
            }
        } else {
            vr = dictionary.vrOf(tag);
            length = readInt32() & 0xFFFFFFFFL;
        }
        boolean undefined = length == UNDEFINED_LENGTH;
        if (undefined && tag == Tag.PIXEL_DATA) {
            stack.push(new Container(Kind.FRAGMENTS, tag, -1, explicitVr, bigEndian, characterSet));
            return event = Event.FRAGMENTS_START;
        }
        if (vr == Vr.SQ || undefined) {
            if (undefined && explicitVr && vr != Vr.SQ && vr != Vr.UN) {
                throw new DicomParseException("undefined length with VR " + vr + " in " + Tag.toString(tag)
                        + " at offset " + position);
            }
            stack.push(new Container(Kind.SEQUENCE, tag, undefined ? -1 : position + length, explicitVr, bigEndian,
                    characterSet));
            if (vr == Vr.UN && explicitVr) {
                // PS3.5 6.2.2: UN of undefined length holds a sequence in Implicit VR Little Endian
                explicitVr = false;
                bigEndian = false;
            } else {
                vr = Vr.SQ;
            }
            return event = Event.SEQUENCE_START;
        }
        valueRemaining = length;
        event = Event.ELEMENT;
        if (tag == Tag.SPECIFIC_CHARACTER_SET && length <= MAX_CHARSET_VALUE) {
            readAhead = readValueBytes();
            characterSet = SpecificCharacterSet.of(new String(readAhead, StandardCharsets.US_ASCII));
        }
        return event;
    }

    private Event endOf(Container container) {
        explicitVr = container.explicitVr();
        bigEndian = container.bigEndian();
        tag = container.tag();
        vr = null;
        length = 0;
        if (container.kind() == Kind.ITEM) {
            characterSet = container.characterSet();
            return event = Event.ITEM_END;
        }
        return event = Event.SEQUENCE_END;
    }

    private static String describe(Container container) {
        return container.kind().name().toLowerCase() + " " + Tag.toString(container.tag());
    }

    /** The event {@link #next()} returned last. */
    public Event event() {
        return event;
    }

    /** Tag of the current element, sequence or fragment ({@link Tag#ITEM} for items and fragments). */
    public int tag() {
        return tag;
    }

    /** VR of the current element (explicit or from the dictionary); SQ for sequences; null for items. */
    public Vr vr() {
        return vr;
    }

    /** Value length of the current element or fragment; {@link #UNDEFINED_LENGTH} when undefined. */
    public long length() {
        return length;
    }

    /** Nesting level: 0 at the top level of the data set, +1 inside each sequence and item. */
    public int depth() {
        return stack.size();
    }

    /** Bytes of the (inflated) data set consumed so far. */
    public long position() {
        return position;
    }

    public boolean bigEndian() {
        return bigEndian;
    }

    public boolean explicitVr() {
        return explicitVr;
    }

    /** The character set in force here (the data set's or the current item's). */
    public SpecificCharacterSet characterSet() {
        return characterSet;
    }

    /** The whole value of the current element or fragment. */
    public byte[] readValue() throws IOException {
        if (readAhead != null) {
            return readAhead;
        }
        if (valueRemaining > maxValueBytes) {
            throw new DicomParseException("value of " + Tag.toString(tag) + " (" + valueRemaining
                    + " bytes) is too large to read whole; stream it");
        }
        readAhead = readValueBytes();
        return readAhead;
    }

    private byte[] readValueBytes() throws IOException {
        byte[] value = new byte[(int) valueRemaining];
        readFully(value, 0, value.length);
        valueRemaining = 0;
        return value;
    }

    /**
     * The value as text: decoded with the Specific Character Set for PN, SH, LO, ST, LT, UC and UT,
     * as ASCII otherwise, trailing padding (spaces, NULs) removed. Multiple values stay joined by
     * backslash.
     */
    public String readString() throws IOException {
        byte[] value = readValue();
        String text = vr != null && vr.isCharacterSetDependent()
                ? characterSet.decode(value, vr == Vr.PN)
                : new String(value, StandardCharsets.ISO_8859_1);
        int end = text.length();
        while (end > 0 && (text.charAt(end - 1) == ' ' || text.charAt(end - 1) == '\0')) {
            end--;
        }
        return text.substring(0, end);
    }

    /** The unread rest of the current value as a stream, for values too large to hold (pixel data). */
    public InputStream valueStream() {
        if (readAhead != null) {
            return new java.io.ByteArrayInputStream(readAhead);
        }
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (valueRemaining == 0) {
                    return -1;
                }
                int n = readSome(b, off, (int) Math.min(len, valueRemaining));
                valueRemaining -= n;
                return n;
            }
        };
    }

    /** Skips whatever is left of the current value; next() does this itself. */
    public void skipValue() throws IOException {
        while (valueRemaining > 0) {
            if (bufferPos < bufferLimit) {
                int n = (int) Math.min(valueRemaining, bufferLimit - bufferPos);
                bufferPos += n;
                position += n;
                valueRemaining -= n;
            } else if (!fill(1)) {
                throw new EOFException("data set ends inside the value of " + Tag.toString(tag) + " at offset "
                        + position);
            }
        }
    }

    /** Releases the inflater of a deflated data set; the underlying stream is the caller's to close. */
    @Override
    public void close() {
        if (inflater != null) {
            inflater.end();
        }
    }

    // --- byte level ----------------------------------------------------------------------

    private boolean fill(int needed) throws IOException {
        if (bufferLimit - bufferPos >= needed) {
            return true;
        }
        if (bufferPos > 0) {
            System.arraycopy(buffer, bufferPos, buffer, 0, bufferLimit - bufferPos);
            bufferLimit -= bufferPos;
            bufferPos = 0;
        }
        while (bufferLimit < needed) {
            int n = source.read(buffer, bufferLimit, buffer.length - bufferLimit);
            if (n < 0) {
                return false;
            }
            bufferLimit += n;
        }
        return true;
    }

    private int readByte() throws IOException {
        require(1);
        position++;
        return buffer[bufferPos++] & 0xFF;
    }

    private int readUInt16() throws IOException {
        require(2);
        int b0 = buffer[bufferPos] & 0xFF;
        int b1 = buffer[bufferPos + 1] & 0xFF;
        bufferPos += 2;
        position += 2;
        return bigEndian ? (b0 << 8) | b1 : (b1 << 8) | b0;
    }

    private int readInt32() throws IOException {
        int first = readUInt16();
        int second = readUInt16();
        return bigEndian ? (first << 16) | second : (second << 16) | first;
    }

    private void require(int n) throws IOException {
        if (!fill(n)) {
            throw new EOFException("data set ends inside an element header at offset " + position);
        }
    }

    private int readSome(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (bufferPos == bufferLimit) {
            if (len >= buffer.length) {
                int n = source.read(b, off, len);
                if (n < 0) {
                    throw new EOFException("data set ends inside the value of " + Tag.toString(tag));
                }
                position += n;
                return n;
            }
            if (!fill(1)) {
                throw new EOFException("data set ends inside the value of " + Tag.toString(tag));
            }
        }
        int n = Math.min(len, bufferLimit - bufferPos);
        System.arraycopy(buffer, bufferPos, b, off, n);
        bufferPos += n;
        position += n;
        return n;
    }

    private void readFully(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            int n = readSome(b, off, len);
            off += n;
            len -= n;
        }
    }
}
