package org.clinicaldatahub.hub.deid.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Word starts as java.util.regex sees a {@code \b} before a letter or digit, and carried through replacements. */
class WordStartsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
        "Call John at 555;0 5 10 13",
        "a_b c1d;0 4",
        "(217) 555-0142;1 6 10",
        "x@y.org;0 2 4",
        "[NAME] said;1 7",
        "\u00e9t\u00e9 a;1 4",
    })
    void findsTheStartsOfWords(String text, String expected) {
        assertThat(list(new WordStarts().of(text))).isEqualTo(ints(expected));
    }

    @Test
    void carriesThemThroughReplacementsAsIfFoundAgain() {
        Random random = new Random(3L);
        String alphabet = "ab1 _-[].";
        String[] placeholders = {"[ID]", "[AGE 90+]", "[EMAIL]"};
        for (int n = 0; n < 20_000; n++) {
            char[] chars = new char[1 + random.nextInt(30)];
            for (int i = 0; i < chars.length; i++) {
                chars[i] = alphabet.charAt(random.nextInt(alphabet.length()));
            }
            String text = new String(chars);
            String placeholder = placeholders[random.nextInt(placeholders.length)];
            int[] spans = new int[2 * 8];
            int spanCount = 0;
            StringBuilder replaced = new StringBuilder();
            int at = 0;
            while (at < text.length() && spanCount < 8) {
                int from = at + random.nextInt(4);
                int to = from + 1 + random.nextInt(4);
                if (to > text.length()) {
                    break;
                }
                replaced.append(text, at, from).append(placeholder);
                spans[2 * spanCount] = from;
                spans[2 * spanCount++ + 1] = to;
                at = to;
            }
            String newText = replaced.append(text.substring(at)).toString();
            WordStarts carried = new WordStarts().of(text);
            carried.afterReplacing(spans, spanCount, placeholder, toArray(list(new WordStarts().of(placeholder))), newText);
            assertThat(list(carried)).as("%s -> %s", text, newText).isEqualTo(list(new WordStarts().of(newText)));
        }
    }

    private static List<Integer> list(WordStarts starts) {
        List<Integer> list = new ArrayList<>();
        for (int i = 0; i < starts.count(); i++) {
            list.add(starts.get(i));
        }
        return list;
    }

    private static int[] toArray(List<Integer> list) {
        return list.stream().mapToInt(Integer::intValue).toArray();
    }

    private static List<Integer> ints(String spaced) {
        List<Integer> list = new ArrayList<>();
        for (String s : spaced.split(" ")) {
            list.add(Integer.parseInt(s));
        }
        return list;
    }
}
