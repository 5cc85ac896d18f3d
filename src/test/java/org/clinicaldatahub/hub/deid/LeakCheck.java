package org.clinicaldatahub.hub.deid;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Looks for seeded fake PHI in de-identified output: case-insensitive, and for values of six or more
 * letters and digits also with every separator removed from both sides ("(217) 555-0142" is found as
 * "2175550142"). Counts per Safe Harbor category how many seeded values were caught (absent).
 */
final class LeakCheck {

    private final Map<String, int[]> byCategory = new TreeMap<>();
    private final List<String> leaks = new ArrayList<>();

    static String alnum(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isLetterOrDigit(c)) {
                out.append(Character.toLowerCase(c));
            }
        }
        return out.toString();
    }

    /** Checks one record's seeds against everything derived from it (output text, record key, headers). */
    void check(Map<String, List<String>> seeds, String output, String where) {
        check(seeds, output, where, false);
    }

    /**
     * For megabytes of logs and audit trail, where hex checksums, sequence numbers and timestamps
     * contain every short digit string by chance: values as written, case-insensitive, and only
     * those with a letter or a separator (a bare 5-digit ZIP would match some checksum).
     */
    void checkLarge(Map<String, List<String>> seeds, String output, String where) {
        check(seeds, output, where, true);
    }

    private void check(Map<String, List<String>> seeds, String output, String where, boolean large) {
        String lower = output.toLowerCase(Locale.ROOT);
        String squeezed = large ? "" : alnum(output);
        seeds.forEach((category, values) -> {
            for (String value : values) {
                int[] counts = byCategory.computeIfAbsent(category, c -> new int[2]);
                counts[1]++;
                String v = value.toLowerCase(Locale.ROOT);
                String a = alnum(value);
                if (large && value.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                boolean leaked = lower.contains(v) || (!large && a.length() >= 6 && squeezed.contains(a));
                if (leaked) {
                    // the category and where, never the value itself: test output is a log too
                    leaks.add(category + " in " + where);
                } else {
                    counts[0]++;
                }
            }
        });
    }

    List<String> leaks() {
        return leaks;
    }

    /** "A names: 1000/1000 (100.0%)" lines. */
    String recallReport() {
        StringBuilder out = new StringBuilder("Recall per Safe Harbor category (seeded values absent from the output):\n");
        byCategory.forEach((category, c) -> out.append("  %-16s %5d/%-5d %6.1f%%%n".formatted(category, c[0], c[1],
                100.0 * c[0] / c[1])));
        return out.toString();
    }
}
