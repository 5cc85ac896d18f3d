package org.clinicaldatahub.hub.terminology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.parser.Parser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * HL7 v2 mapped in the ER7 text ({@link TerminologyMapper#mapHl7(String)}, what the route step
 * does) against the same message mapped in HAPI's model ({@link TerminologyMapper#mapHl7(Message)}):
 * for every case the same report, field by field, and the same message once both are parsed, while
 * the text path leaves every segment it did not write to byte for byte as received.
 */
class Hl7TextMappingTest {

    private static final Parser HL7 = TerminologyTestSupport.hl7Parser();
    private static TerminologyTestSupport terminology;

    @BeforeAll
    static void start() {
        terminology = TerminologyTestSupport.shipped().start();
    }

    @AfterAll
    static void stop() {
        terminology.stop();
    }

    static Stream<Arguments> messages() {
        String lab = "MSH|^~\\&|LAB|NORTH|HUB|HUB|20261122083000||ORU^R01|L1|P|2.5.1\r";
        String adt = "MSH|^~\\&|ADT|NORTH|HUB|HUB|20261122091500||ADT^A08^ADT_A01|A1|P|";
        return Stream.of(
                arguments("local lab codes, some with LOINC already, one unmapped", lab
                        + "PID|1||PAT001^^^NORTH^MR||TESTPATIENT^ALICE\r"
                        + "OBR|1|ORD1|FIL1|PANEL^Basic metabolic panel^L|||20261122080000\r"
                        + "OBX|1|NM|GLU^Glucose^L||5.4|mmol/L|3.9-6.1|N|||F\r"
                        + "OBX|2|NM|2951-2^Sodium^LN||140|mmol/L|135-145|N|||F\r"
                        + "OBX|3|NM|XYZ^Mystery test^L||1|U||N|||F\r"
                        + "OBX|4|NM|HGB^Hemoglobin^L^718-7^Hemoglobin^LN||130|g/L|120-160|N|||F\r"
                        + "NTE|1||Specimen slightly haemolysed\r"),
                arguments("CE v2.5: alternate triplet taken by another system, no second one", adt + "2.5\r"
                        + "DG1|1||250.00^Diabetes^I9CDX^DM^Diabetes^99NORTH|||F\r"),
                arguments("CWE v2.8: second alternate triplet used, then no free slot", adt + "2.8\r"
                        + "DG1|1||250.00^Diabetes mellitus^I9CDX^DM^Diabetes^99NORTH|||F\r"
                        + "DG1|2||401.9^Hypertension^I9CDX^HT^Hypertension^99NORTH^^^I9-ALT^Second^99X|||F\r"),
                arguments("CWE v2.7: standard code already in the second alternate, not added twice", adt + "2.7\r"
                        + "DG1|1||250.00^Diabetes^I9CDX^DM^Diabetes^99NORTH^^^^E11.9^Type 2 diabetes^I10C|||F\r"),
                arguments("v2.2 repeated field, each repetition its own value", "MSH|^~\\&|OLD|NORTH|HUB|HUB|198901011200||ADT^A08|O1|P|2.2\r"
                        + "PID|1||OLD1\rDG1|1|I9|250.00^DM^I9~001.0^Cholera^I9|||F\r"),
                arguments("v2.1 bare code, coding system from DG1-2", "MSH|^~\\&|OLD|NORTH|HUB|HUB|198901011200||ADT^A08|O2|P|2.1\r"
                        + "DG1|1|I9|25000|DIABETES MELLITUS\r"),
                arguments("problem and allergy segments, local problem list", "MSH|^~\\&|EHR|NORTH|HUB|HUB|20261122||PPR^PC1|P1|P|2.5\r"
                        + "PID|1||PAT9^^^NORTH\rPRB|AD|20261122|DM2^Diabetes type 2^99PRB|1\rAL1|1|DA|PCN^Penicillin^99ALG\r"),
                arguments("escape sequences in the original text, padding, trailing empty fields and components", lab
                        + "OBX|1|NM|HBA1C^HbA1c \\T\\ ratio^L^^^||40|mmol/mol|||||\r"),
                arguments("codes with spaces around them", lab + "OBX|1|NM| GLU ^Glucose^ L ||5.4\r"),
                arguments("display holding the component separator of the message", "MSH|/~\\&|LAB|NORTH|HUB|HUB|20261122||ORU/R01|D1|P|2.5.1\r"
                        + "OBX|1|NM|HBA1C/HbA1c/L||40\r"),
                arguments("other delimiters throughout", "MSH#$*/!#LAB#NORTH#HUB#HUB#20261122##ORU$R01#D2#P#2.5.1\r"
                        + "OBX#1#NM#GLU$Glu/T/cose$L*K$Potassium$L##5.4\r"),
                arguments("OBR groups and notes: segments counted per run as HAPI's generic model counts them", lab
                        + "OBR|1|||PANEL^Panel^L\rOBX|1|NM|GLU^Glucose^L||5\rOBX|2|NM|K^Potassium^L||4\rNTE|1||note\r"
                        + "OBX|3|NM|CREA^Creatinine^L||80\rOBR|2|||PANEL2^Panel 2^L\rOBX|1|NM|HGB^Hemoglobin^L||130\r"),
                arguments("CR LF terminators", lab.replace("\r", "\r\n") + "PID|1||P1\r\nOBX|1|NM|K^Potassium^L||4.1\r\n"),
                arguments("nothing to add: every code already standard", lab + "OBX|1|NM|2345-7^Glucose^LN||5.4\r"),
                arguments("bound segment with an empty field", lab + "OBX|1|NM|||5.4\rOBR|1\r"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("messages")
    void theTextPathDoesWhatTheModelPathDoes(String name, String text) throws Exception {
        Message model = HL7.parse(text);
        MappingReport byModel = terminology.mapper.mapHl7(model);

        TerminologyMapper.MappedHl7 byText = terminology.mapper.mapHl7(text);

        assertThat(byText.report().results()).isEqualTo(byModel.results());
        assertThat(byText.report().summary()).isEqualTo(byModel.summary());
        assertThat(HL7.encode(HL7.parse(byText.text()))).isEqualTo(HL7.encode(model));
        if (byText.report().count(MappingOutcome.MAPPED) == 0) {
            assertThat(byText.text()).isSameAs(text);
        }
        List<String> before = segments(text);
        List<String> after = segments(byText.text());
        assertThat(after).hasSameSizeAs(before);
        for (int i = 0; i < before.size(); i++) {
            if (!after.get(i).equals(before.get(i))) {
                String segment = before.get(i).strip().substring(0, 3);
                assertThat(terminology.tables.current().bindings().hl7(segment)).as("only bound segments change").isNotEmpty();
            }
        }
    }

    @Test
    void aSecondRunOverTheTextAddsNothing() {
        String text = "MSH|^~\\&|ADT|NORTH|HUB|HUB|20261122||ADT^A08|R1|P|2.5\rDG1|1||250.00^DM^I9CDX|||F\r";
        TerminologyMapper.MappedHl7 once = terminology.mapper.mapHl7(text);
        TerminologyMapper.MappedHl7 twice = terminology.mapper.mapHl7(once.text());
        assertThat(once.report().count(MappingOutcome.MAPPED)).isEqualTo(1);
        assertThat(twice.text()).isSameAs(once.text());
        assertThat(twice.report().count(MappingOutcome.ALREADY_PRESENT)).isEqualTo(1);
    }

    static Stream<Arguments> refused() {
        String obx = "OBX|1|NM|GLU^Glucose^L||5.4\r";
        return Stream.of(
                arguments("unknown version", "MSH|^~\\&|LAB|NORTH|HUB|HUB|20261122||ORU^R01|B1|P|9.9\rPID|1||SECRET\r" + obx),
                arguments("no version", "MSH|^~\\&|LAB|NORTH|HUB|HUB|20261122||ORU^R01|B2|P\rPID|1||SECRET\r" + obx),
                arguments("a version with spaces", "MSH|^~\\&|LAB|NORTH|HUB|HUB|20261122||ORU^R01|B3|P| 2.5\rPID|1||SECRET\r" + obx),
                arguments("LF only: one segment to HAPI", "MSH|^~\\&|LAB|NORTH|HUB|HUB|20261122||ORU^R01|B4|P|2.5\nPID|1||SECRET\n" + obx),
                arguments("bad segment name", "MSH|^~\\&|LAB|NORTH|HUB|HUB|20261122||ORU^R01|B5|P|2.5\rPIDX|1||SECRET\r" + obx));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void refusesWhatTheHubsParserRefuses(String name, String text) {
        assertThatThrownBy(() -> HL7.parse(text)).as("HAPI refuses it too").isInstanceOf(ca.uhn.hl7v2.HL7Exception.class);
        assertThatThrownBy(() -> terminology.mapper.mapHl7(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("SECRET");
    }

    private static List<String> segments(String text) {
        return new ArrayList<>(List.of(text.split("\r")));
    }
}
