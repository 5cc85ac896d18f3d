package org.clinicaldatahub.hub.deid.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.clinicaldatahub.hub.dicom.support.Dcmtk;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Must show 2, 3 and 4 on a synthetic three-series study full of known fake PHI
 * ({@link PhiStudy}): no fake PHI string in any output byte; every output read by dcmdump
 * without error and no dciodvfy error that the input did not have already; the study keeps its
 * structure (one new study, three distinct series, references and the frame of reference
 * resolve, one pseudonymous patient) and a second run gives identical bytes. Also: instances
 * with burned-in text are held back for review.
 */
class DicomDeidInteropTest {

    @TempDir
    static Path dir;
    static DicomDeidProfile profile;
    static List<Path> inputs;
    static final TestPseudonymizer PSEUDONYMIZER = new TestPseudonymizer();

    @BeforeAll
    static void makeStudy() throws Exception {
        assumeThat(Dcmtk.available()).as("DCMTK installed").isTrue();
        profile = DicomDeidProfile.load(Path.of("mappings/deid/dicom-basic.yaml"));
        inputs = PhiStudy.write(dir.resolve("in"));
    }

    private static Map<Path, DeidentificationResult> deidentify(DicomDeidProfile chosen, String label) throws Exception {
        Map<Path, DeidentificationResult> results = new LinkedHashMap<>();
        Files.createDirectories(dir.resolve(label));
        for (Path input : inputs) {
            Path output = dir.resolve(label).resolve(input.getFileName());
            try (OutputStream out = Files.newOutputStream(output)) {
                results.put(output, new DicomDeidentifier(chosen, PSEUDONYMIZER).deidentify(input, out));
            }
        }
        return results;
    }

    @Test
    void noFakePhiStringRemainsInAnyOutputByte() throws Exception {
        for (DicomDeidProfile chosen : List.of(profile, profile.withOptions(EnumSet.noneOf(DeidOption.class)))) {
            for (Path output : deidentify(chosen, "leak-" + chosen.options().size()).keySet()) {
                byte[] bytes = Files.readAllBytes(output);
                String latin1 = new String(bytes, StandardCharsets.ISO_8859_1);
                String utf8 = new String(bytes, StandardCharsets.UTF_8);
                for (String phi : PhiStudy.FAKE_PHI) {
                    assertThat(latin1).as("%s in %s", phi, output.getFileName()).doesNotContainIgnoringCase(phi);
                    assertThat(utf8).as("%s in %s", phi, output.getFileName()).doesNotContainIgnoringCase(phi);
                }
            }
        }
        // the input really carried them: the check above is not vacuous
        String input = new String(Files.readAllBytes(inputs.get(0)), StandardCharsets.ISO_8859_1);
        long carried = PhiStudy.FAKE_PHI.stream().filter(input::contains).count();
        assertThat(carried).isGreaterThanOrEqualTo(PhiStudy.FAKE_PHI.size() - 3);
        System.out.println("leak test: " + PhiStudy.FAKE_PHI.size() + " fake PHI strings, " + carried
                + " in the first input, none in " + 2 * inputs.size() + " outputs");
    }

    @Test
    void outputsAreValidDicomForDcmdumpAndDciodvfy() throws Exception {
        for (Path output : deidentify(profile, "valid").keySet()) {
            Dcmtk.Result dump = Dcmtk.run("dcmdump", "-E", output.toString());
            assertThat(dump.exitCode()).as(dump.output()).isZero();
            assertThat(dump.output()).doesNotContain("E: ");
            Path input = dir.resolve("in").resolve(output.getFileName());
            if (Files.isExecutable(Path.of("/usr/bin/dciodvfy"))) {
                Set<String> before = dciodvfyErrors(input);
                Set<String> after = dciodvfyErrors(output);
                after.removeAll(before);
                System.out.println("dciodvfy " + output.getFileName() + ": " + before.size() + " errors in the input, "
                        + after.size() + " new in the output");
                assertThat(after).as("new dciodvfy errors in %s", output.getFileName()).isEmpty();
            }
        }
    }

    /** dciodvfy's error lines, without the values and element positions that change under de-identification. */
    private static Set<String> dciodvfyErrors(Path file) throws Exception {
        Dcmtk.Result result = Dcmtk.run("dciodvfy", "-new", file.toString());
        Set<String> errors = new TreeSet<>();
        for (String line : result.output().split("\n")) {
            if (line.startsWith("Error")) {
                errors.add(line.replaceAll("<[^>]*>", "<>").replaceAll("\"[^\"]*\"", "\"\"").trim());
            }
        }
        return errors;
    }

    @Test
    void studyKeepsItsStructureAndReferencesResolve() throws Exception {
        Map<Path, DeidentificationResult> results = deidentify(profile, "study");
        List<DataSetTree> trees = new ArrayList<>();
        for (Path output : results.keySet()) {
            trees.add(DataSetTree.read(output));
        }
        Set<String> studies = new HashSet<>();
        Set<String> series = new HashSet<>();
        Set<String> patients = new HashSet<>();
        Map<String, String> instanceSeries = new LinkedHashMap<>();
        for (DataSetTree tree : trees) {
            studies.add(tree.get("0020000D"));
            series.add(tree.get("0020000E"));
            patients.add(tree.get("00100020"));
            instanceSeries.put(tree.get("00080018"), tree.get("0020000E"));
            assertThat(tree.meta.mediaStorageSopInstanceUid()).isEqualTo(tree.get("00080018"));
        }
        assertThat(studies).hasSize(1).doesNotContain(PhiStudy.STUDY_UID);
        assertThat(studies.iterator().next()).startsWith("2.25.");
        assertThat(series).hasSize(3);
        assertThat(instanceSeries).hasSize(5);
        assertThat(patients).containsExactly(PSEUDONYMIZER.patient(PhiStudy.PATIENT_ID, PhiStudy.ISSUER));
        assertThat(trees.get(0).get("00200052")).startsWith("2.25.").isEqualTo(trees.get(3).get("00200052"));
        // the presentation state's references point at the new CT instances and series
        DataSetTree pr = trees.get(4);
        for (int s = 0; s < 2; s++) {
            String referencedSeries = pr.get("00081115/" + s + "/0020000E");
            for (int n = 0; n < 2; n++) {
                String referenced = pr.get("00081115/" + s + "/00081140/" + n + "/00081155");
                assertThat(instanceSeries).as("reference %s resolves", referenced).containsKey(referenced);
                assertThat(instanceSeries.get(referenced)).isEqualTo(referencedSeries);
                assertThat(pr.get("00081115/" + s + "/00081140/" + n + "/00081150")).isEqualTo(PhiStudy.CT);
            }
        }
        // dates moved by the patient's shift, so intervals survive
        int shift = PSEUDONYMIZER.dateShiftDays(PhiStudy.PATIENT_ID, PhiStudy.ISSUER);
        assertThat(trees.get(0).get("00080020")).isEqualTo(java.time.LocalDate.of(2024, 1, 15).plusDays(shift)
                .format(java.time.format.DateTimeFormatter.BASIC_ISO_DATE));
        assertThat(trees.get(0).get("00081030")).isEqualTo("CT HEAD for ***");
    }

    @Test
    void secondRunGivesIdenticalBytes() throws Exception {
        for (Path input : inputs) {
            ByteArrayOutputStream first = new ByteArrayOutputStream();
            ByteArrayOutputStream second = new ByteArrayOutputStream();
            new DicomDeidentifier(profile, PSEUDONYMIZER).deidentify(input, first);
            new DicomDeidentifier(profile, PSEUDONYMIZER).deidentify(input, second);
            assertThat(second.toByteArray()).isEqualTo(first.toByteArray());
        }
    }

    @Test
    void burnedInTextGoesToReview() throws Exception {
        String ct = PhiStudy.ctDump(1, 1);
        Path declared = PhiStudy.write(dir.resolve("burned"), "declared", ct + "(0028,0301) CS [YES]\n");
        Path ultrasound = PhiStudy.write(dir.resolve("burned"), "us", ct.replace("(0008,0060) CS [CT]", "(0008,0060) CS [US]"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DicomDeidentifier deidentifier = new DicomDeidentifier(profile, PSEUDONYMIZER);
        assertThat(deidentifier.deidentify(declared, out).reviewReason()).isEqualTo(DicomDeidentifier.BURNED_IN_DECLARED);
        assertThat(deidentifier.deidentify(ultrasound, out).reviewReason()).isEqualTo(DicomDeidentifier.BURNED_IN_LIKELY);
        assertThat(out.size()).as("nothing written for review").isZero();
    }
}
