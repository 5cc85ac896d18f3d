package org.clinicaldatahub.hub.deid;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * Must show 3: one patient across 50 HL7 messages and a FHIR Patient gets one pseudonym (HL7
 * assigning authority HOSP and FHIR system urn:oid:...9999.1 are spellings of one issuer in
 * patient-id-issuers); another key gives other pseudonyms; under date-shift every date of one
 * patient moves by the same number of days.
 */
class DeidConsistencyTest {

    private static final DeidProfiles PROFILES = DeidTestSupport.profiles();

    private static String message(int i, String date) {
        return "MSH|^~\\&|A|B|C|D|" + date + "0800||ADT^A08^ADT_A01|C" + i + "|P|2.5.1\r"
                + "EVN|A08|" + date + "0800\r"
                + "PID|1||4711^^^HOSP^MR||ZZTEST^Pat||19600412|F\r"
                + "PV1|1|I|W^1^2||||||||||||||||V" + i + "^^^HOSP^VN|||||||||||||||||||||||||" + date + "0700\r";
    }

    private static String pid3(String message) {
        for (String line : message.split("\r")) {
            if (line.startsWith("PID|")) {
                return line.split("\\|", -1)[3].split("\\^")[0];
            }
        }
        return null;
    }

    @Test
    void onePatientOnePseudonymAcrossMessagesAndStandards() {
        Hl7Deidentifier hl7 = DeidTestSupport.hl7();
        Set<String> pseudonyms = new HashSet<>();
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            DeidResult result = hl7.deidentify(message(i, "202603%02d".formatted(1 + i % 28)), PROFILES.get("safe-harbor"));
            pseudonyms.add(pid3(result.text()));
            keys.add(result.patientPseudonym());
        }
        assertThat(pseudonyms).hasSize(1);
        assertThat(keys).isEqualTo(pseudonyms);
        String pseudonym = pseudonyms.iterator().next();
        assertThat(pseudonym).startsWith("P").doesNotContain("4711");

        String patient = """
                {"resourceType":"Patient","id":"pat-1","identifier":[{"type":{"coding":[{"system":
                "http://terminology.hl7.org/CodeSystem/v2-0203","code":"MR"}]},"system":"urn:oid:2.16.840.1.113883.3.9999.1",
                "value":"4711"}]}""";
        String fhir = new FhirDeidentifier(DeidTestSupport.pseudonymizer(), DeidTestSupport.CLOCK)
                .deidentify(patient, PROFILES.get("safe-harbor"), "Patient/pat-1").text();
        assertThat(fhir).contains("\"value\":\"" + pseudonym + "\"");

        Hl7Deidentifier otherKey = new Hl7Deidentifier(DeidTestSupport.pseudonymizer("another-secret-key-0123456789"),
                DeidTestSupport.CLOCK);
        String other = pid3(otherKey.deidentify(message(0, "20260301"), PROFILES.get("safe-harbor")).text());
        assertThat(other).isNotEqualTo(pseudonym).startsWith("P");
    }

    @Test
    void datesOfOnePatientShiftByOneConstantAmount() {
        Hl7Deidentifier hl7 = DeidTestSupport.hl7();
        DateTimeFormatter day = DateTimeFormatter.BASIC_ISO_DATE;
        Set<Long> shifts = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            LocalDate original = LocalDate.of(2026, 1, 1).plusDays(i * 5L);
            String out = hl7.deidentify(message(i, original.format(day)), PROFILES.get("date-shift")).text();
            for (String line : out.split("\r")) {
                if (line.startsWith("EVN|")) {
                    LocalDate shifted = LocalDate.parse(line.split("\\|")[2].substring(0, 8), day);
                    shifts.add(ChronoUnit.DAYS.between(original, shifted));
                    assertThat(line.split("\\|")[2]).hasSize(12); // precision kept
                }
            }
        }
        assertThat(shifts).hasSize(1);
        long shift = shifts.iterator().next();
        assertThat(shift).isNotZero().isBetween(-365L, 365L);
        assertThat(DeidTestSupport.pseudonymizer().dateShiftDays("4711", "HOSP")).isEqualTo((int) shift);
    }
}
