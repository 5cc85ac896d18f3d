package org.clinicaldatahub.hub.hl7.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PatientKeyTest {

    private static final String MSH = "MSH|^~\\&|LAB|HOSP|HUB|CDH|20240101||ADT^A01|C1|P|2.5\r";

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = ';', nullValues = "NONE", value = {
        "PID|1||MRN1^^^HOSP^MR||DOE^JANE;MRN1",
        "PID|1||MRN2~OTHER^^^X;MRN2",
        "PID|1||MRN3;MRN3",
        "PID|1|EXT|MRN4^^^HOSP^MR~SSN^^^SSA^SS|;MRN4",
        "PID|1||^^^HOSP^MR;NONE",
        "PID|1||  ^^^HOSP;NONE",
        "PID|1|;NONE",
        "PID|1||;NONE",
        "EVN|A01;NONE",
    })
    void theFirstIdOfPid3IsTheKey(String segment, String expected) {
        String text = MSH + "EVN|A01\r" + segment + "\rPV1|1|I\r";
        assertThat(key(text)).isEqualTo(Optional.ofNullable(expected));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
        "MSH#$~\\&#LAB#HOSP#HUB#CDH#20240101##ADT$A01#C1#P#2.3<CR>PID#1##MRN5$$$H~X#;MRN5",
        "MSH|^~\\&|LAB|HOSP|HUB|CDH|20240101||ADT^A01|C1|P|2.5<LF>PID|1||MRN6^^^H<LF>;MRN6",
        "MSH|^~\\&|LAB|HOSP|HUB|CDH|20240101||ADT^A01|C1|P|2.5<CR>PID|1||MRN7;MRN7",
    })
    void delimitersAndLineEndsAreTheMessagesOwn(String text, String expected) {
        assertThat(key(text.replace("<CR>", "\r").replace("<LF>", "\n"))).contains(expected);
    }

    private static Optional<String> key(String text) {
        MshHeader msh = MshHeader.read(text.getBytes(StandardCharsets.ISO_8859_1)).orElseThrow();
        return PatientKey.fromPid3(text, msh);
    }
}
