package org.clinicaldatahub.hub.dicom.data;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * Writes a data set element by element in a {@link TransferSyntax} (PS3.5 Section 7), the
 * counterpart of {@link DicomReader}. Sequences and items are written with undefined length
 * (PS3.5 7.5.1), so a rewritten data set never needs lengths known in advance; values are
 * written from bytes or streamed from an {@link InputStream} (pixel data). Deflated data sets are
 * compressed on the fly; {@link #finish()} ends the deflate stream without closing the target.
 */
public final class DicomWriter implements Closeable {

    private final OutputStream target;
    private final OutputStream out;
    private final Deflater deflater;
    private final Deque<boolean[]> encodings = new ArrayDeque<>();
    private final byte[] scratch = new byte[12];
    private boolean explicitVr;
    private boolean bigEndian;
    private boolean finished;

    public DicomWriter(OutputStream target, TransferSyntax syntax) {
        this.target = target;
        if (syntax.deflated()) {
            this.deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
            this.out = new DeflaterOutputStream(target, deflater, 16384);
        } else {
            this.deflater = null;
            this.out = target;
        }
        this.explicitVr = syntax.explicitVr();
        this.bigEndian = syntax.bigEndian();
    }

    /**
     * Writes an element header; the caller then writes exactly {@code length} value bytes with
     * {@link #writeValue}. Lengths must be even (PS3.5 7.1.1).
     */
    public void writeHeader(int tag, Vr vr, long length) throws IOException {
        putUInt16(0, Tag.group(tag));
        putUInt16(2, Tag.element(tag));
        if (explicitVr) {
            scratch[4] = (byte) vr.name().charAt(0);
            scratch[5] = (byte) vr.name().charAt(1);
            if (vr.hasLongLength()) {
                scratch[6] = 0;
                scratch[7] = 0;
                putInt32(8, (int) length);
                out.write(scratch, 0, 12);
            } else {
                if (length > 0xFFFF) {
                    throw new IllegalArgumentException("value of " + Tag.toString(tag) + " too long for VR " + vr);
                }
                putUInt16(6, (int) length);
                out.write(scratch, 0, 8);
            }
        } else {
            putInt32(4, (int) length);
            out.write(scratch, 0, 8);
        }
    }

    /** Writes value bytes after {@link #writeHeader}. */
    public void writeValue(byte[] bytes, int offset, int length) throws IOException {
        out.write(bytes, offset, length);
    }

    /** Copies exactly {@code length} value bytes from {@code in}. */
    public void writeValue(InputStream in, long length) throws IOException {
        byte[] buffer = new byte[(int) Math.min(65536, Math.max(1, length))];
        long left = length;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new java.io.EOFException("value source ended " + left + " bytes early");
            }
            out.write(buffer, 0, n);
            left -= n;
        }
    }

    /** Writes a whole element, padding an odd-length value with the VR's padding byte. */
    public void writeElement(int tag, Vr vr, byte[] value) throws IOException {
        boolean odd = (value.length & 1) == 1;
        writeHeader(tag, vr, value.length + (odd ? 1 : 0));
        out.write(value);
        if (odd) {
            out.write(vr.padding());
        }
    }

    /** Writes a text element in ASCII (UI, CS, AE, DA, ...) padded per its VR. */
    public void writeAscii(int tag, Vr vr, String value) throws IOException {
        writeElement(tag, vr, value.getBytes(StandardCharsets.US_ASCII));
    }

    /** Writes a US element (unsigned 16 bit) in the byte order of the transfer syntax. */
    public void writeUS(int tag, int value) throws IOException {
        writeHeader(tag, Vr.US, 2);
        putUInt16(0, value);
        out.write(scratch, 0, 2);
    }

    /** Writes a UL element (unsigned 32 bit) in the byte order of the transfer syntax. */
    public void writeUL(int tag, long value) throws IOException {
        writeHeader(tag, Vr.UL, 4);
        putInt32(0, (int) value);
        out.write(scratch, 0, 4);
    }

    /**
     * Starts a sequence of undefined length. With {@code vr} UN (PS3.5 6.2.2) its items are
     * written in Implicit VR Little Endian until {@link #endSequence()}.
     */
    public void startSequence(int tag, Vr vr) throws IOException {
        writeHeader(tag, vr == Vr.UN ? Vr.UN : Vr.SQ, DicomReader.UNDEFINED_LENGTH);
        encodings.push(new boolean[] {explicitVr, bigEndian});
        if (vr == Vr.UN) {
            explicitVr = false;
            bigEndian = false;
        }
    }

    public void endSequence() throws IOException {
        writeDelimiter(Tag.SEQUENCE_DELIMITATION, 0);
        boolean[] saved = encodings.pop();
        explicitVr = saved[0];
        bigEndian = saved[1];
    }

    /** Starts an item of undefined length. */
    public void startItem() throws IOException {
        writeDelimiter(Tag.ITEM, DicomReader.UNDEFINED_LENGTH);
    }

    public void endItem() throws IOException {
        writeDelimiter(Tag.ITEM_DELIMITATION, 0);
    }

    /** Starts encapsulated pixel data (PS3.5 A.4): undefined length, fragments follow. */
    public void startFragments(int tag, Vr vr) throws IOException {
        writeHeader(tag, vr, DicomReader.UNDEFINED_LENGTH);
        encodings.push(new boolean[] {explicitVr, bigEndian});
    }

    /** Writes one fragment header; the caller writes its {@code length} bytes with {@link #writeValue}. */
    public void startFragment(long length) throws IOException {
        writeDelimiter(Tag.ITEM, length);
    }

    public void endFragments() throws IOException {
        endSequence();
    }

    private void writeDelimiter(int tag, long length) throws IOException {
        putUInt16(0, Tag.group(tag));
        putUInt16(2, Tag.element(tag));
        putInt32(4, (int) length);
        out.write(scratch, 0, 8);
    }

    /** Ends the data set (the deflate stream, if any) without closing the target stream. */
    public void finish() throws IOException {
        if (finished) {
            return;
        }
        finished = true;
        if (deflater != null) {
            ((DeflaterOutputStream) out).finish();
            deflater.end();
        }
        target.flush();
    }

    @Override
    public void close() throws IOException {
        finish();
    }

    private void putUInt16(int at, int value) {
        if (bigEndian) {
            scratch[at] = (byte) (value >>> 8);
            scratch[at + 1] = (byte) value;
        } else {
            scratch[at] = (byte) value;
            scratch[at + 1] = (byte) (value >>> 8);
        }
    }

    private void putInt32(int at, int value) {
        if (bigEndian) {
            putUInt16(at, value >>> 16);
            putUInt16(at + 2, value & 0xFFFF);
        } else {
            putUInt16(at, value & 0xFFFF);
            putUInt16(at + 2, value >>> 16);
        }
    }
}
