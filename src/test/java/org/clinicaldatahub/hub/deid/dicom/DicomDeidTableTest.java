package org.clinicaldatahub.hub.deid.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.clinicaldatahub.hub.dicom.data.Tag;
import org.clinicaldatahub.hub.dicom.support.Dcmtk;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Must show 1: table-driven over the reference data. For every attribute of Table E.1-1 that a
 * data set can hold, a generated CT instance carries it at the top level and two sequences deep;
 * the output must obey the action that the table and the chosen options give it, computed here
 * independently of the de-identifier (option K over C over the basic profile; combined codes by
 * the CT Image IOD's Type 1/2 attributes). Prints how many attributes were checked per action.
 */
class DicomDeidTableTest {

    /** Combined-action attributes that are Type 2 in the CT Image IOD (PS3.3 A.3); all others there are Type 3. */
    private static final Set<Integer> CT_TYPE_2 = Set.of(0x00100020, 0x00102203, 0x00080023, 0x00080033, 0x00180010);

    @TempDir
    static Path dir;
    static DicomDeidProfile profile;
    static Path input;
    static final TestPseudonymizer PSEUDONYMIZER = new TestPseudonymizer();

    @BeforeAll
    static void makeInstance() throws Exception {
        assumeThat(Dcmtk.available()).as("DCMTK installed").isTrue();
        profile = DicomDeidProfile.load(Path.of("mappings/deid/dicom-basic.yaml"));
        Path dump = dir.resolve("table.dump");
        Files.writeString(dump, TableInstance.dump(profile.table()), StandardCharsets.ISO_8859_1);
        input = dir.resolve("table.dcm");
        Dcmtk.ok("dump2dcm", "+te", "-q", dump.toString(), input.toString());
    }

    @Test
    void basicProfileWithoutOptions() throws Exception {
        check("basic", EnumSet.noneOf(DeidOption.class));
    }

    @Test
    void profileAsConfiguredInDicomBasicYaml() throws Exception {
        check("dicom-basic.yaml", profile.options());
    }

    @Test
    void everyRetainOption() throws Exception {
        check("retain-all", EnumSet.of(DeidOption.RETAIN_SAFE_PRIVATE, DeidOption.RETAIN_UIDS,
                DeidOption.RETAIN_DEVICE_IDENTITY, DeidOption.RETAIN_INSTITUTION_IDENTITY,
                DeidOption.RETAIN_PATIENT_CHARACTERISTICS, DeidOption.RETAIN_LONGITUDINAL_FULL_DATES));
    }

    @Test
    void everyCleanOption() throws Exception {
        check("clean-all", EnumSet.of(DeidOption.CLEAN_DESCRIPTORS, DeidOption.CLEAN_STRUCTURED_CONTENT,
                DeidOption.CLEAN_GRAPHICS, DeidOption.RETAIN_LONGITUDINAL_MODIFIED_DATES));
    }

    private void check(String label, Set<DeidOption> options) throws Exception {
        DicomDeidProfile chosen = profile.withOptions(options);
        Path output = dir.resolve(label + ".dcm");
        DeidentificationResult result;
        try (OutputStream out = Files.newOutputStream(output)) {
            result = new DicomDeidentifier(chosen, PSEUDONYMIZER).deidentify(input, out);
        }
        assertThat(result.released()).isTrue();
        DataSetTree in = DataSetTree.read(input);
        DataSetTree out = DataSetTree.read(output);
        String issuer = in.get("00100021");
        int shift = PSEUDONYMIZER.dateShiftDays(TableInstance.PATIENT_ID, issuer);
        Map<String, Integer> checked = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        for (ConfidentialityProfileTable.Row row : TableInstance.dataSetRows(chosen.table())) {
            if (row.tag() == Tag.PATIENT_NAME || row.tag() == Tag.PATIENT_ID) {
                continue; // checked below: they carry the instance's own identity
            }
            String action = expected(row, options);
            for (boolean nested : new boolean[] {false, true}) {
                String path = TableInstance.path(row.tag(), nested);
                String original = in.get(path);
                assertThat(original).as("input carries %s", path).isNotNull();
                String problem = obeys(action, row, original, out.get(path), shift, options);
                if (problem != null) {
                    failures.add(row.label() + " " + row.keyword() + (nested ? " (nested)" : "") + " action " + action
                            + ": " + problem);
                }
                checked.merge(action, 1, Integer::sum);
            }
        }
        // Patient ID is the keyed pseudonym, Patient Name is emptied (Z), everywhere
        for (boolean nested : new boolean[] {false, true}) {
            assertThat(out.get(TableInstance.path(Tag.PATIENT_ID, nested)))
                    .isEqualTo(PSEUDONYMIZER.patient(TableInstance.PATIENT_ID, issuer));
            assertThat(out.get(TableInstance.path(Tag.PATIENT_NAME, nested))).isEmpty();
            checked.merge("Z/D (Patient ID -> pseudonym)", 1, Integer::sum);
            checked.merge("Z", 1, Integer::sum);
        }
        checkPatterns(out, options, checked);
        checkPrivate(out, options, checked);
        checkRecord(out, options);
        System.out.println("Table E.1-1 [" + label + "] attributes checked per action: " + checked);
        assertThat(failures).as(label).isEmpty();
        assertThat(Dcmtk.run("dcmdump", "-q", "-E", output.toString()).exitCode()).isZero();
    }

    /** The expected action, from the table alone: options (K before C) over basic, combined codes by CT IOD type. */
    private static String expected(ConfidentialityProfileTable.Row row, Set<DeidOption> options) {
        String code = row.basic();
        String option = null;
        for (DeidOption o : options) {
            String entry = row.options().get(o);
            if (entry != null && (option == null || entry.equals("K"))) {
                option = entry;
            }
        }
        if (option != null) {
            code = option;
        }
        if (!code.contains("/")) {
            return code;
        }
        boolean type2 = CT_TYPE_2.contains(row.tag());
        return switch (code) {
            case "X/Z", "X/Z/D", "X/Z/U*" -> type2 ? "Z" : "X";
            case "Z/D" -> "Z";
            case "X/D" -> "X";
            default -> throw new IllegalStateException(code);
        };
    }

    private static String obeys(String action, ConfidentialityProfileTable.Row row, String original, String actual,
            int shift, Set<DeidOption> options) {
        boolean sequence = "SQ".equals(row.vr());
        switch (action) {
            case "X":
                return actual == null ? null : "still present: " + actual;
            case "Z":
                return actual != null && (actual.isEmpty() || actual.equals("#0") || actual.equals("SQ0")) ? null
                        : "not empty: " + actual;
            case "K":
                return original.equals(actual) ? null : "changed to " + actual;
            case "D":
                if (actual == null || actual.isEmpty() || actual.equals("#0") || actual.equals("SQ0")) {
                    return "no dummy value: " + actual;
                }
                return sequence || !actual.equals(original) || row.vr().equals("US") || row.vr().equals("OB")
                        || row.vr().equals("UN") ? null : "kept its value";
            case "U":
                if (sequence) {
                    return original.equals(actual) ? null : "items changed: " + actual;
                }
                return PSEUDONYMIZER.uid(original).equals(actual) ? null : "UID not replaced consistently: " + actual;
            case "C":
                return cleaned(row, original, actual, shift, options);
            default:
                return "unknown action";
        }
    }

    private static String cleaned(ConfidentialityProfileTable.Row row, String original, String actual, int shift,
            Set<DeidOption> options) {
        String expected = switch (row.vr()) {
            case "DA" -> options.contains(DeidOption.RETAIN_LONGITUDINAL_MODIFIED_DATES)
                    ? java.time.LocalDate.of(2020, 1, 15).plusDays(shift).format(java.time.format.DateTimeFormatter.BASIC_ISO_DATE)
                    : "";
            case "DT" -> options.contains(DeidOption.RETAIN_LONGITUDINAL_MODIFIED_DATES)
                    ? java.time.LocalDate.of(2020, 1, 15).plusDays(shift).format(java.time.format.DateTimeFormatter.BASIC_ISO_DATE)
                            + "103000"
                    : "";
            case "TM", "CS", "AS", "DS", "IS", "US", "SQ" -> original;
            case "UI" -> PSEUDONYMIZER.uid(original);
            case "OB", "UN" -> null;
            default -> original.replace(TableInstance.NAME, "***");
        };
        return java.util.Objects.equals(expected, actual) ? null : "expected " + expected + " but was " + actual;
    }

    /** Curves: (50XX,XXXX) per the table; overlays: the group goes when Overlay Data goes (and C cannot clean a bitmap). */
    private static void checkPatterns(DataSetTree out, Set<DeidOption> options, Map<String, Integer> checked) {
        for (String curve : List.of("50000005", "50003000")) {
            assertThat(out.has(curve)).as("curve " + curve).isFalse();
            checked.merge("X", 1, Integer::sum);
        }
        for (String overlay : List.of("60000010", "60000011", "60003000", "60004000")) {
            assertThat(out.has(overlay)).as("overlay " + overlay).isFalse();
            checked.merge("X", 1, Integer::sum);
        }
    }

    private static void checkPrivate(DataSetTree out, Set<DeidOption> options, Map<String, Integer> checked) {
        boolean safe = options.contains(DeidOption.RETAIN_SAFE_PRIVATE);
        for (boolean nested : new boolean[] {false, true}) {
            assertThat(out.has(TableInstance.path(0x00190010, nested))).isEqualTo(safe);
            assertThat(out.has(TableInstance.path(0x00191023, nested))).isEqualTo(safe);
            assertThat(out.has(TableInstance.path(0x00191099, nested))).isFalse();
            assertThat(out.has(TableInstance.path(0x00110010, nested))).isFalse();
            assertThat(out.has(TableInstance.path(0x00111001, nested))).isFalse();
            checked.merge(safe ? "C (safe private)" : "X (private)", 5, Integer::sum);
        }
    }

    /** Patient Identity Removed, the method and its codes (CID 7050), Longitudinal Temporal Information Modified. */
    private static void checkRecord(DataSetTree out, Set<DeidOption> options) {
        assertThat(out.get("00120062")).isEqualTo("YES");
        assertThat(out.get("00120063")).contains("Basic Profile");
        assertThat(out.get("00120064")).isEqualTo("SQ" + (1 + options.size()));
        assertThat(out.get("00120064/0/00080100")).isEqualTo("113100");
        List<String> codes = new ArrayList<>();
        for (int i = 1; i <= options.size(); i++) {
            codes.add(out.get("00120064/" + i + "/00080100"));
            assertThat(out.get("00120064/" + i + "/00080102")).isEqualTo("DCM");
        }
        assertThat(codes).containsExactlyInAnyOrderElementsOf(options.stream().map(DeidOption::code).toList());
        assertThat(out.get("00280303")).isEqualTo(options.contains(DeidOption.RETAIN_LONGITUDINAL_FULL_DATES)
                ? "UNMODIFIED" : options.contains(DeidOption.RETAIN_LONGITUDINAL_MODIFIED_DATES) ? "MODIFIED"
                : "REMOVED");
    }
}
