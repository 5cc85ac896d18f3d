package org.clinicaldatahub.hub.deid;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/** The shipped profiles, the real keyed pseudonymizer with a test key, and a fixed clock (2026-12-05). */
final class DeidTestSupport {

    static final Path PROFILES = Path.of("mappings/deid");
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-05T10:00:00Z"), ZoneOffset.UTC);
    static final PatientIdIssuers ISSUERS = new PatientIdIssuers("HOSPITAL-MRN",
            Map.of("HOSPITAL-MRN", List.of("HOSP", "MRN", "urn:oid:2.16.840.1.113883.3.9999.1")));

    private DeidTestSupport() {
    }

    static Pseudonymizer pseudonymizer(String key) {
        return new HmacPseudonymizer(key.getBytes(StandardCharsets.UTF_8),
                new PseudonymFormat("P", PseudonymFormat.Alphabet.BASE32, 16), ISSUERS, 365);
    }

    static Pseudonymizer pseudonymizer() {
        return pseudonymizer("unit-test-pseudonym-key-0123456789");
    }

    static DeidProfiles profiles() {
        return DeidProfiles.load(PROFILES);
    }

    static Hl7Deidentifier hl7() {
        return new Hl7Deidentifier(pseudonymizer(), CLOCK);
    }
}
