package org.clinicaldatahub.hub.hl7.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.parser.PipeParser;
import ca.uhn.hl7v2.util.Terser;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SyntheticHl7Test {

    private static HapiContext hapi;
    private static PipeParser parser;

    @BeforeAll
    static void hapi() {
        hapi = new DefaultHapiContext();
        hapi.setValidationContext(ValidationContextFactory.noValidation());
        parser = hapi.getPipeParser();
    }

    @AfterAll
    static void close() throws Exception {
        hapi.close();
    }

    static Stream<Arguments> combinations() {
        return SyntheticHl7.supportedVersions().stream()
                .flatMap(v -> SyntheticHl7.supportedTypes(v).stream().map(t -> Arguments.of(v, t)));
    }

    @Test
    void coversEveryTypeAndVersionWithCompatibleCombinations() {
        assertThat(SyntheticHl7.supportedVersions())
                .containsExactly("2.1", "2.2", "2.3", "2.3.1", "2.4", "2.5", "2.5.1", "2.6", "2.7", "2.8", "2.8.1");
        assertThat(SyntheticHl7.supportedTypes("2.1")).containsExactly("ADT^A01", "ADT^A04", "ADT^A08", "ORU^R01", "ORM^O01");
        assertThat(SyntheticHl7.supportedTypes("2.5.1")).containsExactlyElementsOf(SyntheticHl7.ALL_MESSAGE_TYPES);
        assertThat(SyntheticHl7.supportedTypes("2.8.1")).doesNotContain("ORM^O01").hasSize(7);
        assertThat(combinations()).hasSize(2 * 5 + 6 * 8 + 3 * 7);
        assertThatThrownBy(() -> new SyntheticHl7(1, 10).next("2.2", "SIU^S12"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "v{0} {1}")
    @MethodSource("combinations")
    void everyCombinationParsesCleanlyAndReadsBack(String version, String type) throws Exception {
        SyntheticHl7 gen = new SyntheticHl7(version.hashCode() * 31L + type.hashCode(), 40).zSegmentRate(0.5);
        for (int i = 0; i < 12; i++) {
            SyntheticHl7.Message m = gen.next(version, type);
            String text = m.text();
            assertThat(text).startsWith("MSH|^~\\&|").endsWith("\r").doesNotContain("\n");

            ca.uhn.hl7v2.model.Message parsed = parser.parse(text);
            assertThat(Hl7StructureCheck.problems(parsed)).as("%s\n%s", m, text.replace('\r', '\n')).isEmpty();
            assertThat(parsed.getVersion()).isEqualTo(version);
            assertThat(parser.encode(parsed)).as("HAPI re-encodes it unchanged: nothing was dropped").isEqualTo(text);

            Terser terser = new Terser(parsed);
            assertThat(terser.get("/MSH-10")).isEqualTo(m.controlId());
            assertThat(terser.get("/MSH-12")).isEqualTo(m.version());
            assertThat(terser.get("/MSH-9-1") + "^" + terser.get("/MSH-9-2")).isEqualTo(m.messageType());
            assertThat(terser.get("/MSH-3")).isEqualTo(m.sendingApplication());
            assertThat(terser.get("/MSH-4")).isEqualTo(m.sendingFacility());
            assertThat(terser.get("/.PID-3-1")).isEqualTo(m.patientId());
            assertThat(terser.get("/.PID-5-1")).isNotBlank();
            if (Hl7Version.of(version).hasCharsetField()) {
                assertThat(nullToEmpty(terser.get("/MSH-18"))).isEqualTo(m.charset().msh18());
            } else {
                assertThat(m.charset()).isEqualTo(Hl7Charset.ASCII);
            }
            assertThat(text.contains("\rZPI|")).isEqualTo(m.zSegment());
            assertThat(m.phi()).contains(m.patientId());
            assertThat(text).contains(m.patientId());
        }
    }

    @Test
    void mixedStreamUsesEveryTypeVersionAndCharset() throws Exception {
        SyntheticHl7 gen = new SyntheticHl7(7, 200);
        Set<String> types = new HashSet<>();
        Set<String> versions = new HashSet<>();
        Set<Hl7Charset> charsets = new HashSet<>();
        Set<String> ids = new HashSet<>();
        Map<String, Long> perPatient;
        List<String> patients = new ArrayList<>();
        int zCount = 0;
        for (int i = 0; i < 3000; i++) {
            SyntheticHl7.Message m = gen.next();
            types.add(m.messageType());
            versions.add(m.version());
            charsets.add(m.charset());
            assertThat(ids.add(m.controlId())).as("unique MSH-10").isTrue();
            assertThat(m.controlId()).hasSizeLessThanOrEqualTo(20);
            patients.add(m.patientId());
            zCount += m.zSegment() ? 1 : 0;
            if (i % 100 == 0) {
                assertThat(Hl7StructureCheck.problems(parser.parse(m.text()))).isEmpty();
            }
        }
        perPatient = patients.stream().collect(Collectors.groupingBy(p -> p, Collectors.counting()));
        assertThat(types).containsExactlyInAnyOrderElementsOf(SyntheticHl7.ALL_MESSAGE_TYPES);
        assertThat(versions).containsExactlyInAnyOrderElementsOf(SyntheticHl7.supportedVersions());
        assertThat(charsets).containsExactlyInAnyOrder(Hl7Charset.values());
        assertThat(perPatient.size()).isLessThanOrEqualTo(200);
        assertThat(perPatient.values().stream().mapToLong(Long::longValue).max().orElse(0)).isGreaterThan(20);
        assertThat(zCount).isBetween(150, 450);
    }

    @Test
    void sameSeedSameBytesAndForksShareThePool() {
        SyntheticHl7 a = new SyntheticHl7(99, 50);
        SyntheticHl7 b = new SyntheticHl7(99, 50);
        for (int i = 0; i < 200; i++) {
            assertThat(a.next().bytes()).isEqualTo(b.next().bytes());
        }
        assertThat(new SyntheticHl7(100, 50).next().bytes()).isNotEqualTo(new SyntheticHl7(99, 50).next().bytes());

        SyntheticHl7 fork = a.fork(12345, "C07");
        assertThat(fork.patients()).isSameAs(a.patients());
        SyntheticHl7.Message m = fork.next();
        assertThat(m.controlId()).isEqualTo("C07000000001");
        assertThat(a.fakePhi()).containsAll(m.phi());
        assertThatThrownBy(() -> a.controlIdPrefix("TOO-LONG-PREFIX")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void optionsRestrictTheStream() {
        SyntheticHl7 gen = new SyntheticHl7(3, 20).versions("2.2", "2.8.1").messageTypes("ORM^O01", "MDM^T02");
        for (int i = 0; i < 100; i++) {
            SyntheticHl7.Message m = gen.next();
            // ORM exists only in 2.2 here, MDM only in 2.8.1
            assertThat(m.version() + " " + m.messageType()).isIn("2.2 ORM^O01", "2.8.1 MDM^T02");
        }
        assertThatThrownBy(() -> new SyntheticHl7(3, 20).versions("2.1").messageTypes("VXU^V04"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void utf8MessagesCarryNamesOutsideLatin1() {
        SyntheticHl7 gen = new SyntheticHl7(11, 300).versions("2.5.1").messageTypes("ADT^A01")
                .charsets(Hl7Charset.UTF_8);
        SyntheticHl7.Message m = firstWithName(gen, n -> !StandardCharsets.ISO_8859_1.newEncoder().canEncode(n));
        FakePatient p = patient(gen, m);
        String name = p.family() + "^" + p.given();

        assertThat(m.text()).contains("|UNICODE UTF-8").contains(name);
        assertThat(charsetFromMsh18(m.bytes())).isEqualTo(StandardCharsets.UTF_8);
        assertThat(new String(m.bytes(), charsetFromMsh18(m.bytes()))).contains(name);
        assertThat(new String(m.bytes(), StandardCharsets.ISO_8859_1)).doesNotContain(name);
    }

    @Test
    void latin1MessagesUseSingleBytesAndFoldWhatLatin1Lacks() throws Exception {
        SyntheticHl7 gen = new SyntheticHl7(11, 300).versions("2.3").messageTypes("ADT^A08")
                .charsets(Hl7Charset.LATIN_1);
        SyntheticHl7.Message m = firstWithName(gen,
                n -> !n.chars().allMatch(ch -> ch < 0x80) && StandardCharsets.ISO_8859_1.newEncoder().canEncode(n));
        FakePatient p = patient(gen, m);
        assertThat(charsetFromMsh18(m.bytes())).isEqualTo(StandardCharsets.ISO_8859_1);
        assertThat(m.bytes()).containsSequence(p.family().getBytes(StandardCharsets.ISO_8859_1));
        assertThat(new String(m.bytes(), StandardCharsets.ISO_8859_1)).contains(p.family() + "^" + p.given());
        ca.uhn.hl7v2.model.Message parsed = parser.parse(new String(m.bytes(), StandardCharsets.ISO_8859_1));
        assertThat(new Terser(parsed).get("/PID-5-1")).isEqualTo(p.family());

        SyntheticHl7.Message folded = firstWithName(gen,
                n -> !StandardCharsets.ISO_8859_1.newEncoder().canEncode(n));
        FakePatient q = patient(gen, folded);
        assertThat(folded.text()).contains(FakePatient.ascii(q.family()) + "^");
    }

    @Test
    void asciiMessagesHaveNoHighBytesAndFoldedNames() {
        SyntheticHl7 gen = new SyntheticHl7(11, 300).charsets(Hl7Charset.ASCII, Hl7Charset.ASCII_DECLARED);
        for (int i = 0; i < 500; i++) {
            SyntheticHl7.Message m = gen.next();
            for (byte b : m.bytes()) {
                assertThat(b & 0xFF).isLessThan(0x80);
            }
            assertThat(charsetFromMsh18(m.bytes())).isEqualTo(StandardCharsets.US_ASCII);
        }
        assertThat(FakePatient.ascii("Müller")).isEqualTo("Muller");
        assertThat(FakePatient.ascii("Zoë")).isEqualTo("Zoe");
        assertThat(FakePatient.ascii("Łęcka")).isEqualTo("Lecka");
        assertThat(FakePatient.ascii("Þórsdóttir")).isEqualTo("Thorsdottir");
    }

    @Test
    void fakePhiListsWhatTheMessagesContain() {
        SyntheticHl7 gen = new SyntheticHl7(5, 30).zSegmentRate(1.0);
        Set<String> phi = gen.fakePhi();
        for (int i = 0; i < 300; i++) {
            SyntheticHl7.Message m = gen.next();
            FakePatient p = patient(gen, m);
            String text = m.text();
            assertThat(phi).containsAll(m.phi());
            assertThat(text).contains(p.mrn(), p.birthDate(), p.street(), p.city(), p.zip());
            assertThat(text).containsAnyOf(p.family(), FakePatient.ascii(p.family()));
            assertThat(text).containsAnyOf(p.formattedPhone(), p.localPhoneDigits());
            assertThat(text).contains(p.email()); // every message has a ZPI here
        }
        assertThat(phi).contains("Müller", "Muller").anyMatch(s -> s.endsWith("@example.org"))
                .anyMatch(s -> s.matches("9\\d\\d-\\d\\d-\\d{4}"));
    }

    @Test
    void oruCarriesTextNotesAndV21UsesTxOnly() throws Exception {
        SyntheticHl7 gen = new SyntheticHl7(8, 10);
        Set<String> valueTypes = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            String text = gen.next("2.5.1", "ORU^R01").text();
            valueTypes.add(text.contains("|FT|48767-8") ? "FT" : text.contains("|TX|48767-8") ? "TX" : "none");
            assertThat(text).contains("\rNTE|1|L|");
        }
        assertThat(valueTypes).containsExactlyInAnyOrder("FT", "TX");
        for (int i = 0; i < 20; i++) {
            assertThat(gen.next("2.1", "ORU^R01").text()).contains("|TX|48767-8").doesNotContain("|FT|");
        }
    }

    private static SyntheticHl7.Message firstWithName(SyntheticHl7 gen, java.util.function.Predicate<String> test) {
        for (int i = 0; i < 5000; i++) {
            SyntheticHl7.Message m = gen.next();
            FakePatient p = patient(gen, m);
            if (test.test(p.family())) {
                return m;
            }
        }
        throw new AssertionError("pool has no such name");
    }

    private static FakePatient patient(SyntheticHl7 gen, SyntheticHl7.Message m) {
        return gen.patients().stream().filter(p -> p.mrn().equals(m.patientId())).findFirst().orElseThrow();
    }

    /** What a receiver does before decoding: read MSH-18 from the ASCII-compatible header (table 0211). */
    static Charset charsetFromMsh18(byte[] bytes) {
        String header = new String(bytes, StandardCharsets.ISO_8859_1);
        header = header.substring(0, header.indexOf('\r'));
        String[] fields = header.split("\\|", -1);
        String msh18 = fields.length > 17 ? fields[17].split("~")[0] : "";
        return switch (msh18) {
            case "", "ASCII" -> StandardCharsets.US_ASCII;
            case "8859/1" -> StandardCharsets.ISO_8859_1;
            case "UNICODE UTF-8" -> StandardCharsets.UTF_8;
            default -> throw new AssertionError("unexpected MSH-18 " + msh18);
        };
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
