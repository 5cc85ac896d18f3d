package org.clinicaldatahub.hub.dicom.net;

/**
 * A DIMSE response status (PS3.7 Annex C, PS3.4 Table B.2-1 for C-STORE) with an optional Error
 * Comment (0000,0902), which must never carry PHI (at most 64 characters of LO).
 *
 * @param code         status code
 * @param errorComment short reason for failures and warnings, or null
 */
public record DimseStatus(int code, String errorComment) {

    public static final int SUCCESS = 0x0000;
    /** Warning: coercion of data elements. */
    public static final int WARNING_COERCION = 0xB000;
    /** Warning: elements discarded. */
    public static final int WARNING_ELEMENTS_DISCARDED = 0xB006;
    /** Warning: data set does not match SOP class. */
    public static final int WARNING_DATA_SET_MISMATCH = 0xB007;
    /** Refused: out of resources (A7xx). */
    public static final int OUT_OF_RESOURCES = 0xA700;
    /** Error: data set does not match SOP class (A9xx). */
    public static final int DATA_SET_DOES_NOT_MATCH_SOP_CLASS = 0xA900;
    /** Error: cannot understand (Cxxx). */
    public static final int CANNOT_UNDERSTAND = 0xC000;
    /** Refused: SOP class not supported (PS3.7 C.5.x). */
    public static final int SOP_CLASS_NOT_SUPPORTED = 0x0122;
    /** Unrecognized operation. */
    public static final int UNRECOGNIZED_OPERATION = 0x0211;

    public static final DimseStatus OK = new DimseStatus(SUCCESS, null);

    public DimseStatus {
        if (errorComment != null && errorComment.length() > 64) {
            errorComment = errorComment.substring(0, 64);
        }
    }

    public static DimseStatus of(int code, String errorComment) {
        return new DimseStatus(code, errorComment);
    }

    public boolean isSuccess() {
        return code == SUCCESS;
    }

    /** Warnings are 0001, Bxxx and 0107 (PS3.7 C.4): the instance was stored. */
    public boolean isWarning() {
        return (code & 0xF000) == 0xB000 || code == 0x0001 || code == 0x0107;
    }

    @Override
    public String toString() {
        return String.format("%04X", code);
    }
}
