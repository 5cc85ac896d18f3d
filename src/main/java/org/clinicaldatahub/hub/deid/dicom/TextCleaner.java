package org.clinicaldatahub.hub.deid.dicom;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Clean (C) for free text (PS3.15 E.3.5 Clean Descriptors, E.3.8 Clean Graphics): removes from a
 * description, comment or label the identifiers this very instance carries (names, IDs,
 * addresses found by the survey, {@link InstanceSurvey}) and what looks like an identifier by
 * pattern (dates, phone numbers, e-mail and web addresses, IP addresses, runs of 5 or more
 * digits). What is left ("CT HEAD W/O CONTRAST") keeps its research value.
 */
final class TextCleaner {

    private static final Pattern PATTERNS = Pattern.compile(String.join("|",
            "[\\w.+-]+@[\\w-]+(\\.[\\w-]+)+", // e-mail
            "(?i)\\b(https?|ftp)://\\S+", // URL
            "\\b\\d{1,3}(\\.\\d{1,3}){3}\\b", // IPv4
            "\\b\\d{4}[-/.]\\d{1,2}[-/.]\\d{1,2}\\b", // 2024-01-31
            "\\b\\d{1,2}[-/.]\\d{1,2}[-/.]\\d{2,4}\\b", // 31.01.2024, 1/31/24
            "\\+?\\(?\\d{2,4}\\)?[ -]\\d{3,4}[ -]\\d{3,4}\\b", // phone numbers
            "\\d{5,}")); // MRNs, SSNs without separators, accession numbers

    private final List<Pattern> identifiers;
    private final String marker;

    TextCleaner(Collection<String> knownIdentifiers, String marker) {
        this.marker = marker;
        List<String> sorted = new ArrayList<>(knownIdentifiers);
        sorted.sort(Comparator.comparingInt(String::length).reversed());
        List<Pattern> patterns = new ArrayList<>();
        for (String identifier : sorted) {
            patterns.add(Pattern.compile(Pattern.quote(identifier), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE));
        }
        this.identifiers = patterns;
    }

    /** The text without identifiers; null when nothing of substance is left. */
    String clean(String text) {
        String cleaned = text;
        for (Pattern identifier : identifiers) {
            cleaned = identifier.matcher(cleaned).replaceAll(Matcher.quoteReplacement(marker));
        }
        cleaned = PATTERNS.matcher(cleaned).replaceAll(Matcher.quoteReplacement(marker));
        return cleaned;
    }

    /** Splits a value into the tokens worth searching for: the whole value and its words of 3+ letters. */
    static List<String> tokens(String value) {
        List<String> tokens = new ArrayList<>();
        String trimmed = value.trim();
        if (trimmed.length() >= 3) {
            tokens.add(trimmed);
        }
        for (String part : trimmed.split("[\\^=\\\\\\s,;]+")) {
            String word = part.trim();
            if (word.length() >= 3 && !word.toUpperCase(Locale.ROOT).equals("THE")) {
                tokens.add(word);
            }
        }
        return tokens;
    }
}
