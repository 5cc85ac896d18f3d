package org.clinicaldatahub.hub.hl7.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AckTest {

    @Test
    void readsV25ErrAndMsaFields() {
        String text = "MSH|^~\\&|CDH^cdh.local^DNS|HUB|ADTSYS|SYNTH_GENERAL|20260105120000||ACK^A01^ACK|A77|P|2.5.1^USA\r"
                + "MSA|AE|SYN000000042|Zeichensatz falsch\r"
                + "ERR||PID^1^5|103^Table value not found^HL70357|E||||Unknown charset for Müller\r";
        Ack ack = Ack.parse(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);

        assertThat(ack.code()).isEqualTo("AE");
        assertThat(ack.accepted()).isFalse();
        assertThat(ack.ackedControlId()).isEqualTo("SYN000000042");
        assertThat(ack.textMessage()).isEqualTo("Zeichensatz falsch");
        assertThat(ack.version()).isEqualTo("2.5.1");
        assertThat(ack.sendingApplication()).isEqualTo("CDH");
        assertThat(ack.sendingFacility()).isEqualTo("HUB");
        assertThat(ack.receivingApplication()).isEqualTo("ADTSYS");
        assertThat(ack.receivingFacility()).isEqualTo("SYNTH_GENERAL");
        assertThat(ack.controlId()).isEqualTo("A77");
        assertThat(ack.messageType()).isEqualTo("ACK^A01^ACK");
        assertThat(ack.hasErr()).isTrue();
        assertThat(ack.hasErrText()).isTrue();
        assertThat(ack.errText()).isEqualTo("Table value not found; Unknown charset for Müller");
    }

    @Test
    void readsV23ErrWithCrLfAndOtherDelimiters() {
        String text = "MSH#@~\\&#CDH#HUB#A#B#20260105##ACK#9#P#2.3\r\nMSA#AR#C1\r\nERR#PID@3@@101&Required field missing\r\n";
        Ack ack = Ack.parse(text.getBytes(StandardCharsets.US_ASCII), StandardCharsets.US_ASCII);
        assertThat(ack.code()).isEqualTo("AR");
        assertThat(ack.ackedControlId()).isEqualTo("C1");
        assertThat(ack.version()).isEqualTo("2.3");
        assertThat(ack.errSegments()).hasSize(1);
        assertThat(ack.errText()).isEqualTo("Required field missing");
    }

    @Test
    void errWithCodesOnlyHasNoText() {
        String text = "MSH|^~\\&|CDH|HUB|A|B|||ACK|1|P|2.5\rMSA|AE|C2\rERR||PID^1^3|101|E\r";
        Ack ack = Ack.parse(text.getBytes(StandardCharsets.US_ASCII), StandardCharsets.US_ASCII);
        assertThat(ack.hasErr()).isTrue();
        assertThat(ack.hasErrText()).isFalse();
        Ack none = Ack.parse("MSH|^~\\&|CDH|HUB|A|B|||ACK|1|P|2.5\rMSA|AA|C3\r".getBytes(StandardCharsets.US_ASCII),
                StandardCharsets.US_ASCII);
        assertThat(none.hasErr()).isFalse();
        assertThat(none.errText()).isEmpty();
        assertThat(none.textMessage()).isEmpty();
    }

    @Test
    void rejectsFramesThatAreNoAck() {
        assertThatThrownBy(() -> Ack.parse("hello".getBytes(StandardCharsets.US_ASCII), StandardCharsets.US_ASCII))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Ack.parse("MSH|^~\\&|A\r".getBytes(StandardCharsets.US_ASCII), StandardCharsets.US_ASCII))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
