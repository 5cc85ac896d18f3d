package org.clinicaldatahub.hub.deid;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.clinicaldatahub.hub.deid.internal.ScrubPattern;
import org.junit.jupiter.api.Test;

/**
 * The scrubber that tries each pattern only where a match can begin must give exactly what running
 * every pattern over the whole text gave ({@link ReferenceTextScrubber}, the implementation before):
 * the same text and the same counts, on the golden inputs, the leak corpus, tricky fragments and
 * random mixtures of them. Same regular expressions, character for character.
 */
class TextScrubberEquivalenceTest {

    /** Shapes of identifiers and near misses; each case of the table tests in TextScrubberTest is here too. */
    static final List<String> FRAGMENTS = List.of("(217) 555-0142", "217-555-0142", "217.555.0142", "+1 217 555 0142",
            "1-800-555-1234", "x1(555)123-4567", "1 (555) 123-4567", "(555)123-4567", "555 123 4567", "+12175550142",
            "123-45-6789", "123 45 6789", "123456789", "123-456789", "john.doe@example.com", "a@b.cc.d@e.ff", "@foo",
            "x@y", "foo_bar@baz.com", "J.O'Neil@example.co.uk", "https://x.org/a?b=c", "HTTP://X", "www.Example.com/x",
            "ftp://h/p", "xhttp://y", "192.168.0.1", "10.0.0.256", "1.2.3.4.5", "fe80::1", "2001:db8::ff00:42:8329",
            "2001:0db8:85a3:0000:0000:8a2e:0370:7334", "dead:beef::cafe", "::1", "12:30", "3:45 PM", "10:15:30am",
            "2026-03-14", "2026-03-14T08:30:00Z", "2026-03-14T08:30+0100", "03/14/2026", "3/4/26", "14.03.2026",
            "March 14, 2026", "14th of March 2026", "Mar. 2026", "Sept 3rd", "dec 25", "JANUARY 1st, 1990",
            "20260314", "19340215083000", "MRN: 4711AB", "MR# 12345", "mrn4711", "Medical Record Number 123-456",
            "acct 99887766", "S/N AB12-34", "license no. D1234567", "ID:X99Z", "VIN 1HGCM82633A004352", "AB1234567",
            "ABC123456D", "ABCD123456", "12345678", "A1B2C3D4E5", "ZQ-1234-AB", "Mr. Smith", "Dr Jane Doe",
            "Mrs O'Neil-Smith", "Mx Taylor", "Miss Ann", "wife Marge", "Patient John Doe", "pt. Bob", "PT Alice",
            "neighbour Ann", "Wife marge", "742 Evergreen Terrace", "12 Main St., Apt 4", "1600 Pennsylvania Avenue",
            "P.O. Box 123", "PO Box 9", "po box 77", "92 years old", "101 yo", "95-year-old", "89 yrs old", "age 92y/o",
            "149 yo", "_123456", "\u00fc123-45-6789", "\u00e9 John", "[NAME]", "[ID] 12345678", "member id HPB12345678",
            "Fingerprint id FPT123456789", "serial number SN123456X789", "The", "may", "Dr", "Mr", "1", "9", "@", "www.");
    private static final List<String> SEPARATORS = List.of(" ", " ", ", ", ". ", "\n", "", "-", "/", ":", "(", ")", "_",
            "@", "#", "\u00e9", "x", "1", "\\.br\\", "<", "\"", " of ", ";", "  ");

    @Test
    void sameRegularExpressions() {
        List<String> fast = TextScrubber.patterns().stream().map(ScrubPattern::pattern)
                .map(p -> p.flags() + " " + p.pattern()).toList();
        List<String> reference = ReferenceTextScrubber.patterns().stream().map(p -> p.flags() + " " + p.pattern()).toList();
        assertThat(fast).isEqualTo(reference);
    }

    @Test
    void sameResultOnTheGoldenInputsAndTheLeakCorpus() throws Exception {
        List<String> texts = new ArrayList<>();
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/test/resources/fixtures/deid"))) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("input.")).toList()) {
                String input = Files.readString(file, StandardCharsets.UTF_8);
                texts.add(input);
                names.add(file.toString());
                for (String field : input.split("[|\r\n]")) {
                    texts.add(field);
                    names.add("a field of " + file);
                }
            }
        }
        LeakCorpus corpus = new LeakCorpus(42L);
        for (int i = 0; i < 100; i++) {
            texts.add(corpus.hl7(i).text());
            names.add("leak corpus hl7 message " + i);
            texts.add(corpus.fhirPatient(i).text());
            names.add("leak corpus fhir patient " + i);
        }
        for (int i = 0; i < texts.size(); i++) {
            assertSameAsReference(texts.get(i), names.get(i));
        }
    }

    @Test
    void sameResultOnFragmentsAndRandomMixturesOfThem() {
        FRAGMENTS.forEach(text -> assertSameAsReference(text, text));
        Random random = new Random(20261206L);
        for (int n = 0; n < 20_000; n++) {
            StringBuilder text = new StringBuilder();
            for (int k = 1 + random.nextInt(6); k > 0; k--) {
                text.append(FRAGMENTS.get(random.nextInt(FRAGMENTS.size())));
                text.append(SEPARATORS.get(random.nextInt(SEPARATORS.size())));
            }
            assertSameAsReference(text.toString(), text.toString());
        }
    }

    @Test
    void sameResultOnCharacterSoup() {
        String alphabet = "0123456789012345:.-/@ ()+#_aAbBcCdDeEfFMDrsPpOoxXwWhHtTy\u00e9[]";
        Random random = new Random(7L);
        for (int n = 0; n < 20_000; n++) {
            char[] chars = new char[1 + random.nextInt(40)];
            for (int i = 0; i < chars.length; i++) {
                chars[i] = alphabet.charAt(random.nextInt(alphabet.length()));
            }
            assertSameAsReference(new String(chars), new String(chars));
        }
    }

    /** @param where the text itself for made-up fragments; only a name for seeded PHI (test output is a log too) */
    static void assertSameAsReference(String text, String where) {
        DeidChanges expectedChanges = new DeidChanges();
        DeidChanges actualChanges = new DeidChanges();
        String expected = ReferenceTextScrubber.scrubPatterns(text, expectedChanges);
        String actual = TextScrubber.scrubPatterns(text, actualChanges);
        if (!actual.equals(expected)) {
            throw new AssertionError("scrub differs from the reference for " + where);
        }
        assertThat(actualChanges.counts()).as("counts for %s", where).isEqualTo(expectedChanges.counts());
    }
}
