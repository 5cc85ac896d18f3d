package org.clinicaldatahub.hub.terminology;

/**
 * ICD-9-CM and ICD-10-CM codes are compared without their dot (the CDC and CMS files write them
 * so) and written with it where the receiver expects it. ICD-10-CM: dot after the third
 * character; ICD-9-CM: after the third, or the fourth for E codes (external causes).
 */
public final class IcdCodes {

    private IcdCodes() {
    }

    /** The code as the index keys it: ICD codes upper-case without the dot, others trimmed. */
    public static String normalize(String system, String code) {
        String trimmed = code.trim();
        if (isIcd(system)) {
            return trimmed.indexOf('.') >= 0 ? trimmed.replace(".", "").toUpperCase() : trimmed.toUpperCase();
        }
        return trimmed;
    }

    /** The code with its dot, e.g. {@code E11.9}, {@code 250.00}, {@code E800.0}. */
    public static String dotted(String system, String code) {
        if (!isIcd(system) || code.indexOf('.') >= 0) {
            return code;
        }
        int at = StandardSystems.ICD9CM.equals(system) && code.startsWith("E") ? 4 : 3;
        return code.length() > at ? code.substring(0, at) + "." + code.substring(at) : code;
    }

    static boolean isIcd(String system) {
        return StandardSystems.ICD10CM.equals(system) || StandardSystems.ICD9CM.equals(system);
    }
}
