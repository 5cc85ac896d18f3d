package org.clinicaldatahub.hub.terminology.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Segment structure of an ER7 message, and that only what was written changes in the text. */
class Er7MessageTest {

    private static final String MSH = "MSH|^~\\&|LAB|NORTH|HUB|HUB|20261122||ORU^R01|M1|P|2.5.1";

    static Stream<Arguments> terminators() {
        return Stream.of(
                arguments("CR", "\r"),
                arguments("CR LF", "\r\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("terminators")
    void onlyTheWrittenSegmentChangesWhateverTheTerminator(String name, String end) {
        String text = MSH + end + "PID|1||P1^^^NORTH^MR||DOE^JANE  ||" + end + "OBX|1|NM|GLU^Glucose^L||5.4" + end
                + "NTE|1||free \\T\\ text|" + end;
        Er7Message message = Er7Message.parse(text);
        assertThat(names(message)).containsExactly("MSH", "PID", "OBX", "NTE");
        message.segment(2).set(3, 0, 4, 1, "2345-7");
        assertThat(message.text()).isEqualTo(MSH + end + "PID|1||P1^^^NORTH^MR||DOE^JANE  ||" + end
                + "OBX|1|NM|GLU^Glucose^L^2345-7||5.4" + end + "NTE|1||free \\T\\ text|" + end);
    }

    @Test
    void aMessageNothingWasWrittenToIsTheTextReceived() {
        String text = MSH + "\rOBX|1|NM|GLU^Glucose^L\r";
        Er7Message message = Er7Message.parse(text);
        message.segment(1).get(3, 0, 1, 1);
        assertThat(message.text()).isSameAs(text);
    }

    @Test
    void blankLinesAndWhitespaceAroundSegmentsAreSkippedAndKept() {
        String text = MSH + "\r\r \rOBX|1|NM|A\r\n\n  OBX|2|NM|B  \r";
        Er7Message message = Er7Message.parse(text);
        assertThat(names(message)).containsExactly("MSH", "OBX", "OBX");
        assertThat(message.segment(2).get(3, 0, 1, 1)).isEqualTo("B");
        message.segment(2).set(3, 0, 2, 1, "b");
        assertThat(message.text()).isEqualTo(MSH + "\r\r \rOBX|1|NM|A\r\n\n  OBX|2|NM|B^b  \r");
    }

    @Test
    void aLastSegmentWithoutTerminatorAndSeveralWrites() {
        Er7Message message = Er7Message.parse(MSH + "\rOBR|1|||P^Panel^L\rOBX|1|NM|A");
        message.segment(1).set(4, 0, 4, 1, "24323-8");
        message.segment(2).set(3, 0, 4, 1, "X");
        assertThat(message.text()).isEqualTo(MSH + "\rOBR|1|||P^Panel^L^24323-8\rOBX|1|NM|A^^^X");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2.5.1", "2.5^USA", "2.8~2.7"})
    void versionIsTheFirstComponentOfMsh12(String version) {
        String expected = version.substring(0, version.matches("2\\.5\\.1") ? 5 : 3);
        assertThat(Er7Message.parse("MSH|^~\\&|A|B|C|D|2026||ADT^A08|1|P|" + version + "\r").version()).isEqualTo(expected);
    }

    @Test
    void noVersionIsEmpty() {
        assertThat(Er7Message.parse("MSH|^~\\&|A|B|C|D|2026||ADT^A08|1|P\r").version()).isEmpty();
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                arguments("no MSH", "PID|1||SECRET\r"),
                arguments("whitespace before MSH", " MSH|^~\\&|A|B\r"),
                arguments("only MSH-1", "MSH|"),
                arguments("one encoding character", "MSH|^|A|B\r"),
                arguments("a letter as field separator", "MSHX^~\\&XAXB\r"),
                arguments("no field after MSH-2", "MSH|^~\\&\r"),
                arguments("a segment end inside MSH-2", "MSH|^~\r|A|B\r"),
                arguments("a four-letter segment", MSH + "\rOBXX|1\r"),
                arguments("a two-letter segment", MSH + "\rOB|1\r"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void refusesWhatIsNotEr7WithoutQuotingIt(String name, String text) {
        assertThatThrownBy(() -> Er7Message.parse(text)).isInstanceOf(Er7FormatException.class)
                .hasMessageNotContaining("SECRET").hasMessageNotContaining("OBXX");
    }

    private static List<String> names(Er7Message message) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < message.segmentCount(); i++) {
            names.add(message.segmentName(i));
        }
        return names;
    }
}
