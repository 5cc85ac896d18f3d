package org.clinicaldatahub.hub.deid;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;

import org.junit.jupiter.api.Test;

/**
 * Must show 2, in process: 200 generated HL7 v2 messages (ADT^A01 and ORU^R01) and 50 FHIR Patient
 * resources seeded with fake PHI in every Safe Harbor category, in structured fields and in free
 * text. After safe-harbor de-identification no seeded value appears, case-insensitive and with
 * separators removed; recall per category is printed. (DeidRoutesTest repeats this end to end
 * through Kafka into the research bucket.)
 */
class DeidLeakTest {

    @Test
    void noSeededIdentifierSurvivesSafeHarbor() {
        DeidProfiles profiles = DeidTestSupport.profiles();
        Pseudonymizer pseudonymizer = DeidTestSupport.pseudonymizer();
        Clock clock = DeidTestSupport.CLOCK;
        Deidentifier deidentifier = new Deidentifier(profiles, new Hl7Deidentifier(pseudonymizer, clock),
                new FhirDeidentifier(pseudonymizer, clock), new DeidStatistics(), "test");
        LeakCorpus corpus = new LeakCorpus(20261205L);
        LeakCheck check = new LeakCheck();
        for (int i = 0; i < 200; i++) {
            LeakCorpus.Item item = corpus.hl7(i);
            DeidResult result = deidentifier.deidentify(item.text(), "safe-harbor", item.recordKey());
            check.check(item.seeds(), result.text() + "\n" + result.patientPseudonym() + "\n" + result.changes(),
                    "hl7 message " + i);
        }
        for (int i = 0; i < 50; i++) {
            LeakCorpus.Item item = corpus.fhirPatient(i);
            DeidResult result = deidentifier.deidentify(item.text(), "safe-harbor", item.recordKey());
            check.check(item.seeds(), result.text() + "\n" + result.patientPseudonym(), "fhir patient " + i);
        }
        System.out.println(check.recallReport());
        assertThat(check.leaks()).as("seeded PHI found after de-identification").isEmpty();
    }
}
