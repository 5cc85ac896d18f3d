package org.clinicaldatahub.hub.dicom.data;

/**
 * Value Representations (PS3.5 Section 6.2). {@link #hasLongLength()} tells the explicit VR
 * header layout (PS3.5 7.1.2): a 2-byte reserved field and a 32-bit length for OB, OD, OF, OL,
 * OV, OW, SQ, SV, UC, UN, UR, UT, UV; a 16-bit length for the rest.
 */
public enum Vr {
    AE(false, ' ', false), AS(false, ' ', false), AT(false, 0, false), CS(false, ' ', false),
    DA(false, ' ', false), DS(false, ' ', false), DT(false, ' ', false), FD(false, 0, false),
    FL(false, 0, false), IS(false, ' ', false), LO(false, ' ', true), LT(false, ' ', true),
    OB(true, 0, false), OD(true, 0, false), OF(true, 0, false), OL(true, 0, false), OV(true, 0, false),
    OW(true, 0, false), PN(false, ' ', true), SH(false, ' ', true), SL(false, 0, false),
    SQ(true, 0, false), SS(false, 0, false), ST(false, ' ', true), SV(true, 0, false),
    TM(false, ' ', false), UC(true, ' ', true), UI(false, 0, false), UL(false, 0, false),
    UN(true, 0, false), UR(true, ' ', false), US(false, 0, false), UT(true, ' ', true),
    UV(true, 0, false);

    private final boolean longLength;
    private final byte padding;
    private final boolean characterSetDependent;

    Vr(boolean longLength, int padding, boolean characterSetDependent) {
        this.longLength = longLength;
        this.padding = (byte) padding;
        this.characterSetDependent = characterSetDependent;
    }

    /** Explicit VR header with 2 reserved bytes and a 32-bit length. */
    public boolean hasLongLength() {
        return longLength;
    }

    /** Byte that pads a value to even length: space for text, NUL for UI and binary (PS3.5 6.2). */
    public byte padding() {
        return padding;
    }

    /** Text whose bytes are decoded with the Specific Character Set (PS3.5 6.1.2.3): SH LO ST LT UC UT PN. */
    public boolean isCharacterSetDependent() {
        return characterSetDependent;
    }

    /** Values that are character strings (default repertoire or Specific Character Set). */
    public boolean isText() {
        return padding == ' ' || this == UI;
    }

    /** The VR written as two ASCII bytes, e.g. {@code 0x4F42} for OB; null when not a VR. */
    public static Vr fromCode(int code) {
        char first = (char) ((code >>> 8) & 0xFF);
        char second = (char) (code & 0xFF);
        if (first < 'A' || first > 'Z' || second < 'A' || second > 'Z') {
            return null;
        }
        try {
            return valueOf(new String(new char[] {first, second}));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The two ASCII bytes of the VR as an int, high byte first. */
    public int code() {
        return (name().charAt(0) << 8) | name().charAt(1);
    }
}
