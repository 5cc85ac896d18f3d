package org.clinicaldatahub.hub.terminology.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Reading and writing single values of an ER7 segment (HL7 v2.5.1 section 2.5-2.7), case by case:
 * each row is a segment as received, a position, and the value or the segment text expected.
 */
class Er7SegmentTest {

    private static final String MSH = "MSH|^~\\&|LAB|NORTH|HUB|HUB|20261122||ORU^R01|M1|P|2.5.1\r";
    /** Component $, repetition *, escape /, subcomponent ! : none of the defaults. */
    private static final String ODD_MSH = "MSH#$*/!#LAB#NORTH#HUB#HUB#20261122##ORU$R01#M1#P#2.5.1\r";

    static Stream<Arguments> reads() {
        return Stream.of(
                arguments("component 1", MSH, "OBX|1|NM|GLU^Glucose^L", 3, 0, 1, 1, "GLU"),
                arguments("component 2", MSH, "OBX|1|NM|GLU^Glucose^L", 3, 0, 2, 1, "Glucose"),
                arguments("component past the end", MSH, "OBX|1|NM|GLU^Glucose^L", 3, 0, 4, 1, ""),
                arguments("field past the end", MSH, "OBX|1|NM|GLU", 5, 0, 1, 1, ""),
                arguments("second repetition", MSH, "DG1|1||A01^One^I10~B02^Two^I10", 3, 1, 2, 1, "Two"),
                arguments("repetition past the end", MSH, "DG1|1||A01^One^I10", 3, 1, 1, 1, ""),
                arguments("subcomponent 1 of a component with subcomponents", MSH, "OBX|1||GLU&x&y^G", 3, 0, 1, 1, "GLU"),
                arguments("subcomponent 3", MSH, "OBX|1||GLU&x&y^G", 3, 0, 1, 3, "y"),
                arguments("\\F\\", MSH, "OBX|1||C^a\\F\\b", 3, 0, 2, 1, "a|b"),
                arguments("\\S\\", MSH, "OBX|1||C^a\\S\\b", 3, 0, 2, 1, "a^b"),
                arguments("\\T\\", MSH, "OBX|1||C^HbA1c \\T\\ ratio", 3, 0, 2, 1, "HbA1c & ratio"),
                arguments("\\R\\", MSH, "OBX|1||C^a\\R\\b", 3, 0, 2, 1, "a~b"),
                arguments("\\E\\", MSH, "OBX|1||C^a\\E\\b", 3, 0, 2, 1, "a\\b"),
                arguments("formatting and hex escapes stay as written", MSH, "OBX|1||C^\\H\\bold\\N\\ \\X41\\", 3, 0, 2, 1,
                        "\\H\\bold\\N\\ \\X41\\"),
                arguments("delimiter escapes do not split", MSH, "OBX|1||C^a\\S\\b\\R\\c^L", 3, 0, 3, 1, "L"),
                arguments("other delimiters: component", ODD_MSH, "OBX#1#NM#GLU$Glu/S/cose$L", 3, 0, 3, 1, "L"),
                arguments("other delimiters: escapes", ODD_MSH, "OBX#1#NM#GLU$Glu/S/co/T/se/E/", 3, 0, 2, 1, "Glu$co!se/"),
                arguments("other delimiters: repetition and subcomponent", ODD_MSH, "DG1#1##A$a*B!b$c", 3, 1, 1, 2, "b"),
                arguments("other delimiters: default ones are text", ODD_MSH, "OBX#1#NM#A^B~C|D&E\\F", 3, 0, 1, 1, "A^B~C|D&E\\F"),
                arguments("MSH-1 is the field separator", MSH, null, 1, 0, 1, 1, "|"),
                arguments("MSH-2 is read as written", MSH, null, 2, 0, 1, 1, "^~\\&"),
                arguments("MSH-3", MSH, null, 3, 0, 1, 1, "LAB"),
                arguments("MSH-9.2", MSH, null, 9, 0, 2, 1, "R01"),
                arguments("MSH-12", MSH, null, 12, 0, 1, 1, "2.5.1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("reads")
    void reads(String name, String msh, String segment, int field, int rep, int component, int subcomponent, String expected) {
        Er7Segment read = segment == null ? Er7Message.parse(msh).segment(0) : Er7Message.parse(msh + segment + "\r").segment(1);
        assertThat(read.get(field, rep, component, subcomponent)).isEqualTo(expected);
    }

    static Stream<Arguments> repetitions() {
        return Stream.of(
                arguments("one", "DG1|1||A^a^I9", 1),
                arguments("two", "DG1|1||A^a^I9~B^b^I9", 2),
                arguments("a trailing empty repetition is not counted", "DG1|1||A~", 1),
                arguments("only the last one", "DG1|1||A~~", 2),
                arguments("a leading empty one is", "DG1|1||~A", 2),
                arguments("an empty field present", "DG1|1||", 1),
                arguments("a field past the end", "DG1|1", 0),
                arguments("escaped repetition separator", "DG1|1||A\\R\\B", 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("repetitions")
    void countsRepetitions(String name, String segment, int expected) {
        assertThat(Er7Message.parse(MSH + segment + "\r").segment(1).repetitions(3)).isEqualTo(expected);
    }

    static Stream<Arguments> writes() {
        return Stream.of(
                arguments("fewer than 4 components: padded", MSH, "OBX|1|NM|GLU^Glucose^L||5.4", 3, 0, 4, "2345-7",
                        "OBX|1|NM|GLU^Glucose^L^2345-7||5.4"),
                arguments("one component: padded", MSH, "OBX|1|NM|GLU||5.4", 3, 0, 4, "2345-7", "OBX|1|NM|GLU^^^2345-7||5.4"),
                arguments("second alternate of a CWE: padded to 10", MSH, "DG1|1||A^a^I9^B^b^99X", 3, 0, 10, "E11.9",
                        "DG1|1||A^a^I9^B^b^99X^^^^E11.9"),
                arguments("trailing empty components: filled in, not added", MSH, "OBX|1|NM|GLU^G^L^^^|", 3, 0, 4, "X",
                        "OBX|1|NM|GLU^G^L^X^^|"),
                arguments("trailing empty fields kept", MSH, "OBX|1|NM|GLU^G^L||5|||||", 3, 0, 4, "X", "OBX|1|NM|GLU^G^L^X||5|||||"),
                arguments("field past the end: fields added", MSH, "OBX|1", 3, 0, 1, "X", "OBX|1||X"),
                arguments("in the second repetition", MSH, "DG1|1||A^a^I9~B^b^I9|x", 3, 1, 4, "Y", "DG1|1||A^a^I9~B^b^I9^Y|x"),
                arguments("repetition past the end: added", MSH, "DG1|1||A^a^I9", 3, 1, 4, "Y", "DG1|1||A^a^I9~^^^Y"),
                arguments("first repetition leaves the second", MSH, "DG1|1||A~B", 3, 0, 4, "Y", "DG1|1||A^^^Y~B"),
                arguments("other subcomponents kept", MSH, "OBX|1||G^T^L^&old", 3, 0, 4, "X", "OBX|1||G^T^L^X&old"),
                arguments("existing value replaced", MSH, "OBX|1||G^Old text^L", 3, 0, 2, "New", "OBX|1||G^New^L"),
                arguments("delimiters in the value escaped", MSH, "OBX|1||G", 3, 0, 5, "a|b^c&d~e\\f",
                        "OBX|1||G^^^^a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f"),
                arguments("other delimiters: padding and escapes", ODD_MSH, "OBX#1#NM#GLU$G#5", 3, 0, 5, "A1c$1/2 ratio",
                        "OBX#1#NM#GLU$G$$$A1c/S/1/E/2 ratio#5"),
                arguments("other delimiters: default ones are not escaped", ODD_MSH, "OBX#1#NM#GLU", 3, 0, 4, "a^b|c&d",
                        "OBX#1#NM#GLU$$$a^b|c&d"),
                arguments("escapes elsewhere in the field kept", MSH, "OBX|1||G^HbA1c \\T\\ ratio^L", 3, 0, 4, "4548-4",
                        "OBX|1||G^HbA1c \\T\\ ratio^L^4548-4"),
                arguments("empty value where nothing is: nothing added", MSH, "OBX|1||G", 3, 0, 5, "", "OBX|1||G"),
                arguments("null value where nothing is: nothing added", MSH, "OBX|1||G", 3, 0, 5, null, "OBX|1||G"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("writes")
    void writes(String name, String msh, String segment, int field, int rep, int component, String value, String expected) {
        Er7Segment written = Er7Message.parse(msh + segment + "\r").segment(1);
        written.set(field, rep, component, 1, value);
        assertThat(written.text()).isEqualTo(expected);
        assertThat(written.changed()).isEqualTo(!expected.equals(segment));
        if (value != null && !value.isEmpty()) {
            assertThat(written.get(field, rep, component, 1)).as("reads back as written").isEqualTo(value);
        }
    }

    @Test
    void writingInMshKeepsTheDelimitersAndCountsFieldsFromTheSeparator() {
        Er7Segment msh = Er7Message.parse(MSH).segment(0);
        msh.set(4, 0, 2, 1, "X");
        assertThat(msh.text()).isEqualTo("MSH|^~\\&|LAB|NORTH^X|HUB|HUB|20261122||ORU^R01|M1|P|2.5.1");
        assertThatThrownBy(() -> msh.set(2, 0, 1, 1, "#")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> msh.set(1, 0, 1, 1, "#")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void writingTheValueAlreadyThereChangesNothing() {
        Er7Segment segment = Er7Message.parse(MSH + "OBX|1||G^T^L\r").segment(1);
        segment.set(3, 0, 2, 1, "T");
        assertThat(segment.changed()).isFalse();
    }
}
