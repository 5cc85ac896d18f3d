package org.clinicaldatahub.hub.deid.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class Er7PartsTest {

    @Test
    void sameKeepsEmptyPartsAsSplitDoes() {
        for (String text : List.of("", "|", "a", "PID|1||4711^^^HOSP^MR||", "||a||b|", "x|".repeat(40) + "end")) {
            assertSameAsSplit(text);
        }
        Random random = new Random(3L);
        for (int n = 0; n < 2_000; n++) {
            char[] chars = new char[random.nextInt(80)];
            for (int i = 0; i < chars.length; i++) {
                chars[i] = "ab|^".charAt(random.nextInt(4));
            }
            assertSameAsSplit(new String(chars));
        }
    }

    private static void assertSameAsSplit(String text) {
        Er7Parts parts = Er7Parts.of(text, '|');
        List<String> got = new ArrayList<>();
        StringBuilder appended = new StringBuilder();
        for (int k = 0; k < parts.size(); k++) {
            got.add(parts.get(k));
            assertThat(parts.isEmpty(k)).isEqualTo(parts.get(k).isEmpty());
            parts.appendTo(appended.append('|'), k);
        }
        assertThat(got).as(text).isEqualTo(Er7.split(text, '|'));
        assertThat(appended.substring(1)).isEqualTo(text);
    }
}
