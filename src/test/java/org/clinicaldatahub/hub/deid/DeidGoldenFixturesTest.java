package org.clinicaldatahub.hub.deid;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.parser.GenericModelClassFactory;
import ca.uhn.hl7v2.validation.impl.NoValidation;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden cases under fixtures/deid/&lt;case&gt;/: input.hl7 or input.json (synthetic PHI) de-identified
 * under safe-harbor must equal expected.*, compared after parsing both with HAPI (v2: generic model,
 * re-encoded; FHIR: deep equality), so the output is also proven to be well-formed HL7 v2 / FHIR R4.
 * Run with -Ddeid.fixtures.write=true to rewrite the expected files after a deliberate profile change.
 */
class DeidGoldenFixturesTest {

    private static final Path FIXTURES = Path.of("src/test/resources/fixtures/deid");
    private static final boolean WRITE = Boolean.getBoolean("deid.fixtures.write");
    private static final DeidProfile SAFE_HARBOR = DeidTestSupport.profiles().get("safe-harbor");
    /** The FHIR cases run in order, Patient first: later resources' text is scrubbed of the names it gave. */
    private static final RecentPatients RECENT = new RecentPatients(100);

    static Stream<String> hl7Cases() {
        return Stream.of("adt-a01", "adt-a08", "adt-a40", "oru-r01", "mdm-t02", "vxu-v04");
    }

    static Stream<String> fhirCases() {
        return Stream.of("fhir-patient", "fhir-relatedperson", "fhir-observation", "fhir-condition",
                "fhir-diagnosticreport");
    }

    @ParameterizedTest
    @MethodSource("hl7Cases")
    void hl7(String name) throws Exception {
        String input = Files.readString(FIXTURES.resolve(name).resolve("input.hl7"), StandardCharsets.UTF_8);
        String actual = DeidTestSupport.hl7().deidentify(input, SAFE_HARBOR).text();
        Path expectedFile = FIXTURES.resolve(name).resolve("expected.hl7");
        if (WRITE) {
            Files.writeString(expectedFile, actual, StandardCharsets.UTF_8);
        }
        try (HapiContext hapi = new DefaultHapiContext(new GenericModelClassFactory())) {
            hapi.setValidationContext(new NoValidation());
            Message expectedMessage = hapi.getPipeParser().parse(Files.readString(expectedFile, StandardCharsets.UTF_8));
            Message actualMessage = hapi.getPipeParser().parse(actual);
            assertThat(actualMessage.encode()).isEqualTo(expectedMessage.encode());
        }
        assertThat(actual).doesNotContainIgnoringCase("ZZTEST").doesNotContain("555-0142").doesNotContain("123-45-6789")
                .doesNotContain("742 Evergreen").doesNotContain("johnathan.zz@example.com");
    }

    @ParameterizedTest
    @MethodSource("fhirCases")
    void fhir(String name) throws Exception {
        String input = Files.readString(FIXTURES.resolve(name).resolve("input.json"), StandardCharsets.UTF_8);
        String actual = new FhirDeidentifier(DeidTestSupport.pseudonymizer(), DeidTestSupport.CLOCK, RECENT)
                .deidentify(input, SAFE_HARBOR, "Patient/pat-4711").text();
        Path expectedFile = FIXTURES.resolve(name).resolve("expected.json");
        if (WRITE) {
            FhirContext fhir = FhirContext.forR4Cached();
            Files.writeString(expectedFile, fhir.newJsonParser().setPrettyPrint(true)
                    .encodeResourceToString(fhir.newJsonParser().parseResource(actual)), StandardCharsets.UTF_8);
        }
        FhirContext fhir = FhirContext.forR4Cached();
        Resource expectedResource = (Resource) fhir.newJsonParser().parseResource(Files.readString(expectedFile));
        Resource actualResource = (Resource) fhir.newJsonParser().parseResource(actual);
        assertThat(actualResource.equalsDeep(expectedResource))
                .as("de-identified %s equals expected.json after parsing:%n%s", name, actual).isTrue();
        assertThat(actual).doesNotContain("742 Evergreen").doesNotContain("555-0142").doesNotContain("123-45-6789")
                .doesNotContain("johnathan.zz@example.com").doesNotContain("1934-02-15").doesNotContain("ZZTESTPATIENT");
    }
}
