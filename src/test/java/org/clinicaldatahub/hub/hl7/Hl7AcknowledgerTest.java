package org.clinicaldatahub.hub.hl7;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.util.Terser;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;
import org.clinicaldatahub.hub.hl7.Hl7Rejection.AckCode;
import org.clinicaldatahub.hub.hl7.internal.MshHeader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Hl7AcknowledgerTest {

    private static final HapiContext HAPI = new DefaultHapiContext(ValidationContextFactory.noValidation());

    private static MshHeader msh(String version) {
        String message = "MSH|^~\\&|LAB|NORTH|HUBAPP|HUBFAC|20260101120000||ORU^R01|CTRL42|P|" + version
                + "|||||UNICODE UTF-8\rPID|1||123\r";
        return MshHeader.read(message.getBytes(StandardCharsets.UTF_8)).orElseThrow();
    }

    @ParameterizedTest
    @ValueSource(strings = {"2.1", "2.2", "2.3", "2.3.1", "2.4", "2.5", "2.5.1", "2.6", "2.7", "2.8", "2.8.1"})
    void positiveAckParsesWithHapiInTheMessagesOwnVersion(String version) throws Exception {
        String ack = Hl7Acknowledger.build(msh(version), "AA", null);
        Message parsed = HAPI.getPipeParser().parse(ack);
        Terser terser = new Terser(parsed);
        assertThat(parsed.getVersion()).isEqualTo(version);
        assertThat(terser.get("/MSA-1")).isEqualTo("AA");
        assertThat(terser.get("/MSA-2")).isEqualTo("CTRL42");
        assertThat(terser.get("/MSH-3")).isEqualTo("HUBAPP");
        assertThat(terser.get("/MSH-4")).isEqualTo("HUBFAC");
        assertThat(terser.get("/MSH-5")).isEqualTo("LAB");
        assertThat(terser.get("/MSH-6")).isEqualTo("NORTH");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2.2", "2.4", "2.5", "2.8.1"})
    void negativeAckCarriesAnErrSegmentInTheVersionsLayout(String version) throws Exception {
        Hl7Rejection rejection = new Hl7Rejection("HL7_TYPE_NOT_ALLOWED", AckCode.AR, "200",
                "Message type in MSH-9 is not accepted by this channel");
        String ack = Hl7Acknowledger.build(msh(version), "AR", rejection);
        Message parsed = HAPI.getPipeParser().parse(ack);
        Terser terser = new Terser(parsed);
        assertThat(terser.get("/MSA-1")).isEqualTo("AR");
        assertThat(terser.get("/MSA-2")).isEqualTo("CTRL42");
        if (version.compareTo("2.5") >= 0) {
            assertThat(terser.get("/ERR-3-1")).isEqualTo("200");
            assertThat(terser.get("/ERR-4")).isEqualTo("E");
            assertThat(terser.get("/ERR-8")).contains("not accepted");
        } else {
            assertThat(ack).contains("ERR|^^^200&HL7_TYPE_NOT_ALLOWED&HL70357");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"2.5"})
    void messageWithoutMshIsStillAnswered(String unused) {
        Hl7Rejection rejection = new Hl7Rejection("HL7_NO_MSH", AckCode.AR, "100", "no MSH");
        String ack = Hl7Acknowledger.build(null, "AR", rejection);
        assertThat(ack).startsWith("MSH|^~\\&|").contains("\rMSA|AR||no MSH\r");
    }
}
