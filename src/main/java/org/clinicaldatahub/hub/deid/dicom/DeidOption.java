package org.clinicaldatahub.hub.deid.dicom;

/**
 * The options of the Basic Application Level Confidentiality Profile (PS3.15 E.3.1 - E.3.10), each
 * named as its column in Table E.1-1 (the data file {@code dicom-confidentiality-profile.json})
 * and coded as in PS3.16 CID 7050 "De-identification Method", which the De-identification Method
 * Code Sequence (0012,0064) of every output carries for the options used.
 */
public enum DeidOption {
    RETAIN_SAFE_PRIVATE("retainSafePrivate", "113111", "Retain Safe Private Option"),
    RETAIN_UIDS("retainUIDs", "113110", "Retain UIDs Option"),
    RETAIN_DEVICE_IDENTITY("retainDeviceIdentity", "113109", "Retain Device Identity Option"),
    RETAIN_INSTITUTION_IDENTITY("retainInstitutionIdentity", "113112", "Retain Institution Identity Option"),
    RETAIN_PATIENT_CHARACTERISTICS("retainPatientCharacteristics", "113108", "Retain Patient Characteristics Option"),
    RETAIN_LONGITUDINAL_FULL_DATES("retainLongitudinalFullDates", "113106",
            "Retain Longitudinal Temporal Information Full Dates Option"),
    RETAIN_LONGITUDINAL_MODIFIED_DATES("retainLongitudinalModifiedDates", "113107",
            "Retain Longitudinal Temporal Information Modified Dates Option"),
    CLEAN_DESCRIPTORS("cleanDescriptors", "113105", "Clean Descriptors Option"),
    CLEAN_STRUCTURED_CONTENT("cleanStructuredContent", "113104", "Clean Structured Content Option"),
    CLEAN_GRAPHICS("cleanGraphics", "113103", "Clean Graphics Option");

    /** CID 7050 code of the profile itself, always the first item of (0012,0064). */
    public static final String BASIC_PROFILE_CODE = "113100";
    public static final String BASIC_PROFILE_MEANING = "Basic Application Confidentiality Profile";

    private final String column;
    private final String code;
    private final String meaning;

    DeidOption(String column, String code, String meaning) {
        this.column = column;
        this.code = code;
        this.meaning = meaning;
    }

    /** The option's column in Table E.1-1 and its key in the profile YAML. */
    public String column() {
        return column;
    }

    /** Code value in CID 7050 (coding scheme DCM). */
    public String code() {
        return code;
    }

    public String meaning() {
        return meaning;
    }

    public static DeidOption ofColumn(String column) {
        for (DeidOption option : values()) {
            if (option.column.equals(column)) {
                return option;
            }
        }
        throw new IllegalArgumentException("unknown DICOM de-identification option: " + column);
    }
}
