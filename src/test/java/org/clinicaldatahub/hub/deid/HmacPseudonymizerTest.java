package org.clinicaldatahub.hub.deid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HmacPseudonymizerTest {

    private static final byte[] KEY = "unit-test-key-0123456789".getBytes(StandardCharsets.UTF_8);
    private static final PseudonymFormat BASE32 = new PseudonymFormat("P", PseudonymFormat.Alphabet.BASE32, 16);
    private static final PatientIdIssuers ISSUERS = new PatientIdIssuers("HOSPITAL-MRN",
            Map.of("HOSPITAL-MRN", List.of("HOSP", "urn:oid:2.16.840.1.113883.3.9999.1")));

    private final Pseudonymizer pseudonymizer = new HmacPseudonymizer(KEY, BASE32, ISSUERS, 365);

    @Test
    void oneMrnGetsOnePseudonymHoweverEachChannelSpellsItsIssuer() {
        String hl7 = pseudonymizer.patient("MRN-4711", "HOSP");
        assertThat(hl7).matches("P[A-Z2-7]{16}");
        assertThat(pseudonymizer.patient(" MRN-4711 ", "urn:oid:2.16.840.1.113883.3.9999.1")).isEqualTo(hl7);
        assertThat(pseudonymizer.patient("MRN-4711", "hosp")).isEqualTo(hl7);
        assertThat(pseudonymizer.patient("MRN-4711", null)).as("no issuer: the default issuer").isEqualTo(hl7);
        assertThat(pseudonymizer.patient("MRN-4711", "OTHER-HOSPITAL")).isNotEqualTo(hl7);
        assertThat(pseudonymizer.patient("MRN-4712", "HOSP")).isNotEqualTo(hl7);
        assertThat(pseudonymizer.patient("  ", "HOSP")).isNull();
    }

    @Test
    void anotherKeyGivesUnrelatedPseudonyms() {
        Pseudonymizer other = new HmacPseudonymizer("another-key-0123456789".getBytes(StandardCharsets.UTF_8), BASE32,
                ISSUERS, 365);
        assertThat(other.patient("MRN-4711", "HOSP")).isNotEqualTo(pseudonymizer.patient("MRN-4711", "HOSP"));
        assertThat(other.uid("1.2.3.4")).isNotEqualTo(pseudonymizer.uid("1.2.3.4"));
    }

    @Test
    void namespacesKeepKindsApart() {
        String asSample = pseudonymizer.pseudonym("sample", "MRN-4711");
        assertThat(asSample).isNotEqualTo(pseudonymizer.patient("MRN-4711", null))
                .isNotEqualTo(pseudonymizer.pseudonym("accession", "MRN-4711"))
                .isEqualTo(pseudonymizer.pseudonym("sample", "MRN-4711"));
        assertThatThrownBy(() -> pseudonymizer.pseudonym("patient", "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void numericPseudonymsHaveTheConfiguredDigits() {
        Pseudonymizer numeric = new HmacPseudonymizer(KEY, new PseudonymFormat("9", PseudonymFormat.Alphabet.NUMERIC, 20),
                ISSUERS, 365);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            String pseudonym = numeric.patient("MRN-" + i, "HOSP");
            assertThat(pseudonym).matches("9\\d{20}");
            seen.add(pseudonym);
        }
        assertThat(seen).hasSize(2000);
        assertThatThrownBy(() -> new PseudonymFormat("", PseudonymFormat.Alphabet.NUMERIC, 8))
                .hasMessageContaining("between 18 and 60");
    }

    @Test
    void dateShiftIsPerPatientWithinTheRangeAndNeverZero() {
        Set<Integer> shifts = new HashSet<>();
        for (int i = 0; i < 5000; i++) {
            int shift = pseudonymizer.dateShiftDays("MRN-" + i, "HOSP");
            assertThat(shift).isBetween(-365, 365).isNotZero();
            assertThat(pseudonymizer.dateShiftDays("MRN-" + i, "urn:oid:2.16.840.1.113883.3.9999.1")).isEqualTo(shift);
            shifts.add(shift);
        }
        assertThat(shifts).as("spread over the range").hasSizeGreaterThan(600).contains(-365, 365);
    }

    @Test
    void uidsAreValidDicomUidsAndStable() {
        String uid = pseudonymizer.uid("1.2.840.113619.2.55.3.604688119.969.1268071029.320");
        assertThat(uid).startsWith("2.25.").matches("2\\.25\\.[1-9]\\d*").hasSizeLessThanOrEqualTo(64);
        assertThat(pseudonymizer.uid("1.2.840.113619.2.55.3.604688119.969.1268071029.320")).isEqualTo(uid);
        assertThat(pseudonymizer.uid("1.2.840.113619.2.55.3.604688119.969.1268071029.321")).isNotEqualTo(uid);
    }

    @Test
    void aShortKeyIsRefusedWithoutQuotingIt() {
        assertThatThrownBy(() -> PseudonymKeys.fromText("short-secret"))
                .hasMessageContaining("at least 16 bytes").hasMessageNotContaining("short-secret");
    }

    @Test
    void theDevelopmentKeyIsGeneratedOnceAndKept(@TempDir Path dir) throws Exception {
        DeidProperties properties = new DeidProperties();
        properties.setDataDir(dir);
        byte[] first = PseudonymKeys.load(properties);
        assertThat(first).hasSize(32);
        assertThat(PseudonymKeys.load(properties)).isEqualTo(first);
        assertThat(Files.getPosixFilePermissions(dir.resolve("deid/pseudonym.key")))
                .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));

        properties.setGenerateDevelopmentKey(false);
        properties.setDataDir(dir.resolve("elsewhere"));
        assertThatThrownBy(() -> PseudonymKeys.load(properties)).hasMessageContaining("HUB_PSEUDONYM_KEY");
    }

    @Test
    void aKeystoreSecretKeyEntryIsUsed(@TempDir Path dir) throws Exception {
        Path keystore = dir.resolve("pseudonym.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genseckey", "-keyalg", "HmacSHA256", "-keysize", "256", "-alias", "pseudonym", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", "changeit").redirectErrorStream(true).start();
        assertThat(keytool.waitFor()).as(new String(keytool.getInputStream().readAllBytes())).isZero();
        DeidProperties properties = new DeidProperties();
        properties.setGenerateDevelopmentKey(false);
        properties.getKeystore().setPath(keystore);
        properties.getKeystore().setPassword("changeit");
        assertThat(PseudonymKeys.load(properties)).hasSize(32);
    }

    @Test
    void issuersFileIsCheckedAndAnAliasCannotServeTwoIssuers(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("issuers.yaml");
        Files.writeString(file, "default-issuer: A\nissuers:\n  A: [X]\n  B: [x]\n");
        assertThatThrownBy(() -> PatientIdIssuers.load(file)).hasMessageContaining("both");
        Files.writeString(file, "default-isuer: A\n");
        assertThatThrownBy(() -> PatientIdIssuers.load(file)).hasMessageContaining("unknown setting 'default-isuer'");
        PatientIdIssuers shipped = PatientIdIssuers.load(Path.of("mappings/deid/patient-id-issuers.yaml"));
        assertThat(shipped.canonical("hosp")).isEqualTo(shipped.canonical(null)).isEqualTo("HOSPITAL-MRN");
    }

    @Test
    void rememberedResultsAreThoseComputedAfresh() {
        for (int i = 0; i < 3_000; i++) {
            String id = "MRN-" + (i % 1_500);
            String issuer = i % 3 == 0 ? null : i % 3 == 1 ? "HOSP" : "OTHER-HOSPITAL";
            Pseudonymizer fresh = new HmacPseudonymizer(KEY, BASE32, ISSUERS, 365);
            assertThat(pseudonymizer.patient(id, issuer)).isEqualTo(fresh.patient(id, issuer));
            assertThat(pseudonymizer.dateShiftDays(id, issuer)).isEqualTo(fresh.dateShiftDays(id, issuer));
            assertThat(pseudonymizer.pseudonym("sample", id)).isEqualTo(fresh.pseudonym("sample", id));
            assertThat(pseudonymizer.pseudonym("accession", id)).isEqualTo(fresh.pseudonym("accession", id));
        }
    }
}
