package org.clinicaldatahub.hub.terminology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.Segment;
import ca.uhn.hl7v2.parser.Parser;
import ca.uhn.hl7v2.util.Terser;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.clinicaldatahub.hub.HubHeaders;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Golden cases (must show 1): each {@code fixtures/terminology/<case>/input.*} goes through the
 * {@code mapTerminology} step with the shipped terminology and bindings; the output is compared
 * with {@code expected.*} after parsing both (HAPI v2 generic model; HAPI FHIR R4 deep equality),
 * the {@code hubTerminologyMappings} header with {@code expected-mappings.txt} (equivalences, GEM
 * flags, reported codes), and the original codes must be unchanged. Run with
 * {@code -Dterminology.golden.write=true} to (re)write the expected files, then review the diff.
 */
class TerminologyGoldenFixturesTest {

    private static final Path FIXTURES = Path.of("src/test/resources/fixtures/terminology");
    private static final boolean WRITE = Boolean.getBoolean("terminology.golden.write");
    private static TerminologyTestSupport terminology;
    private static final Parser HL7 = TerminologyTestSupport.hl7Parser();
    private static final FhirContext FHIR = FhirContext.forR4Cached();

    @BeforeAll
    static void start() {
        terminology = TerminologyTestSupport.shipped().start();
    }

    @AfterAll
    static void stop() {
        terminology.stop();
    }

    @ParameterizedTest
    @ValueSource(strings = {"oru-r01-local-lab", "adt-a08-icd9-icd10", "adt-a08-v28-second-alternate"})
    void hl7v2(String name) throws Exception {
        Path dir = FIXTURES.resolve(name);
        String input = Files.readString(dir.resolve("input.hl7")).replace("\n", "\r");
        Exchange exchange = run(input.getBytes(StandardCharsets.ISO_8859_1));
        String output = new String(exchange.getMessage().getBody(byte[].class), StandardCharsets.ISO_8859_1);
        String mappings = exchange.getMessage().getHeader(TerminologyHeaders.MAPPINGS, String.class);
        if (WRITE) {
            Files.writeString(dir.resolve("expected.hl7"), output.replace("\r", "\n"));
            Files.writeString(dir.resolve("expected-mappings.txt"), mappings.replace("; ", "\n") + "\n");
        }
        Message actual = HL7.parse(output);
        Message expected = HL7.parse(Files.readString(dir.resolve("expected.hl7")).replace("\n", "\r"));
        assertThat(segments(actual)).isEqualTo(segments(expected));
        assertThat(mappings.replace("; ", "\n") + "\n").isEqualTo(Files.readString(dir.resolve("expected-mappings.txt")));
        assertOriginalCodesKept(HL7.parse(input), actual);
    }

    @ParameterizedTest
    @ValueSource(strings = {"fhir-observation-local-lab", "fhir-condition-problem-and-icd9"})
    void fhir(String name) throws Exception {
        Path dir = FIXTURES.resolve(name);
        String input = Files.readString(dir.resolve("input.json"));
        Exchange exchange = run(input);
        String output = exchange.getMessage().getBody(String.class);
        String mappings = exchange.getMessage().getHeader(TerminologyHeaders.MAPPINGS, String.class);
        if (WRITE) {
            Files.writeString(dir.resolve("expected.json"),
                    FHIR.newJsonParser().setPrettyPrint(true).encodeResourceToString(FHIR.newJsonParser().parseResource(output)) + "\n");
            Files.writeString(dir.resolve("expected-mappings.txt"), mappings.replace("; ", "\n") + "\n");
        }
        Resource actual = (Resource) FHIR.newJsonParser().parseResource(output);
        Resource expected = (Resource) FHIR.newJsonParser().parseResource(Files.readString(dir.resolve("expected.json")));
        assertThat(actual.equalsDeep((Base) expected)).as("output equals expected.json after parsing:\n" + output).isTrue();
        assertThat(mappings.replace("; ", "\n") + "\n").isEqualTo(Files.readString(dir.resolve("expected-mappings.txt")));
        // every original coding is still there, unchanged and first
        Resource original = (Resource) FHIR.newJsonParser().parseResource(input);
        List<org.hl7.fhir.r4.model.Coding> before = FHIR.newTerser().getAllPopulatedChildElementsOfType(original, org.hl7.fhir.r4.model.Coding.class);
        List<org.hl7.fhir.r4.model.Coding> after = FHIR.newTerser().getAllPopulatedChildElementsOfType(actual, org.hl7.fhir.r4.model.Coding.class);
        for (org.hl7.fhir.r4.model.Coding coding : before) {
            assertThat(after).anySatisfy(c -> assertThat(c.equalsDeep(coding)).isTrue());
        }
    }

    private static Exchange run(Object body) throws Exception {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setBody(body);
        exchange.getMessage().setHeader(HubHeaders.CHARSET, "ISO-8859-1");
        exchange.getMessage().setHeader(HubHeaders.ACTOR, "TEST^NORTH");
        terminology.mapTerminology.process(exchange);
        return exchange;
    }

    private static List<String> segments(Message message) throws Exception {
        return List.of(HL7.encode(message).split("\r"));
    }

    /** Components 1-3 of every bound field are as the sender wrote them. */
    private static void assertOriginalCodesKept(Message input, Message output) throws Exception {
        List<String> before = new ArrayList<>();
        List<String> after = new ArrayList<>();
        for (String line : HL7.encode(input).split("\r")) {
            before.add(firstThreeComponents(line));
        }
        for (String line : HL7.encode(output).split("\r")) {
            after.add(firstThreeComponents(line));
        }
        assertThat(after).isEqualTo(before);
    }

    private static String firstThreeComponents(String segment) {
        String[] fields = segment.split("\\|", -1);
        StringBuilder kept = new StringBuilder();
        for (String field : fields) {
            String[] components = field.split("\\^", -1);
            kept.append(String.join("^", java.util.Arrays.copyOf(components, Math.min(3, components.length)))).append('|');
        }
        return kept.toString();
    }

    static String field(Segment segment, int field, int component) throws Exception {
        return Terser.get(segment, field, 0, component, 1);
    }
}
