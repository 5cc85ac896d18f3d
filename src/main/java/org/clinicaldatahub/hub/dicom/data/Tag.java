package org.clinicaldatahub.hub.dicom.data;

/**
 * Data element tags (PS3.5 Section 7.1) as {@code int}s, {@code 0xGGGGEEEE}, and the few the hub
 * itself reads. Every other tag is looked up in {@link ElementDictionary}, which is a data file.
 */
public final class Tag {

    /** (FFFE,E000) Item (PS3.5 7.5). */
    public static final int ITEM = 0xFFFEE000;
    /** (FFFE,E00D) Item Delimitation Item. */
    public static final int ITEM_DELIMITATION = 0xFFFEE00D;
    /** (FFFE,E0DD) Sequence Delimitation Item. */
    public static final int SEQUENCE_DELIMITATION = 0xFFFEE0DD;

    public static final int FILE_META_GROUP_LENGTH = 0x00020000;
    public static final int FILE_META_VERSION = 0x00020001;
    public static final int MEDIA_STORAGE_SOP_CLASS_UID = 0x00020002;
    public static final int MEDIA_STORAGE_SOP_INSTANCE_UID = 0x00020003;
    public static final int TRANSFER_SYNTAX_UID = 0x00020010;
    public static final int IMPLEMENTATION_CLASS_UID = 0x00020012;
    public static final int IMPLEMENTATION_VERSION_NAME = 0x00020013;
    public static final int SOURCE_APPLICATION_ENTITY_TITLE = 0x00020016;

    public static final int SPECIFIC_CHARACTER_SET = 0x00080005;
    public static final int SOP_CLASS_UID = 0x00080016;
    public static final int SOP_INSTANCE_UID = 0x00080018;
    public static final int MODALITY = 0x00080060;
    public static final int PATIENT_NAME = 0x00100010;
    public static final int PATIENT_ID = 0x00100020;
    public static final int ISSUER_OF_PATIENT_ID = 0x00100021;
    public static final int STUDY_INSTANCE_UID = 0x0020000D;
    public static final int SERIES_INSTANCE_UID = 0x0020000E;
    public static final int PIXEL_DATA = 0x7FE00010;

    private Tag() {
    }

    public static int of(int group, int element) {
        return (group << 16) | (element & 0xFFFF);
    }

    public static int group(int tag) {
        return tag >>> 16;
    }

    public static int element(int tag) {
        return tag & 0xFFFF;
    }

    /** Private data elements live in odd groups (PS3.5 7.8). */
    public static boolean isPrivate(int tag) {
        return (group(tag) & 1) == 1;
    }

    /** A private creator element: odd group, element 0010-00FF (PS3.5 7.8.1). */
    public static boolean isPrivateCreator(int tag) {
        int element = element(tag);
        return isPrivate(tag) && element >= 0x0010 && element <= 0x00FF;
    }

    /** Group length elements (gggg,0000) are UL in every transfer syntax. */
    public static boolean isGroupLength(int tag) {
        return element(tag) == 0;
    }

    /** {@code (GGGG,EEEE)}, upper-case hex, as PS3.5 writes tags. */
    public static String toString(int tag) {
        return String.format("(%04X,%04X)", group(tag), element(tag));
    }
}
