package org.clinicaldatahub.hub.deid;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Must show 4, table-driven, through the whole HL7 and FHIR de-identifiers under the shipped
 * profiles (reference date 2026-12-05): ages over 89, restricted ZIP3 prefixes and dates follow
 * the profile exactly.
 */
class DeidRulesTableTest {

    private static final DeidProfiles PROFILES = DeidTestSupport.profiles();

    private static String hl7(String profile, String pid7, String pid11zip, String obxAge, String msh7) {
        String message = "MSH|^~\\&|A|B|C|D|" + msh7 + "||ORU^R01^ORU_R01|C1|P|2.5.1\r"
                + "PID|1||4711^^^HOSP^MR||ZZTEST^Pat||" + pid7 + "|F|||1 Main St^^Town^ST^" + pid11zip + "\r"
                + "OBX|1|NM|30525-0^Age^LN||" + obxAge + "|a^year^UCUM|||||F\r";
        return DeidTestSupport.hl7().deidentify(message, PROFILES.get(profile)).text();
    }

    private static String field(String message, String segment, int field) {
        for (String line : message.split("\r")) {
            if (line.startsWith(segment + "|")) {
                String[] fields = line.split("\\|", -1);
                int index = segment.equals("MSH") ? field - 1 : field;
                return index < fields.length ? fields[index] : "";
            }
        }
        return null;
    }

    @ParameterizedTest(name = "birth {0} -> PID-7 {1}")
    @CsvSource({
        "19900101, 1990",
        "19370615, 1937",   // 89 in 2026: kept
        "19361205, 1936",   // 90 in 2026: the category "90 or older" is 1936
        "19310101, 1936",   // 95: folded
        "18991231, 1936",   // 126: folded
        "1930, 1936",       // year only, folded
        "198706, 1987",     // month precision: year
        "not-a-date, ''",   // unreadable: removed
    })
    void birthDatesKeepTheYearAndFoldAgesOver89(String birth, String expected) {
        assertThat(field(hl7("safe-harbor", birth, "62704", "40", "20260314"), "PID", 7)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "age {0} -> {1}")
    @CsvSource({"0, 0", "45, 45", "89, 89", "89.9, 90", "90, 90", "91, 90", "104, 90", "abc, ''"})
    void agesOver89AreReportedAs90(String age, String expected) {
        String out = hl7("safe-harbor", "19900101", "62704", age, "20260314");
        String obx5 = field(out, "OBX", 5);
        assertThat(obx5).isEqualTo(expected);
    }

    @ParameterizedTest(name = "ZIP {0} -> {1}")
    @CsvSource({
        "62704, 627", "62704-1234, 627", "02138, 021", "036, 000", "03601, 000", "05901, 000", "06390, 000",
        "10201, 000", "20301, 000", "20501, 000", "36901, 000", "55601, 000", "69201, 000", "79001, 000",
        "82101, 000", "82301, 000", "83001, 000", "83101, 000", "87801, 000", "87901, 000", "88401, 000",
        "89001, 000", "89301, 000", "1234, 000", "12, 000", "ABCDE, 000", "89101, 891",
    })
    void zipCodesBecomeZip3Or000ForRestrictedPrefixes(String zip, String expected) {
        String out = hl7("safe-harbor", "19900101", zip, "40", "20260314");
        assertThat(field(out, "PID", 11)).isEqualTo("^^^ST^" + expected);
    }

    @ParameterizedTest(name = "MSH-7 {0} -> {1} (safe-harbor), {2} (limited-data-set)")
    @CsvSource({
        "2026, 2026, 2026",
        "202603, 2026, 202603",
        "20260314, 2026, 20260314",
        "202603140830, 2026, 202603140830",
        "20260314083015.1234+0100, 2026, 20260314083015.1234+0100",
    })
    void datesKeepOnlyTheYearUnderSafeHarborAndStayUnderTheLimitedDataSet(String msh7, String safeHarbor, String lds) {
        assertThat(field(hl7("safe-harbor", "19900101", "62704", "40", msh7), "MSH", 7)).isEqualTo(safeHarbor);
        assertThat(field(hl7("limited-data-set", "19900101", "62704", "40", msh7), "MSH", 7)).isEqualTo(lds);
    }

    @ParameterizedTest(name = "limited data set keeps ZIP {0} and birth {1}")
    @CsvSource({"62704, 19310101", "03601, 19900101"})
    void limitedDataSetKeepsZip5AndBirthDate(String zip, String birth) {
        String out = hl7("limited-data-set", birth, zip, "95", "20260314");
        assertThat(field(out, "PID", 11)).isEqualTo("^^Town^ST^" + zip);
        assertThat(field(out, "PID", 7)).isEqualTo(birth);
        assertThat(field(out, "PID", 5)).isEmpty();
    }

    @ParameterizedTest(name = "FHIR {0} {1} -> {2}")
    @CsvSource({
        "birthDate, 1990-01-01, 1990",
        "birthDate, 1931-01-01, 1936",
        "birthDate, 1937-06-15, 1937",
        "deceasedDateTime, 2026-03-14T08:30:00+00:00, 2026",
    })
    void fhirDatesFollowTheSameRules(String element, String value, String expected) {
        String json = "{\"resourceType\":\"Patient\",\"identifier\":[{\"value\":\"4711\"}],\"" + element + "\":\"" + value
                + "\",\"address\":[{\"postalCode\":\"03601\"}]}";
        String out = new FhirDeidentifier(DeidTestSupport.pseudonymizer(), DeidTestSupport.CLOCK)
                .deidentify(json, PROFILES.get("safe-harbor"), null).text();
        assertThat(out).contains("\"" + element + "\":\"" + expected + "\"").contains("\"postalCode\":\"000\"");
    }
}
