package org.clinicaldatahub.hub.terminology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.Segment;
import ca.uhn.hl7v2.parser.Parser;
import ca.uhn.hl7v2.util.Terser;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.Procedure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Behaviour of the mapper beyond the golden cases: other segments, old versions, re-runs, other FHIR elements, bad input. */
class TerminologyMapperTest {

    private static TerminologyTestSupport terminology;
    private static final Parser HL7 = TerminologyTestSupport.hl7Parser();

    @BeforeAll
    static void start() {
        terminology = TerminologyTestSupport.shipped().start();
    }

    @AfterAll
    static void stop() {
        terminology.stop();
    }

    @Test
    void problemSegmentGetsSnomedCtAsAlternateIdentifier() throws Exception {
        Message message = HL7.parse("MSH|^~\\&|EHR|NORTH|HUB|HUB|20261122||PPR^PC1|P1|P|2.5\r"
                + "PID|1||PAT9^^^NORTH\r"
                + "PRB|AD|20261122|DM2^Diabetes type 2^99PRB|1\r");
        MappingReport report = terminology.mapper.mapHl7(message);
        Segment prb = (Segment) message.get("PRB");
        assertThat(Terser.get(prb, 3, 0, 4, 1)).isEqualTo("44054006");
        assertThat(Terser.get(prb, 3, 0, 5, 1)).isEqualTo("Diabetes mellitus type 2");
        assertThat(Terser.get(prb, 3, 0, 6, 1)).isEqualTo("SCT");
        assertThat(Terser.get(prb, 3, 0, 1, 1)).isEqualTo("DM2");
        assertThat(report.count(MappingOutcome.MAPPED)).isEqualTo(1);
    }

    @Test
    void oldVersionFeedsAndRepeatedFieldsAreMappedAndASecondRunAddsNothing() throws Exception {
        // v2.2 DG1 with a repeated field is unusual but legal in the generic model; each repetition is its own value
        String text = "MSH|^~\\&|OLD|NORTH|HUB|HUB|198901011200||ADT^A08|O1|P|2.2\r"
                + "PID|1||OLD1\r"
                + "DG1|1|I9|250.00^DM^I9~001.0^Cholera^I9|||F\r";
        Message message = HL7.parse(text);
        MappingReport first = terminology.mapper.mapHl7(message);
        assertThat(first.count(MappingOutcome.MAPPED)).isEqualTo(2);
        Segment dg1 = (Segment) message.get("DG1");
        assertThat(Terser.get(dg1, 3, 1, 4, 1)).isEqualTo("A00.0");
        assertThat(first.results()).extracting(MappingReport.FieldResult::location).containsExactly("DG1[1]-3(1)", "DG1[1]-3(2)");
        String once = HL7.encode(message);
        MappingReport second = terminology.mapper.mapHl7(message);
        assertThat(HL7.encode(message)).isEqualTo(once);
        assertThat(second.count(MappingOutcome.ALREADY_PRESENT)).isEqualTo(2);
        assertThat(second.reportedCount()).isZero();
    }

    @Test
    void v22BareDiagnosisCodeTakesItsCodingSystemFromTheCodingMethodField() throws Exception {
        Message message = HL7.parse("MSH|^~\\&|OLD|NORTH|HUB|HUB|198901011200||ADT^A08|O2|P|2.1\r"
                + "DG1|1|I9|25000|DIABETES MELLITUS\r");
        MappingReport report = terminology.mapper.mapHl7(message);
        Segment dg1 = (Segment) message.get("DG1");
        assertThat(Terser.get(dg1, 3, 0, 1, 1)).isEqualTo("25000");
        assertThat(Terser.get(dg1, 3, 0, 4, 1)).isEqualTo("E11.9");
        assertThat(report.summary()).contains("gem=10000");
    }

    @Test
    void escapedCharactersInDisplaysSurviveTheRoundTrip() throws Exception {
        Message message = HL7.parse("MSH|^~\\&|LAB|NORTH|HUB|HUB|20261122||ORU^R01|E1|P|2.5.1\r"
                + "OBX|1|NM|HBA1C^HbA1c \\T\\ ratio^L||40|mmol/mol\r");
        terminology.mapper.mapHl7(message);
        Message again = HL7.parse(HL7.encode(message));
        Segment obx = (Segment) again.get("OBX");
        assertThat(Terser.get(obx, 3, 0, 2, 1)).isEqualTo("HbA1c & ratio");
        assertThat(Terser.get(obx, 3, 0, 5, 1)).isEqualTo("Hemoglobin A1c/Hemoglobin.total in Blood");
    }

    @Test
    void procedureAndMedicationStatementElementsAreBound() {
        Procedure procedure = new Procedure();
        procedure.setCode(new CodeableConcept(new Coding("http://snomed.info/sct", "80146002", "Appendectomy")));
        MappingReport procedureReport = terminology.mapper.mapFhir(procedure, "TEST");
        assertThat(procedureReport.results()).extracting(MappingReport.FieldResult::location, MappingReport.FieldResult::outcome)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("Procedure.code", MappingOutcome.STANDARD));

        MedicationStatement statement = new MedicationStatement();
        statement.setMedication(new CodeableConcept(new Coding("urn:local:pharmacy", "MET500", "Metformin 500")));
        MappingReport medication = terminology.mapper.mapFhir(statement, "TEST");
        assertThat(medication.results()).extracting(MappingReport.FieldResult::location, MappingReport.FieldResult::outcome)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("MedicationStatement.medicationCodeableConcept", MappingOutcome.UNMAPPED));
        assertThat(statement.getMedicationCodeableConcept().getCoding()).hasSize(1);
    }

    @Test
    void fhirXmlStaysXmlAndUnchangedBodiesAreNotReEncoded() throws Exception {
        String xml = "<Observation xmlns=\"http://hl7.org/fhir\"><status value=\"final\"/><code><coding>"
                + "<system value=\"http://north-hospital.example.org/fhir/CodeSystem/lab\"/><code value=\"K\"/></coding></code></Observation>";
        Exchange exchange = exchange(xml);
        terminology.mapTerminology.process(exchange);
        String out = exchange.getMessage().getBody(String.class);
        assertThat(out).startsWith("<Observation").contains("2823-3");
        assertThat(FhirContext.forR4Cached().newXmlParser().parseResource(out)).isNotNull();

        String untouched = "MSH|^~\\&|LAB|NORTH|HUB|HUB|20261122||ORU^R01|U1|P|2.5.1\rOBX|1|NM|XYZ^Unknown^L||1|U||N|||F|||||||\r";
        Exchange same = exchange(untouched);
        terminology.mapTerminology.process(same);
        assertThat(same.getMessage().getBody(String.class)).as("no code added: the body is left byte for byte").isSameAs(untouched);
        assertThat(same.getMessage().getHeader(TerminologyHeaders.UNMAPPED_COUNT, Long.class)).isEqualTo(1L);
    }

    @Test
    void hl7WithoutABoundSegmentIsNotParsedAndLeftByteForByte() throws Exception {
        // version 9.9 would not parse: no bound segment (OBX, OBR, DG1, PRB, AL1), so no parse is tried
        String text = "MSH|^~\\&|ADT|NORTH|HUB|HUB|20261122||ADT^A08|N1|P|9.9\rPID|1||4711^^^HOSP^MR||DOE^JOHN\rPV1|1|I\r";
        Exchange exchange = exchange(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        terminology.mapTerminology.process(exchange);
        assertThat(new String(exchange.getMessage().getBody(byte[].class), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(text);
        assertThat(exchange.getMessage().getHeader(TerminologyHeaders.MAPPED_COUNT, Long.class)).isZero();
        assertThat(exchange.getMessage().getHeader(TerminologyHeaders.UNMAPPED_COUNT, Long.class)).isZero();
        assertThat(terminology.mapper.hasBoundHl7Segment(text)).isFalse();
        assertThat(terminology.mapper.hasBoundHl7Segment(text + "DG1|1||I10^Hypertension^I10\r")).isTrue();
    }

    @Test
    void aBodyThatIsNeitherHl7NorFhirFailsTheExchangeWithoutEchoingIt() {
        Exchange exchange = exchange("PID|1||SECRET-ID||DOE^JOHN");
        assertThatThrownBy(() -> terminology.mapTerminology.process(exchange)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("SECRET").hasMessageNotContaining("DOE");
    }

    @Test
    void unparseableHl7OrFhirFailsWithoutQuotingTheContent() {
        Exchange hl7 = exchange("MSH|^~\\&|LAB|NORTH|HUB|HUB|20261122||ORU^R01|B1|P|9.9\rPID|1||SECRET-ID||DOE^JOHN\r"
                + "OBX|1|NM|XYZ^Unknown^L||1\r");
        assertThatThrownBy(() -> terminology.mapTerminology.process(hl7)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("SECRET").hasMessageNotContaining("DOE");
        Exchange fhir = exchange("{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"DOE-SECRET\"}],\"birthDate\":\"not-a-date DOE\"}");
        assertThatThrownBy(() -> terminology.mapTerminology.process(fhir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("SECRET").hasMessageNotContaining("DOE");
    }

    private static Exchange exchange(Object body) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setBody(body);
        return exchange;
    }
}
