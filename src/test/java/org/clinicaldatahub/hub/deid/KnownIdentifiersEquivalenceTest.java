package org.clinicaldatahub.hub.deid;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The one-pass search for a patient's known values must replace exactly what the search value by
 * value did ({@link ReferenceTextScrubber#replaceKnown}): same text, same counts, including which of
 * two overlapping values wins; and the kind of a value must be worked out as before.
 */
class KnownIdentifiersEquivalenceTest {

    private static final List<String> VALUES = List.of("Johnathan", "ZZTESTPATIENT", "Johnathan ZZTESTPATIENT", "John",
            "john smith", "Smith", "742 Evergreen Terrace", "Evergreen", "Springfield", "4711", "MRN4711", "12345",
            "2175550142", "(217) 555-0142", "217-555-0142", "5550142", "123-45-6789", "123456789",
            "johnathan.zz@example.com", "ACC-99887766", "99887766", "D1234567", "19340215", "02/15/1934", "2/15/34",
            "O'Neil", "Ann-Marie", "\u00c9lodie", "STRASSE", "Stra\u00dfe", "x1-23", "1-2-3-4-5-6", "Marge",
            "MARGE ZZTESTRELATIVE", "Dr", "555", "[NAME]", "Wife");

    @Test
    void sameReplacementsOnTheLeakCorpus() {
        LeakCorpus corpus = new LeakCorpus(99L);
        for (int i = 0; i < 100; i++) {
            LeakCorpus.Item item = corpus.hl7(i);
            KnownIdentifiers known = new KnownIdentifiers();
            for (Map.Entry<String, List<String>> category : item.seeds().entrySet()) {
                category.getValue().forEach(known::add);
            }
            for (String segment : item.text().split("\r")) {
                for (String field : segment.split("\\|")) {
                    known.addRaw(field, "^~&");
                }
            }
            known.addIdentifier(item.recordKey());
            known.addDate(item.seeds().get("C dates").get(0));
            assertSameAsReference(item.text(), known, "leak corpus message " + i);
            for (String segment : item.text().split("\r")) {
                assertSameAsReference(segment, known, "a segment of leak corpus message " + i);
            }
        }
    }

    @Test
    void sameReplacementsOnRandomMixtures() {
        Random random = new Random(4711L);
        List<String> fragments = TextScrubberEquivalenceTest.FRAGMENTS;
        String[] separators = {" ", "", "-", ".", "(", ")", "/", ",", "x", "[", "]", "_", "\u00e9", "  "};
        for (int n = 0; n < 5_000; n++) {
            KnownIdentifiers known = new KnownIdentifiers();
            for (int k = random.nextInt(12); k > 0; k--) {
                String value = random.nextBoolean() ? VALUES.get(random.nextInt(VALUES.size()))
                        : fragments.get(random.nextInt(fragments.size()));
                switch (random.nextInt(4)) {
                    case 0 -> known.addIdentifier(value);
                    case 1 -> known.addRaw(value + "^" + VALUES.get(random.nextInt(VALUES.size())), "^~&");
                    default -> known.add(value);
                }
            }
            if (random.nextInt(4) == 0) {
                known.addDate("19340215");
            }
            StringBuilder text = new StringBuilder();
            for (int k = 1 + random.nextInt(8); k > 0; k--) {
                String value = random.nextBoolean() ? VALUES.get(random.nextInt(VALUES.size()))
                        : fragments.get(random.nextInt(fragments.size()));
                text.append(random.nextInt(3) == 0 ? value.toUpperCase() : value);
                text.append(separators[random.nextInt(separators.length)]);
            }
            assertSameAsReference(text.toString(), known, text.toString());
        }
    }

    @Test
    void sameKindsAsBefore() {
        Random random = new Random(5L);
        String alphabet = "0123456789()+ .-@aZ\u00e9\u0663";
        for (String value : VALUES) {
            assertThat(KnownIdentifiers.kindOf(value)).as(value).isEqualTo(ReferenceTextScrubber.kindOf(value));
        }
        for (int n = 0; n < 20_000; n++) {
            char[] chars = new char[1 + random.nextInt(16)];
            for (int i = 0; i < chars.length; i++) {
                chars[i] = alphabet.charAt(random.nextInt(alphabet.length()));
            }
            String value = new String(chars);
            assertThat(KnownIdentifiers.kindOf(value)).as(value).isEqualTo(ReferenceTextScrubber.kindOf(value));
        }
    }

    /** @param where the text for made-up mixtures; only a name for seeded PHI (test output is a log too) */
    private static void assertSameAsReference(String text, KnownIdentifiers known, String where) {
        DeidChanges expectedChanges = new DeidChanges();
        DeidChanges actualChanges = new DeidChanges();
        String expected = ReferenceTextScrubber.replaceKnown(text, known, expectedChanges);
        String actual = known.replaceIn(text, actualChanges);
        if (!actual.equals(expected)) {
            throw new AssertionError("known values replaced differently from the reference in " + where);
        }
        assertThat(actualChanges.counts()).as("counts in %s", where).isEqualTo(expectedChanges.counts());
    }
}
