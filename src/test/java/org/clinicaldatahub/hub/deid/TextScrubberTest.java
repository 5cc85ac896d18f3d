package org.clinicaldatahub.hub.deid;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What the free-text patterns catch, category by category, and what they do not (the last rows of
 * each group): the documented limits of scrubbing (docs/deidentification.md).
 */
class TextScrubberTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', quoteCharacter = '`', value = {
        // phone and fax
        "call (217) 555-0142 today;call [PHONE] today",
        "call 217-555-0142;call [PHONE]",
        "call 217.555.0142;call [PHONE]",
        "call +1 217 555 0142;call [PHONE]",
        "call 1-800-555-1234;call [PHONE]",
        "fax 217 555 0142;fax [PHONE]",
        "call 2175550142;call [ID]",
        "ext 555-0142;ext 555-0142",
        // SSN with and without dashes
        "SSN 123-45-6789;SSN [SSN]",
        "SSN 123 45 6789;SSN [SSN]",
        "ssn 123456789;ssn [ID]",
        "code 123-45-67890;code 123-45-67890",
        // e-mail
        "mail John.Doe@Example.com now;mail [EMAIL] now",
        "mail j_o+x@mail.example.co.uk;mail [EMAIL]",
        "user@localhost;user@localhost",
        // URL, any case
        "see https://portal.example.org/p/4711?x=1 ok;see [URL] ok",
        "see HTTP://EXAMPLE.COM;see [URL]",
        "see www.example.org/x;see [URL]",
        "see ftp://files.example.org;see [URL]",
        // IPv4 and IPv6
        "from 192.168.10.24;from [IP]",
        "from fe80::1ff:fe23:4567:890a;from [IP]",
        "from 2001:db8::1;from [IP]",
        "version 1.2.3;version 1.2.3",
        // dates and times in common formats
        "on 2026-03-14;on [DATE]",
        "on 2026-03-14T08:30:00Z;on [DATE]",
        "on 03/14/2026;on [DATE]",
        "on 3/4/26;on [DATE]",
        "on 14.03.2026;on [DATE]",
        "on March 14, 2026;on [DATE]",
        "on 14th of March 2026;on [DATE]",
        "in Mar. 2026;in [DATE]",
        "on Sept 3rd;on [DATE]",
        "on dec 25;on [DATE]",
        "born 19340215;born [DATE]",
        "at 3:45 PM;at [DATE]",
        // labelled and MRN-like numbers: the label stays
        "MRN: 4711AB;MRN: [ID]",
        "MR# 12345;MR# [ID]",
        "mrn 4711;mrn [ID]",
        "Medical record number 99-887;Medical record number [ID]",
        "S/N AB12-34;S/N [ID]",
        "license no. D1234567;license no. [ID]",
        "VIN 1HGCM82633A004352;VIN [ID]",
        "ref AB1234567;ref [ID]",
        "ref ZQ-1234-AB99;ref [ID]",
        "code 12345;code 12345",
        // names after a title or a relation, next to punctuation
        "Mr. Smith came;[NAME] came",
        "Dr Jane Doe;[NAME]",
        "Mrs O'Neil-Smith;[NAME]",
        "wife Marge called;wife [NAME] called",
        "Pt John Doe;Pt [NAME]",
        "(patient Ann);(patient [NAME])",
        "Wife marge called;Wife marge called",
        "seen by dr. House;seen by dr. House",
        // addresses
        "742 Evergreen Terrace, Apt 2B;[ADDRESS]",
        "12 Main St.;[ADDRESS]",
        "P.O. Box 123;[ADDRESS]",
        "po box 77;[ADDRESS]",
        // ages over 89
        "92 years old;[AGE 90+] years old",
        "101 yo;[AGE 90+] yo",
        "age 92y/o;age [AGE 90+]y/o",
        "89 yrs old;89 yrs old",
    })
    void scrubsPatternLikeIdentifiers(String text, String expected) {
        DeidChanges changes = new DeidChanges();
        assertThat(TextScrubber.scrub(text, new KnownIdentifiers(), changes)).isEqualTo(expected);
        assertThat(changes.total()).isEqualTo(expected.equals(text) ? 0 : (int) expected.chars().filter(c -> c == '[').count());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
        "(Johnathan);([NAME])",
        "JOHNATHAN, then;[NAME], then",
        "johnathan's wife;[NAME]'s wife",
        "Johnathans;Johnathans",
        "Johnathan ZZTESTPATIENT came;[NAME] [NAME] came",
        "call (217)555-0142 or 1-217-555-0142;call [PHONE] or [PHONE]",
        "id 4711.;id [ID].",
        "ref 47110 x4711;ref 47110 x4711",
        "born 2/15/34;born [DATE]",
        "lives at 742 evergreen terrace;lives at [ADDRESS]",
        "Springfield's;[NAME]'s",
        "Quincyville;Quincyville",
    })
    void scrubsThePatientsKnownIdentifiersCaseInsensitivelyOnWordBoundaries(String text, String expected) {
        KnownIdentifiers known = new KnownIdentifiers();
        known.addRaw("ZZTESTPATIENT^Johnathan^Quincy", "^~&");
        known.addRaw("^PRN^PH^^1^217^5550142", "^~&");
        known.addIdentifier("4711");
        known.addDate("19340215");
        known.add("742 Evergreen Terrace");
        known.add("Springfield");
        assertThat(TextScrubber.scrub(text, known, new DeidChanges())).isEqualTo(expected);
    }
}
