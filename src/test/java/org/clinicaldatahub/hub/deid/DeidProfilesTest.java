package org.clinicaldatahub.hub.deid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped profiles load; every kind of mistake in a profile is reported as file:line. */
class DeidProfilesTest {

    @TempDir
    Path dir;

    @Test
    void shippedProfilesLoadAndExtendSafeHarbor() {
        DeidProfiles profiles = DeidTestSupport.profiles();
        assertThat(profiles.names()).contains("safe-harbor", "limited-data-set", "safe-harbor-strict", "date-shift");
        DeidProfile safeHarbor = profiles.get("safe-harbor");
        assertThat(safeHarbor.restrictedZip3()).hasSize(19).contains("036", "205", "369", "893");
        assertThat(safeHarbor.unknownSegments()).isEqualTo(DeidAction.REMOVE);
        assertThat(safeHarbor.hl7Rules().get("PID-5").action()).isEqualTo(DeidAction.REMOVE);
        DeidProfile lds = profiles.get("limited-data-set");
        assertThat(lds.hl7Rules().get("PID-7").action()).isEqualTo(DeidAction.KEEP);
        assertThat(lds.hl7Rules().get("PID-5").action()).isEqualTo(DeidAction.REMOVE);
        assertThat(profiles.get("safe-harbor-strict").unknownSegments()).isEqualTo(DeidAction.REJECT);
        assertThat(profiles.get("date-shift").dateShift()).isTrue();
        assertThatThrownBy(() -> profiles.get("nope")).hasMessageContaining("known: date-shift");
    }

    @Test
    void everyMistakeIsReportedWithFileAndLine() throws Exception {
        Files.copy(Path.of("mappings/deid/hipaa-restricted-zip3.csv"), dir.resolve("hipaa-restricted-zip3.csv"));
        Files.writeString(dir.resolve("broken.yaml"), """
                profile: broken
                version: "1"
                colour: blue
                settings:
                  ageCap: ninety
                  restrictedZip3: hipaa-restricted-zip3.csv
                  restrictedZip3Lists: [no_such_column]
                hl7:
                  unknownSegments: drop
                  rules:
                    PID-5: obliterate
                    PDX-3: remove
                    PID-99: remove
                    PID: scrub-text
                    OBX-5:
                      by: PID-2
                      cases: {TX: scrub-text}
                    pid-3: remove
                fhir:
                  rules:
                    Patient.nickname: remove
                    Bogus: remove
                    Identifier: {by: colour, cases: {}, otherwise: remove}
                """);
        assertThatThrownBy(() -> DeidProfiles.load(dir)).isInstanceOf(InvalidDeidProfileException.class)
                .hasMessageContaining("broken.yaml:3: profile file: unknown setting 'colour'")
                .hasMessageContaining("broken.yaml:5: ageCap must be a whole number")
                .hasMessageContaining("broken.yaml:6: restrictedZip3 'hipaa-restricted-zip3.csv' cannot be used")
                .hasMessageContaining("broken.yaml:9: hl7.unknownSegments must be remove, keep or reject, was 'drop'")
                .hasMessageContaining("broken.yaml:11: PID-5: unknown action 'obliterate'")
                .hasMessageContaining("broken.yaml:12: hl7 path 'PDX-3': no HL7 v2 segment is called PDX")
                .hasMessageContaining("broken.yaml:13: hl7 path 'PID-99': PID has fields 1 to")
                .hasMessageContaining("broken.yaml:14: PID: a segment takes keep or remove")
                .hasMessageContaining("broken.yaml:16: OBX-5: by must name a field or component of the same segment")
                .hasMessageContaining("broken.yaml:16: OBX-5: a rule with by needs otherwise")
                .hasMessageContaining("broken.yaml:18: hl7 path 'pid-3'")
                .hasMessageContaining("broken.yaml:21: fhir path 'Patient.nickname': 'Patient' has no element 'nickname'")
                .hasMessageContaining("broken.yaml:22: fhir path 'Bogus': 'Bogus' is neither an R4 resource nor an R4 datatype")
                .hasMessageContaining("broken.yaml:23: Identifier: by must be one of");
    }

    @Test
    void aProfileMustBeNamedLikeItsFileAndCannotExtendItself() throws Exception {
        Files.copy(Path.of("mappings/deid/hipaa-restricted-zip3.csv"), dir.resolve("hipaa-restricted-zip3.csv"));
        Files.writeString(dir.resolve("one.yaml"), "profile: two\nversion: \"1\"\nextends: one\n");
        assertThatThrownBy(() -> DeidProfiles.load(dir)).hasMessageContaining("one.yaml:1: profile 'two' must be named like its file")
                .hasMessageContaining("extends itself");
    }
}
