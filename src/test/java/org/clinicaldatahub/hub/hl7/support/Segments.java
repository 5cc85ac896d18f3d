package org.clinicaldatahub.hub.hl7.support;

import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes single segments in pipe encoding, choosing for each HL7 version only fields and data
 * types that version defines (checked against HAPI's structures for v2.1..v2.8.1). Field numbers
 * follow the standard; comments name the chapter where it matters.
 *
 * <p>Version rules applied here:
 * <ul>
 *   <li>v2.1/2.2 use CM/CK/PN/AD/TN and plain ID fields where v2.3+ uses CX, XPN, XAD, XTN, PL, EI.</li>
 *   <li>v2.7 withdraws CE (use CWE), XTN-1 (phone goes to XTN-6/7), EVN-1, PID-19, DG1-2/4, SCH-11.</li>
 *   <li>MSH-18 only from v2.3, MSH-9.3 only from v2.3.1 (chapter 2, MSH).</li>
 * </ul>
 */
final class Segments {

    /** Per-message values every segment writer needs. */
    record Ctx(Hl7Version v, Charset cs, FakePatient patient, String ts, long serial) {
        String family() {
            return patient.family(cs);
        }

        String given() {
            return patient.given(cs);
        }
    }

    /** A provider (clinician); names are invented and disjoint from the patient name lists. */
    record Provider(String id, String family, String given) {
    }

    private Segments() {
    }

    // ---- chapter 2: message header ----

    static String msh(Ctx c, String app, String facility, String code, String trigger, String structure,
            String controlId, Hl7Charset charset) {
        Seg s = new Seg("MSH")
                .f(3, app).f(4, facility).f(5, "CDH").f(6, "HUB").f(7, c.ts())
                .f(9, c.v().hasMessageStructure() ? comp(code, trigger, structure) : comp(code, trigger))
                .f(10, controlId)
                .f(11, "P")
                .f(12, c.v().id());
        if (c.v().hasCharsetField() && !charset.msh18().isEmpty()) {
            s.f(18, charset.msh18());
        }
        return s.build();
    }

    // ---- chapter 3: patient administration ----

    static String evn(Ctx c, String trigger) {
        Seg s = new Seg("EVN");
        if (!c.v().withdrawnLegacyFields()) {
            s.f(1, trigger);
        }
        return s.f(2, c.ts()).build();
    }

    static String pid(Ctx c) {
        FakePatient p = c.patient();
        Seg s = new Seg("PID")
                .f(1, "1")
                .f(3, patientId(c, p.mrn(), "MR"))
                .f(5, comp(c.family(), c.given()))
                .f(7, p.birthDate())
                .f(8, p.sex())
                .f(11, comp(p.street(), "", p.city(), p.state(), p.zip()))
                .f(13, phone(c))
                .f(18, account(c, p.account()));
        if (!c.v().withdrawnLegacyFields()) {
            s.f(19, p.ssn());
        }
        return s.build();
    }

    static String nk1(Ctx c, String relCode, String relText) {
        FakePatient p = c.patient();
        return new Seg("NK1")
                .f(1, "1")
                .f(2, comp(p.kinFamily(c.cs()), p.kinGiven(c.cs())))
                .f(3, c.v() == Hl7Version.V2_1 ? relText : comp(relCode, relText, "HL70063"))
                .f(4, comp(p.street(), "", p.city(), p.state(), p.zip()))
                .f(5, phone(c))
                .build();
    }

    static String pv1(Ctx c, String patientClass, String unit, String room, Provider attending) {
        return new Seg("PV1")
                .f(1, "1")
                .f(2, patientClass)
                .f(3, c.v() == Hl7Version.V2_1 ? unit + "-" + room : comp(unit, room))
                .f(7, provider(attending))
                .f(19, c.patient().visitNumber())
                .f(44, c.ts())
                .build();
    }

    static String al1(Ctx c, String code, String text, String reaction) {
        boolean coded = c.v().codedAllergyFields();
        return new Seg("AL1")
                .f(1, "1")
                .f(2, coded ? comp("DA", "Drug allergy", "HL70127") : "DA")
                .f(3, comp(code, text, "L"))
                .f(4, coded ? comp("MO", "Moderate", "HL70128") : "MO")
                .f(5, reaction)
                .build();
    }

    static String dg1(Ctx c, String code, String text) {
        Seg s = new Seg("DG1").f(1, "1");
        if (!c.v().withdrawnLegacyFields()) {
            s.f(2, "I10").f(4, esc(text));
        }
        return s.f(3, c.v().hasExtendedTypes() ? comp(code, esc(text), "I10") : code)
                .f(5, c.ts())
                .f(6, "A")
                .build();
    }

    /** Site-defined segment (chapter 2: Z segments) carrying a preferred name and e-mail, as real feeds do. */
    static String zpi(Ctx c) {
        return new Seg("ZPI").f(1, "1").f(2, c.given()).f(3, c.patient().email()).f(4, "N").build();
    }

    // ---- chapter 4: orders ----

    static String orc(Ctx c, String control, String placer, String placerApp, String filler, String fillerApp,
            Provider orderedBy) {
        return new Seg("ORC")
                .f(1, control)
                .f(2, entityId(c, placer, placerApp))
                .f(3, entityId(c, filler, fillerApp))
                .f(9, c.ts())
                .f(12, provider(orderedBy))
                .build();
    }

    static String obr(Ctx c, String placer, String filler, String app, String code, String text,
            Provider orderedBy, String resultStatus) {
        return new Seg("OBR")
                .f(1, "1")
                .f(2, entityId(c, placer, app))
                .f(3, entityId(c, filler, "CDHLAB"))
                .f(4, comp(code, esc(text), "LN"))
                .f(7, c.ts())
                .f(16, provider(orderedBy))
                .f(22, resultStatus == null ? "" : c.ts())
                .f(25, resultStatus)
                .build();
    }

    static String nte(Ctx c, int setId, String text) {
        return new Seg("NTE").f(1, String.valueOf(setId)).f(2, "L").f(3, text).build();
    }

    // ---- chapter 7: observations ----

    static String obx(Ctx c, int setId, String valueType, String code, String text, String system,
            String value, String units, String range, String flag) {
        Seg s = new Seg("OBX")
                .f(1, String.valueOf(setId))
                .f(2, valueType)
                .f(3, comp(code, esc(text), system))
                .f(4, "1")
                .f(5, value)
                .f(6, units)
                .f(7, range)
                .f(8, flag)
                .f(11, "F");
        if (c.v().atLeast(Hl7Version.V2_2)) {
            s.f(14, c.ts());
        }
        return s.build();
    }

    // ---- chapter 9: medical records ----

    static String txa(Ctx c, String docType, String docNumber, Provider author) {
        return new Seg("TXA")
                .f(1, "1")
                .f(2, docType)
                .f(3, "TX")
                .f(4, c.ts())
                .f(5, provider(author))
                .f(6, c.ts())
                .f(12, comp(docNumber, "DOCSYS"))
                .f(17, "AU")
                .build();
    }

    // ---- chapter 4A: pharmacy / immunization ----

    static String rxa(Ctx c, String cvx, String vaccine, String lot, String mvx, String maker, Provider by) {
        return new Seg("RXA")
                .f(1, "0")
                .f(2, "1")
                .f(3, c.ts())
                .f(4, c.ts())
                .f(5, comp(cvx, esc(vaccine), "CVX"))
                .f(6, "0.5")
                .f(7, comp("mL", "milliliter", "UCUM"))
                .f(9, comp("00", "New immunization record", "NIP001"))
                .f(10, provider(by))
                .f(15, lot)
                .f(17, comp(mvx, esc(maker), "MVX"))
                .f(20, "CP")
                .f(21, "A")
                .build();
    }

    static String rxr(Ctx c) {
        return new Seg("RXR")
                .f(1, comp("C28161", "Intramuscular", "NCIT"))
                .f(2, comp("LD", "Left Deltoid", "HL70163"))
                .build();
    }

    // ---- chapter 10: scheduling ----

    static String sch(Ctx c, String placerAppt, String fillerAppt, String start, String end, Provider filler) {
        Seg s = new Seg("SCH")
                .f(1, comp(placerAppt, "SCHEDSYS"))
                .f(2, comp(fillerAppt, "SCHEDSYS"))
                .f(6, comp("BOOK", "Booking request", "L"))
                .f(7, comp("ROUTINE", "Routine appointment", "HL70276"))
                .f(8, comp("NORMAL", "Routine schedule request", "HL70277"))
                .f(9, "30")
                .f(10, "min")
                .f(16, provider(filler))
                .f(25, "Booked");
        if (!c.v().withdrawnLegacyFields()) {
            s.f(11, comp("", "", "", start, end));
        }
        return s.build();
    }

    /** Timing segment replacing SCH-11 from v2.7 on (TQ1-7 start, TQ1-8 end). */
    static String tq1(String start, String end) {
        return new Seg("TQ1").f(1, "1").f(7, start).f(8, end).build();
    }

    static String rgs() {
        return new Seg("RGS").f(1, "1").f(2, "A").build();
    }

    static String ais(String code, String text, String start) {
        return new Seg("AIS").f(1, "1").f(2, "A").f(3, comp(code, esc(text), "L")).f(4, start)
                .f(7, "30").f(8, "min").build();
    }

    static String ail(String room, String start) {
        return new Seg("AIL").f(1, "1").f(2, "A").f(3, comp("CLINIC", room)).f(6, start).build();
    }

    static String aip(Provider p, String start) {
        return new Seg("AIP").f(1, "1").f(2, "A").f(3, provider(p)).f(4, "D").f(6, start).build();
    }

    // ---- data types ----

    /** CK (v2.1), CM_PAT_ID (v2.2) or CX (v2.3+): the id always sits in component 1. */
    static String patientId(Ctx c, String id, String typeCode) {
        return c.v() == Hl7Version.V2_1 ? id : comp(id, "", "", "SYNAUTH", typeCode);
    }

    /** PID-18 patient account number: CK in v2.1/2.2 (id^check digit^scheme^facility), CX from v2.3. */
    static String account(Ctx c, String id) {
        if (c.v() == Hl7Version.V2_1) {
            return id;
        }
        return c.v() == Hl7Version.V2_2 ? comp(id, "", "", "SYNAUTH") : comp(id, "", "", "SYNAUTH", "AN");
    }

    /** TN (v2.1/2.2), XTN with XTN-1 (v2.3..2.6), XTN-6/7 once XTN-1 is withdrawn (v2.7+). */
    static String phone(Ctx c) {
        FakePatient p = c.patient();
        if (c.v().withdrawnLegacyFields()) {
            return comp("", "PRN", "PH", "", "", p.areaCode(), p.localPhoneDigits());
        }
        return c.v().hasExtendedTypes() ? comp(p.formattedPhone(), "PRN", "PH") : p.formattedPhone();
    }

    /** Placer/filler number: v2.1 has a bare CM, v2.2 CM_PLACER/CM_FILLER, v2.3+ EI (id^namespace). */
    static String entityId(Ctx c, String id, String namespace) {
        if (id.isEmpty()) {
            return "";
        }
        return c.v() == Hl7Version.V2_1 ? id : comp(id, namespace);
    }

    /** CN (v2.1/2.2) and XCN (v2.3+) share id^family^given. */
    static String provider(Provider p) {
        return comp(p.id(), p.family(), p.given());
    }

    /** Joins components with '^', dropping trailing empty ones (chapter 2: trailing delimiters may be omitted). */
    static String comp(String... parts) {
        int n = parts.length;
        while (n > 0 && (parts[n - 1] == null || parts[n - 1].isEmpty())) {
            n--;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append('^');
            }
            sb.append(parts[i] == null ? "" : parts[i]);
        }
        return sb.toString();
    }

    /** Escapes the default delimiters in free text (chapter 2, escape sequences \F\ \S\ \T\ \R\ \E\). */
    static String esc(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 8);
        for (char ch : text.toCharArray()) {
            switch (ch) {
                case '\\' -> sb.append("\\E\\");
                case '|' -> sb.append("\\F\\");
                case '^' -> sb.append("\\S\\");
                case '&' -> sb.append("\\T\\");
                case '~' -> sb.append("\\R\\");
                default -> sb.append(ch);
            }
        }
        return sb.toString();
    }

    /** Minimal segment builder: fields by number, trailing empty fields omitted. */
    static final class Seg {
        private final String name;
        private final List<String> fields = new ArrayList<>();

        Seg(String name) {
            this.name = name;
        }

        Seg f(int number, String value) {
            int index = "MSH".equals(name) ? number - 3 : number - 1;
            while (fields.size() <= index) {
                fields.add("");
            }
            fields.set(index, value == null ? "" : value);
            return this;
        }

        String build() {
            int n = fields.size();
            while (n > 0 && fields.get(n - 1).isEmpty()) {
                n--;
            }
            StringBuilder sb = new StringBuilder(name);
            if ("MSH".equals(name)) {
                sb.append("|^~\\&");
            }
            for (int i = 0; i < n; i++) {
                sb.append('|').append(fields.get(i));
            }
            return sb.toString();
        }
    }
}
