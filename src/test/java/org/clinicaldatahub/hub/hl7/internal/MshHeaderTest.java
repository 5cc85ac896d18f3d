package org.clinicaldatahub.hub.hl7.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MshHeaderTest {

    private static MshHeader read(String msh) {
        return MshHeader.read((msh + "\rPID|1\r").getBytes(StandardCharsets.US_ASCII)).orElseThrow();
    }

    @Test
    void componentsAreSplitOnTheMessagesOwnSeparator() {
        MshHeader header = read("MSH|^~\\&|LAB|HOSP|HUB|HOSP|20261122||ORU^R01^ORU_R01|C1|P|2.5.1");
        assertThat(header.component(9, 1)).isEqualTo("ORU");
        assertThat(header.component(9, 2)).isEqualTo("R01");
        assertThat(header.component(9, 3)).isEqualTo("ORU_R01");
        assertThat(header.component(9, 4)).isEmpty();
        assertThat(header.component(12, 1)).isEqualTo("2.5.1");
    }

    @Test
    void aSenderMayChooseOtherDelimiters() {
        MshHeader header = read("MSH#$~\\&#LAB#HOSP#HUB#HOSP#20261122##ADT$A01#C2#P#2.3");
        assertThat(header.component(9, 1)).isEqualTo("ADT");
        assertThat(header.component(9, 2)).isEqualTo("A01");
        assertThat(header.component(13, 1)).isEmpty();
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"MSH\rPID|1|x\r", "MSH\nPID|1\r", "MSH", "MSH1|^~\\&|A", "MSH|^\rPID|1"})
    void aLineThatOnlyLooksLikeMshIsNoHeader(String text) {
        assertThat(MshHeader.read(text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1))).isEmpty();
    }
}
