package org.clinicaldatahub.hub.deid.internal;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One pattern of the free-text scrub and the placeholder its matches become. The regular expression
 * is the precise check; it is tried only where {@link MatchStart} says a match can begin, anchored
 * there ({@code lookingAt} with transparent bounds, so {@code \b} and look-behind still see the text
 * before). Trying every such position from left to right and continuing after each match finds
 * exactly the matches {@code Matcher.find} would.
 */
public final class ScrubPattern {

    /** Called once per match with the placeholder, for the counts of a de-identification. */
    public interface MatchCounter {
        void scrubbed(String placeholder);
    }

    private final String placeholder;
    private final Pattern pattern;
    private final MatchStart start;
    private final LabelPrefixes labelPrefixes;
    private final int[] placeholderWordStarts;

    public ScrubPattern(String placeholder, Pattern pattern, MatchStart start) {
        this(placeholder, pattern, start, List.of());
    }

    /** @param labels for {@link MatchStart#LABEL}: the label alternatives the pattern begins with */
    public ScrubPattern(String placeholder, Pattern pattern, MatchStart start, List<String> labels) {
        this.placeholder = placeholder;
        this.pattern = pattern;
        this.start = start;
        this.labelPrefixes = new LabelPrefixes(labels);
        WordStarts inPlaceholder = new WordStarts().of(placeholder);
        this.placeholderWordStarts = new int[inPlaceholder.count()];
        for (int i = 0; i < placeholderWordStarts.length; i++) {
            placeholderWordStarts[i] = inPlaceholder.get(i);
        }
        if (pattern.matcher("").groupCount() >= 1 && !pattern.pattern().startsWith("\\b((")) {
            throw new IllegalArgumentException("group 1 is a label that starts the match: \\b((label)...)");
        }
        if (!placeholder.startsWith("[")) {
            throw new IllegalArgumentException("a placeholder starts with '[': " + placeholder);
        }
        if (start == MatchStart.LABEL && labels.isEmpty()) {
            throw new IllegalArgumentException("a labelled pattern needs its labels");
        }
    }

    public String placeholder() {
        return placeholder;
    }

    public Pattern pattern() {
        return pattern;
    }

    /**
     * The text with every match replaced by the placeholder (group 1, when the pattern has one, is a
     * label that stays: "MRN: [ID]"), or the same instance if nothing matched.
     *
     * @param wordStarts the word starts of {@code text}; on return, those of the result
     */
    public String replaceAll(String text, WordStarts wordStarts, MatchCounter counter) {
        Replacement replacement = new Replacement(text);
        switch (start) {
            case EMAIL -> findFromAtSigns(replacement);
            case PHONE -> findByScan(replacement);
            default -> findAtWordStarts(replacement, wordStarts);
        }
        String result = replacement.result(counter);
        if (result != text) {
            wordStarts.afterReplacing(replacement.spans, replacement.matches, placeholder, placeholderWordStarts, result);
        }
        return result;
    }

    private void findAtWordStarts(Replacement r, WordStarts wordStarts) {
        for (int k = 0, count = wordStarts.count(); k < count; k++) {
            int i = wordStarts.get(k);
            if (i >= r.searchFrom && start.possibleAtWordStart(r.text, i, labelPrefixes)) {
                r.tryAt(i);
            }
        }
    }

    /** Every match starts where its run of local-part characters before an {@code @} starts (or where the search resumes). */
    private void findFromAtSigns(Replacement r) {
        String text = r.text;
        int at = text.indexOf('@', r.searchFrom);
        while (at >= 0) {
            int i = at;
            while (i > r.searchFrom && MatchStart.isEmailLocal(text.charAt(i - 1))) {
                i--;
            }
            if (i < at) {
                r.tryAt(i);
            }
            at = text.indexOf('@', Math.max(at + 1, r.searchFrom));
        }
    }

    private void findByScan(Replacement r) {
        String text = r.text;
        boolean previousIsWord = false;
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            boolean offWordStart = c == '(' || c == '+' || c == '1';
            if (i >= r.searchFrom && ((offWordStart && MatchStart.phoneStartOffWordStart(text, i))
                    || (!previousIsWord && Chars.isDigit(c) && start.possibleAtWordStart(text, i, labelPrefixes)))) {
                r.tryAt(i);
            }
            previousIsWord = Chars.isAsciiLetterOrDigit(c) || c == '_';
        }
    }

    /** The matches found so far in one text, and the text being built from them. */
    private final class Replacement {
        final String text;
        int searchFrom;
        private Matcher matcher;
        private StringBuilder out;
        private int copiedUpTo;
        /** The replaced stretches, {@code from, to} pairs (a kept label is not part of one). */
        private int[] spans = new int[8];
        private int matches;

        Replacement(String text) {
            this.text = text;
        }

        void tryAt(int i) {
            if (matcher == null) {
                matcher = pattern.matcher(text).useTransparentBounds(true).useAnchoringBounds(false);
            }
            matcher.region(i, text.length());
            if (!matcher.lookingAt()) {
                return;
            }
            if (out == null) {
                out = new StringBuilder(text.length());
            }
            out.append(text, copiedUpTo, i);
            int replacedFrom = i;
            if (matcher.groupCount() >= 1 && matcher.start(1) >= 0) {
                out.append(text, matcher.start(1), matcher.end(1));
                replacedFrom = matcher.end(1);
            }
            out.append(placeholder);
            if (2 * matches + 2 > spans.length) {
                spans = java.util.Arrays.copyOf(spans, spans.length * 2);
            }
            spans[2 * matches] = replacedFrom;
            spans[2 * matches + 1] = matcher.end();
            // no pattern matches the empty string; the guard only keeps the scan moving if one ever did
            copiedUpTo = matcher.end();
            searchFrom = Math.max(matcher.end(), i + 1);
            matches++;
        }

        String result(MatchCounter counter) {
            if (out == null) {
                return text;
            }
            for (int i = 0; i < matches; i++) {
                counter.scrubbed(placeholder);
            }
            return out.append(text, copiedUpTo, text.length()).toString();
        }
    }
}
