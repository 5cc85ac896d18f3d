package org.clinicaldatahub.hub.deid;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

/**
 * A record that takes over its patient's earlier values ({@link KnownIdentifiers#addAll} when the
 * merge would only reproduce them) must end up with what the merge itself gives: the same values
 * in the same order, of the same kinds, replaced the same way; and neither side may see the other's
 * later changes.
 */
class KnownIdentifiersSharingTest {

    private static final List<String> VALUES = List.of("Johnathan", "ZZTESTPATIENT", "4711", "MRN4711",
            "742 Evergreen Terrace", "Springfield", "(217) 555-0142", "johnathan.zz@example.com", "ACC-99887766",
            "D1234567", "Marge", "Ann-Marie", "62704", "Smith");
    private static final String TEXT = "Johnathan ZZTESTPATIENT (MRN4711, 4711) of 742 Evergreen Terrace, Springfield 62704,"
            + " tel 217 555 0142, johnathan.zz@example.com, wife Marge, born 02/15/1934, ACC-99887766 D1234567 Smith";

    @Test
    void takingOverGivesWhatTheMergeGives() {
        Random random = new Random(11L);
        int takenOver = 0;
        for (int patient = 0; patient < 300; patient++) {
            List<Consumer<KnownIdentifiers>> record = randomRecord(random);
            KnownIdentifiers earlierShared = null;
            KnownIdentifiers earlierMerged = null;
            for (int message = 0; message < 6; message++) {
                if (random.nextInt(4) == 0) {
                    record = new ArrayList<>(record);
                    record.addAll(randomRecord(random)); // the patient's set changes
                }
                KnownIdentifiers shared = new KnownIdentifiers();
                KnownIdentifiers merged = new KnownIdentifiers();
                record.forEach(op -> op.accept(shared));
                record.forEach(op -> op.accept(merged));
                shared.addAll(earlierShared);
                merged.merge(earlierMerged);
                if (earlierShared != null && shared.entries() == earlierShared.entries()) {
                    takenOver++;
                }
                assertSame(shared, merged);
                int bound = random.nextInt(3) == 0 ? 8 : 200; // RecentPatients keeps 200; 8 cuts some sets short
                earlierShared = shared.bounded(bound);
                earlierMerged = merged.bounded(bound);
                assertSame(earlierShared, earlierMerged);
            }
        }
        assertThat(takenOver).as("records that took over their patient's values").isGreaterThan(100);
    }

    @Test
    void aChangeAfterTakingOverIsNotSeenByTheEarlierRecord() {
        KnownIdentifiers earlier = new KnownIdentifiers();
        earlier.addIdentifier("MRN4711");
        earlier.addRaw("ZZTESTPATIENT^Johnathan", "^~&");
        earlier.entries();
        KnownIdentifiers next = new KnownIdentifiers();
        next.addIdentifier("MRN4711");
        next.addRaw("ZZTESTPATIENT^Johnathan", "^~&");
        next.addAll(earlier);
        assertThat(next.entries()).isSameAs(earlier.entries());

        next.add("Springfield");
        next.addRaw("Marge^Bloggsworth", "^~&");

        assertThat(values(earlier)).containsExactly("ZZTESTPATIENT", "Johnathan", "MRN4711");
        assertThat(values(next)).containsExactly("ZZTESTPATIENT", "Springfield", "Bloggsworth", "Johnathan", "MRN4711",
                "Marge");
    }

    private static List<Consumer<KnownIdentifiers>> randomRecord(Random random) {
        List<Consumer<KnownIdentifiers>> ops = new ArrayList<>();
        for (int k = 1 + random.nextInt(6); k > 0; k--) {
            String value = VALUES.get(random.nextInt(VALUES.size()));
            String other = VALUES.get(random.nextInt(VALUES.size()));
            switch (random.nextInt(5)) {
                case 0 -> ops.add(known -> known.addIdentifier(value));
                case 1 -> ops.add(known -> known.add(value));
                case 2 -> ops.add(known -> known.addDate("19340215"));
                case 3 -> ops.add(known -> known.addRaw(value + "~" + other, "^~&"));
                default -> ops.add(known -> known.addRaw(value + "^" + other + "&217^5550142", "^~&"));
            }
        }
        return ops;
    }

    private static void assertSame(KnownIdentifiers actual, KnownIdentifiers expected) {
        assertThat(actual.entries()).isEqualTo(expected.entries());
        DeidChanges actualChanges = new DeidChanges();
        DeidChanges expectedChanges = new DeidChanges();
        if (!actual.replaceIn(TEXT, actualChanges).equals(expected.replaceIn(TEXT, expectedChanges))) {
            throw new AssertionError("known values replaced differently after taking them over");
        }
        assertThat(actualChanges.counts()).isEqualTo(expectedChanges.counts());
    }

    private static List<String> values(KnownIdentifiers known) {
        return known.entries().stream().map(KnownIdentifiers.Entry::value).toList();
    }
}
