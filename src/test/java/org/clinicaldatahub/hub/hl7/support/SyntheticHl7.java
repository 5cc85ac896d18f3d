package org.clinicaldatahub.hub.hl7.support;

import static org.clinicaldatahub.hub.hl7.support.FakePatients.pick;
import static org.clinicaldatahub.hub.hl7.support.Segments.esc;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.clinicaldatahub.hub.hl7.support.Segments.Ctx;
import org.clinicaldatahub.hub.hl7.support.Segments.Provider;

/**
 * Deterministic generator of synthetic HL7 v2 messages for tests and the MLLP benchmark.
 *
 * <p>Same seed, same pool size and same options give the same byte-for-byte sequence, so a
 * failing test can be replayed. Messages are pipe-encoded with segments ending in {@code \r}
 * (HL7 v2 chapter 2, message construction rules), mix the types ADT^A01/A04/A08, ORU^R01,
 * ORM^O01, MDM^T02, VXU^V04, SIU^S12 and the versions 2.1 to 2.8.1, and only combine a type
 * with a version that defines it (ORM^O01 is gone from v2.7; MDM, VXU and SIU start at v2.3).
 * Each message is parseable by HAPI's {@code PipeParser} with validation off, with no data
 * landing in nonstandard segments except the optional {@code ZPI} Z-segment.
 *
 * <p>All data is fake (see {@link FakePatient}). Patients come from a pool so one patient has
 * many messages, with a skew towards a few frequent patients like a real ward. {@link #fakePhi()}
 * lists every identifying string the pool can emit, for PHI-leak tests.
 *
 * <p>Not thread-safe: use one generator per thread, e.g. {@link #fork(long, String)} per
 * connection, which shares the patient pool.
 */
public final class SyntheticHl7 {

    /** Every message type the generator writes, as MSH-9.1^MSH-9.2. */
    public static final List<String> ALL_MESSAGE_TYPES = List.of(
            "ADT^A01", "ADT^A04", "ADT^A08", "ORU^R01", "ORM^O01", "MDM^T02", "VXU^V04", "SIU^S12");

    private static final LocalDateTime BASE_TIME = LocalDateTime.of(2026, 1, 5, 6, 0);
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");
    private static final List<String> FACILITIES =
            List.of("SYNTH_GENERAL", "SYNTH_CHILDRENS", "SYNTH_EAST_CLINIC", "SYNTH_REF_LAB");
    private static final List<Provider> PROVIDERS = List.of(
            new Provider("1001", "Ravensworth", "Alden"), new Provider("1002", "Kilbride", "Maren"),
            new Provider("1003", "Tollemach", "Seren"), new Provider("1004", "Oakhurst", "Pell"));

    /**
     * One generated message.
     *
     * @param bytes the message encoded in {@code charset}, segments separated by {@code \r}, no MLLP framing
     * @param controlId MSH-10, unique per generator (prefix + counter)
     * @param sendingApplication MSH-3
     * @param sendingFacility MSH-4
     * @param version MSH-12, e.g. {@code 2.5.1}
     * @param messageType MSH-9.1^MSH-9.2, e.g. {@code ADT^A01}
     * @param patientId PID-3.1 (the patient's MRN)
     * @param charset the encoding, matching MSH-18
     * @param zSegment whether a {@code ZPI} segment follows PID
     * @param phi every fake identifying string of this message's patient (see {@link FakePatient#phi()})
     */
    public record Message(byte[] bytes, String controlId, String sendingApplication, String sendingFacility,
            String version, String messageType, String patientId, Hl7Charset charset, boolean zSegment,
            Set<String> phi) {

        /** The message decoded with its own charset. */
        public String text() {
            return new String(bytes, charset.charset());
        }

        /** No PHI and no byte dump, so the record is safe in logs. */
        @Override
        public String toString() {
            return "Message[" + messageType + " v" + version + " " + controlId + " from " + sendingFacility
                    + ", " + charset + ", " + bytes.length + " bytes" + (zSegment ? ", ZPI" : "") + "]";
        }
    }

    private final List<FakePatient> pool;
    private final List<Set<String>> poolPhi;
    private final Random random;
    private Map<Hl7Version, List<String>> combos;
    private List<Hl7Version> versions = Arrays.asList(Hl7Version.values());
    private List<String> messageTypes = ALL_MESSAGE_TYPES;
    private List<Hl7Charset> charsets = Arrays.asList(Hl7Charset.values());
    private double zSegmentRate = 0.1;
    private String controlIdPrefix = "SYN";
    private long serial;

    /**
     * @param seed seeds both the patient pool and the message stream
     * @param patientPoolSize number of distinct fake patients (at least 1)
     */
    public SyntheticHl7(long seed, int patientPoolSize) {
        this(FakePatients.pool(seed, patientPoolSize), null, seed);
    }

    private SyntheticHl7(List<FakePatient> pool, List<Set<String>> poolPhi, long streamSeed) {
        this.pool = pool;
        this.poolPhi = poolPhi != null ? poolPhi : pool.stream().map(p -> Set.copyOf(p.phi())).toList();
        this.random = new Random(streamSeed);
        this.combos = combinations(versions, messageTypes);
    }

    /**
     * A generator with its own message stream and control-id prefix but the same patient pool and
     * options, e.g. one per benchmark connection so control ids stay unique across connections.
     */
    public SyntheticHl7 fork(long streamSeed, String prefix) {
        SyntheticHl7 copy = new SyntheticHl7(pool, poolPhi, streamSeed);
        copy.versions = versions;
        copy.messageTypes = messageTypes;
        copy.combos = combos;
        copy.charsets = charsets;
        copy.zSegmentRate = zSegmentRate;
        return copy.controlIdPrefix(prefix);
    }

    /** Restricts the versions {@link #next()} draws from, e.g. {@code "2.3", "2.5.1"}. */
    public SyntheticHl7 versions(String... ids) {
        List<Hl7Version> list = Arrays.stream(ids).map(Hl7Version::of).toList();
        this.combos = combinations(list, messageTypes);
        this.versions = list;
        return this;
    }

    /** Restricts the message types {@link #next()} draws from, e.g. {@code "ADT^A01"}. */
    public SyntheticHl7 messageTypes(String... types) {
        List<String> list = List.of(types);
        for (String t : list) {
            if (!ALL_MESSAGE_TYPES.contains(t)) {
                throw new IllegalArgumentException("unsupported message type " + t);
            }
        }
        this.combos = combinations(versions, list);
        this.messageTypes = list;
        return this;
    }

    /**
     * Charsets drawn per message. Versions before 2.3 have no MSH-18 and are always ASCII,
     * whatever is configured here.
     */
    public SyntheticHl7 charsets(Hl7Charset... sets) {
        if (sets.length == 0) {
            throw new IllegalArgumentException("at least one charset");
        }
        this.charsets = List.of(sets);
        return this;
    }

    /** Share of messages (0..1) that carry a {@code ZPI} segment after PID. Default 0.1. */
    public SyntheticHl7 zSegmentRate(double rate) {
        if (rate < 0 || rate > 1) {
            throw new IllegalArgumentException("rate must be within 0..1");
        }
        this.zSegmentRate = rate;
        return this;
    }

    /**
     * Prefix of MSH-10. With the 9-digit counter the id stays within the 20 characters
     * MSH-10 allows in v2.1..v2.6 (chapter 2, MSH-10 message control id).
     */
    public SyntheticHl7 controlIdPrefix(String prefix) {
        if (prefix.length() > 11 || !prefix.matches("[A-Za-z0-9_-]*")) {
            throw new IllegalArgumentException("prefix must be at most 11 letters, digits, '-' or '_'");
        }
        this.controlIdPrefix = prefix;
        return this;
    }

    /** Versions the generator knows, oldest first. */
    public static List<String> supportedVersions() {
        return Hl7Version.ids();
    }

    /** Message types valid in {@code version} (HL7 defines MDM, VXU, SIU from 2.3; ORM up to 2.6). */
    public static List<String> supportedTypes(String version) {
        return supported(Hl7Version.of(version));
    }

    /** The fake patients, in pool order. */
    public List<FakePatient> patients() {
        return pool;
    }

    /** Every fake identifying string any message of this generator may contain. */
    public Set<String> fakePhi() {
        Set<String> all = new LinkedHashSet<>();
        pool.forEach(p -> all.addAll(p.phi()));
        return Collections.unmodifiableSet(all);
    }

    /** The next message of a random version and type among the configured ones. */
    public Message next() {
        List<Hl7Version> usable = new ArrayList<>(combos.keySet());
        Hl7Version v = pick(random, usable);
        return generate(v, pick(random, combos.get(v)));
    }

    /** The next message of the given version and type (ignores the version/type options). */
    public Message next(String version, String messageType) {
        Hl7Version v = Hl7Version.of(version);
        if (!supported(v).contains(messageType)) {
            throw new IllegalArgumentException(messageType + " is not defined in HL7 v" + version);
        }
        return generate(v, messageType);
    }

    private Message generate(Hl7Version v, String type) {
        long n = ++serial;
        int patientIndex = random.nextBoolean()
                ? random.nextInt(Math.max(1, pool.size() / 10))
                : random.nextInt(pool.size());
        FakePatient patient = pool.get(patientIndex);
        Hl7Charset charset = v.hasCharsetField() ? pick(random, charsets) : Hl7Charset.ASCII;
        String ts = BASE_TIME.plusSeconds(n * 11 + random.nextInt(11)).format(TS);
        Ctx c = new Ctx(v, charset.charset(), patient, ts, n);
        boolean z = random.nextDouble() < zSegmentRate;
        String counter = Long.toString(n);
        String controlId = controlIdPrefix + "0".repeat(Math.max(0, 9 - counter.length())) + counter;
        String facility = pick(random, FACILITIES);
        String code = type.substring(0, 3);
        String trigger = type.substring(4);
        String app = switch (code) {
            case "ADT" -> "ADTSYS";
            case "ORU" -> "LABSYS";
            case "ORM" -> "ORDSYS";
            case "MDM" -> "DOCSYS";
            case "VXU" -> "IMMSYS";
            default -> "SCHEDSYS";
        };
        String structure = code.equals("ADT") ? "ADT_A01" : code + "_" + trigger;
        List<String> segs = new ArrayList<>();
        segs.add(Segments.msh(c, app, facility, code, trigger, structure, controlId, charset));
        switch (code) {
            case "ADT" -> adt(c, trigger, z, segs);
            case "ORU" -> oru(c, app, z, segs);
            case "ORM" -> orm(c, app, z, segs);
            case "MDM" -> mdm(c, z, segs);
            case "VXU" -> vxu(c, z, segs);
            default -> siu(c, z, segs);
        }
        String text = String.join("\r", segs) + "\r";
        return new Message(encode(text, charset), controlId, app, facility, v.id(), type, patient.mrn(),
                charset, z, poolPhi.get(patientIndex));
    }

    // ---- message bodies; segment order follows HAPI's structure for each version ----

    private void adt(Ctx c, String trigger, boolean z, List<String> segs) {
        segs.add(Segments.evn(c, trigger));
        patient(c, z, segs);
        if (c.v() == Hl7Version.V2_1 || random.nextInt(10) < 6) {
            String[][] rel = {{"SPO", "Spouse"}, {"MTH", "Mother"}, {"FTH", "Father"}, {"SIS", "Sister"},
                {"CHD", "Child"}};
            String[] r = rel[random.nextInt(rel.length)];
            segs.add(Segments.nk1(c, r[0], r[1]));
        }
        boolean outpatient = trigger.equals("A04");
        segs.add(Segments.pv1(c, outpatient ? "O" : "I", outpatient ? "CLINIC" : "W" + (1 + random.nextInt(6)),
                String.valueOf(100 + random.nextInt(40)), pick(random, PROVIDERS)));
        if (c.v().atLeast(Hl7Version.V2_2) && random.nextBoolean()) {
            String[][] allergens = {{"PCN", "Penicillin"}, {"SULF", "Sulfonamides"}, {"LATEX", "Latex"},
                {"PNUT", "Peanut"}};
            String[] a = allergens[random.nextInt(allergens.length)];
            segs.add(Segments.al1(c, a[0], a[1], "Hives"));
        }
        if (random.nextBoolean()) {
            String[][] dx = {{"J18.9", "Pneumonia, unspecified organism"},
                {"I10", "Essential (primary) hypertension"}, {"E11.9", "Type 2 diabetes mellitus without complications"},
                {"N39.0", "Urinary tract infection, site not specified"}};
            String[] d = dx[random.nextInt(dx.length)];
            segs.add(Segments.dg1(c, d[0], d[1]));
        }
    }

    private void oru(Ctx c, String app, boolean z, List<String> segs) {
        patient(c, z, segs);
        segs.add(Segments.pv1(c, "O", "LAB", "1", pick(random, PROVIDERS)));
        String placer = "PL" + c.serial();
        String filler = "FL" + c.serial();
        Provider orderedBy = pick(random, PROVIDERS);
        segs.add(Segments.orc(c, "RE", placer, app, filler, "CDHLAB", orderedBy));
        boolean cbc = random.nextBoolean();
        segs.add(Segments.obr(c, placer, filler, app, cbc ? "58410-2" : "24323-8",
                cbc ? "CBC panel - Blood by Automated count" : "Comprehensive metabolic 2000 panel",
                orderedBy, "F"));
        String[][] results = cbc
                ? new String[][] {{"718-7", "Hemoglobin [Mass/volume] in Blood", "g/dL", "12.0-16.0", "13.1"},
                    {"6690-2", "Leukocytes [#/volume] in Blood by Automated count", "10*3/uL", "4.0-11.0", "7.4"}}
                : new String[][] {{"2345-7", "Glucose [Mass/volume] in Serum or Plasma", "mg/dL", "70-99", "104"},
                    {"2951-2", "Sodium [Moles/volume] in Serum or Plasma", "mmol/L", "136-145", "139"},
                    {"2823-3", "Potassium [Moles/volume] in Serum or Plasma", "mmol/L", "3.5-5.1", "4.2"}};
        int set = 1;
        for (String[] r : results) {
            String flag = r[4].equals("104") ? "H" : "N";
            segs.add(Segments.obx(c, set++, "NM", r[0], r[1], "LN", r[4], r[2], r[3], flag));
        }
        String given = c.given();
        String family = c.family();
        FakePatient p = c.patient();
        boolean ft = c.v().hasFormattedText() && random.nextBoolean();
        String note = ft
                ? esc("Specimen slightly hemolyzed.") + "\\.br\\"
                    + esc("Result discussed with " + given + " " + family + " at " + p.formattedPhone() + ".")
                : esc("Patient " + given + " " + family + " (MRN " + p.mrn() + ", DOB " + p.birthDateText()
                    + ") notified by phone " + p.formattedPhone() + ", e-mail " + p.email() + ".");
        segs.add(Segments.obx(c, set, ft ? "FT" : "TX", "48767-8", "Annotation comment [Interpretation] Narrative",
                "LN", note, "", "", ""));
        segs.add(Segments.nte(c, 1, esc("Reviewed by laboratory; contact " + given + " " + family
                + " if repeat draw needed.")));
    }

    private void orm(Ctx c, String app, boolean z, List<String> segs) {
        patient(c, z, segs);
        segs.add(Segments.pv1(c, "O", "CLINIC", "EXAM" + (1 + random.nextInt(9)), pick(random, PROVIDERS)));
        String placer = "PL" + c.serial();
        Provider orderedBy = pick(random, PROVIDERS);
        segs.add(Segments.orc(c, "NW", placer, app, "", "", orderedBy));
        segs.add(Segments.obr(c, placer, "", app, "24323-8", "Comprehensive metabolic 2000 panel", orderedBy, null));
        segs.add(Segments.nte(c, 1, esc("Fasting specimen requested.")));
    }

    private void mdm(Ctx c, boolean z, List<String> segs) {
        segs.add(Segments.evn(c, "T02"));
        patient(c, z, segs);
        segs.add(Segments.pv1(c, "I", "W" + (1 + random.nextInt(6)), String.valueOf(100 + random.nextInt(40)),
                pick(random, PROVIDERS)));
        segs.add(Segments.txa(c, "DS", "DOC" + c.serial(), pick(random, PROVIDERS)));
        FakePatient p = c.patient();
        String[] lines = {
            "DISCHARGE SUMMARY for " + c.given() + " " + c.family() + ", DOB " + p.birthDateText() + ".",
            "Admitted with community acquired pneumonia; treated with oral antibiotics.",
            "Follow up with primary care in 2 weeks. Patient can be reached at " + p.formattedPhone() + ".",
            "Home address on file: " + p.street() + ", " + p.city() + " " + p.zip() + "."};
        for (int i = 0; i < lines.length; i++) {
            segs.add(Segments.obx(c, i + 1, "TX", "18842-5", "Discharge summary", "LN", esc(lines[i]), "", "", ""));
        }
    }

    private void vxu(Ctx c, boolean z, List<String> segs) {
        patient(c, z, segs);
        segs.add(Segments.nk1(c, "MTH", "Mother"));
        Provider by = pick(random, PROVIDERS);
        segs.add(Segments.orc(c, "RE", "", "", "IMM" + c.serial(), "IMMSYS", by));
        String[][] vaccines = {{"08", "Hep B, adolescent or pediatric", "MSD", "Merck and Co., Inc."},
            {"20", "DTaP", "PMC", "sanofi pasteur"}, {"141", "Influenza, seasonal, injectable", "SKB", "GlaxoSmithKline"},
            {"03", "MMR", "MSD", "Merck and Co., Inc."}};
        String[] vx = vaccines[random.nextInt(vaccines.length)];
        segs.add(Segments.rxa(c, vx[0], vx[1], "LOT" + (1000 + random.nextInt(9000)), vx[2], vx[3], by));
        segs.add(Segments.rxr(c));
        segs.add(Segments.obx(c, 1, c.v().codedType(), "64994-7", "Vaccine funding program eligibility category",
                "LN", Segments.comp("V02", "VFC eligible - Medicaid/Medicaid Managed Care", "HL70064"), "", "", ""));
    }

    private void siu(Ctx c, boolean z, List<String> segs) {
        String start = BASE_TIME.plusDays(7 + random.nextInt(30)).withHour(8 + random.nextInt(9)).format(TS);
        String end = LocalDateTime.parse(start, TS).plusMinutes(30).format(TS);
        Provider doctor = pick(random, PROVIDERS);
        segs.add(Segments.sch(c, "APT" + c.serial(), "SCH" + c.serial(), start, end, doctor));
        if (c.v().withdrawnLegacyFields()) {
            segs.add(Segments.tq1(start, end));
        }
        patient(c, z, segs);
        segs.add(Segments.pv1(c, "O", "CLINIC", "EXAM" + (1 + random.nextInt(9)), doctor));
        segs.add(Segments.rgs());
        boolean newPatient = random.nextBoolean();
        segs.add(Segments.ais(newPatient ? "NEWPT" : "FOLLOWUP", newPatient ? "New patient visit" : "Follow-up visit",
                start));
        segs.add(Segments.ail("EXAM" + (1 + random.nextInt(9)), start));
        segs.add(Segments.aip(doctor, start));
    }

    private static void patient(Ctx c, boolean z, List<String> segs) {
        segs.add(Segments.pid(c));
        if (z) {
            segs.add(Segments.zpi(c));
        }
    }

    // ---- helpers ----

    private static byte[] encode(String text, Hl7Charset charset) {
        if (!FakePatient.fits(text, charset.charset())) {
            throw new IllegalStateException("generator wrote text " + charset + " cannot carry");
        }
        return text.getBytes(charset.charset());
    }

    private static List<String> supported(Hl7Version v) {
        List<String> types = new ArrayList<>(ALL_MESSAGE_TYPES);
        if (!v.atLeast(Hl7Version.V2_3)) {
            types.removeAll(List.of("MDM^T02", "VXU^V04", "SIU^S12"));
        }
        if (v.atLeast(Hl7Version.V2_7)) {
            types.remove("ORM^O01");
        }
        return List.copyOf(types);
    }

    private static Map<Hl7Version, List<String>> combinations(List<Hl7Version> versions, List<String> types) {
        Map<Hl7Version, List<String>> map = new EnumMap<>(Hl7Version.class);
        for (Hl7Version v : versions) {
            List<String> ok = types.stream().filter(supported(v)::contains).toList();
            if (!ok.isEmpty()) {
                map.put(v, ok);
            }
        }
        if (map.isEmpty()) {
            throw new IllegalArgumentException("no configured message type exists in the configured versions");
        }
        return map;
    }
}
