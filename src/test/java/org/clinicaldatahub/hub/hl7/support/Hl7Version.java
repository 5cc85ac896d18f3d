package org.clinicaldatahub.hub.hl7.support;

import java.util.Arrays;
import java.util.List;

/**
 * The HL7 v2 versions the generator writes, with the few structural facts that decide which
 * segments, fields and data types are valid in each (so HAPI parses every message without
 * moving data into "extra" components or nonstandard segments).
 */
public enum Hl7Version {
    V2_1("2.1"), V2_2("2.2"), V2_3("2.3"), V2_3_1("2.3.1"), V2_4("2.4"), V2_5("2.5"),
    V2_5_1("2.5.1"), V2_6("2.6"), V2_7("2.7"), V2_8("2.8"), V2_8_1("2.8.1");

    private final String id;

    Hl7Version(String id) {
        this.id = id;
    }

    /** The MSH-12 value, e.g. {@code 2.5.1}. */
    public String id() {
        return id;
    }

    public static Hl7Version of(String id) {
        return Arrays.stream(values()).filter(v -> v.id.equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unsupported HL7 version " + id));
    }

    public static List<String> ids() {
        return Arrays.stream(values()).map(Hl7Version::id).toList();
    }

    boolean atLeast(Hl7Version other) {
        return compareTo(other) >= 0;
    }

    /** MSH-18 character set first appears in v2.3. */
    boolean hasCharsetField() {
        return atLeast(V2_3);
    }

    /** MSH-9.3 message structure first appears in v2.3.1. */
    boolean hasMessageStructure() {
        return atLeast(V2_3_1);
    }

    /** Extended types (CX, XPN, XAD, XTN, XCN, PL, EI, HD) replace the v2.1/2.2 CM types in v2.3. */
    boolean hasExtendedTypes() {
        return atLeast(V2_3);
    }

    /** FT (formatted text, chapter 2) is not in v2.1; v2.1 has TX only. */
    boolean hasFormattedText() {
        return atLeast(V2_2);
    }

    /** CE is withdrawn in v2.7: coded fields and OBX value types become CWE. */
    String codedType() {
        return atLeast(V2_7) ? "CWE" : "CE";
    }

    /** v2.7 withdraws XTN-1 and several ADT fields (EVN-1, PID-19, DG1-2/4, SCH-11). */
    boolean withdrawnLegacyFields() {
        return atLeast(V2_7);
    }

    /** AL1-2 allergen type and AL1-4 severity change from ID to CE in v2.5. */
    boolean codedAllergyFields() {
        return atLeast(V2_5);
    }
}
