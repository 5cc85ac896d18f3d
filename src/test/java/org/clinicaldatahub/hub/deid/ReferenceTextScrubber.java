package org.clinicaldatahub.hub.deid;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The free-text scrubber as it was before the single-pass candidate scan (commit 49e4919): every
 * pattern run by {@code Matcher.find} over the whole text, one after the other, then the known
 * identifiers searched one by one. Kept only as the oracle of {@code TextScrubberEquivalenceTest}: the
 * fast {@link TextScrubber} must produce exactly the same text and the same counts.
 */
final class ReferenceTextScrubber {

    /** @param needsDigit the pattern cannot match text without a digit (most cannot): skipped then */
    private record Rule(String placeholder, Pattern pattern, boolean needsDigit) {
        Rule(String placeholder, Pattern pattern) {
            this(placeholder, pattern, !placeholder.equals("[NAME]") && !placeholder.equals("[EMAIL]")
                    && !placeholder.equals("[URL]") && !placeholder.equals("[DATE]"));
        }
    }

    private static final String MONTH = "(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
            + "|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)";
    private static final int CI = Pattern.CASE_INSENSITIVE;

    private static final List<Rule> RULES = List.of(
            new Rule("[EMAIL]", Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}")),
            new Rule("[URL]", Pattern.compile("\\b(?:https?|ftp)://[^\\s<>\"]+|\\bwww\\.[^\\s<>\"]+", CI)),
            new Rule("[IP]", Pattern.compile("\\b(?:\\d{1,3}\\.){3}\\d{1,3}\\b")),
            new Rule("[SSN]", Pattern.compile("\\b\\d{3}[- ]\\d{2}[- ]\\d{4}\\b")),
            new Rule("[PHONE]", Pattern.compile(
                    "(?:\\+?1[-. ]?)?(?:\\(\\d{3}\\)\\s?|\\b\\d{3}[-. ])\\d{3}[-. ]\\d{4}\\b")),
            new Rule("[DATE]", Pattern.compile("\\b\\d{4}-\\d{2}-\\d{2}(?:T[0-9:.]+(?:Z|[+-]\\d{2}:?\\d{2})?)?\\b"
                    + "|\\b\\d{1,2}[/.-]\\d{1,2}[/.-]\\d{2,4}\\b"
                    + "|\\b" + MONTH + "\\.?\\s+\\d{1,2}(?:st|nd|rd|th)?,?\\s+\\d{4}\\b"
                    + "|\\b\\d{1,2}(?:st|nd|rd|th)?\\s+(?:of\\s+)?" + MONTH + "\\.?,?\\s+\\d{4}\\b"
                    + "|\\b" + MONTH + "\\.?\\s+\\d{4}\\b"
                    + "|\\b" + MONTH + "\\.?\\s+\\d{1,2}(?:st|nd|rd|th)?\\b"
                    + "|\\b(?:19|20)\\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\\d|3[01])\\d*\\b"
                    + "|\\b\\d{1,2}:\\d{2}(?::\\d{2})?(?:\\s?[AP]M)?\\b", CI)),
            // IPv6: full form, or compressed with "::"; every quantifier is anchored by a ':' so it cannot backtrack
            new Rule("[IP]", Pattern.compile("\\b(?:[0-9A-Fa-f]{1,4}:){2,7}[0-9A-Fa-f]{1,4}\\b"
                    + "|\\b(?:[0-9A-Fa-f]{1,4}:){1,7}:(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,6})?")),
            // a labelled number: the label stays, the value goes ("MRN: [ID]")
            new Rule("[ID]", Pattern.compile("\\b((?:MRN|MR#|MR|medical record(?: number)?|account(?: number)?|acct"
                    + "|SSN|member(?: id)?|policy(?: number)?|group(?: number)?|plan(?: id)?|licen[cs]e(?: number| no\\.?)?"
                    + "|DEA|NPI|VIN|plate|license plate|serial(?: number)?|S/N|SN|device(?: id)?|certificate(?: number)?"
                    + "|fingerprint(?: id)?|voiceprint(?: id)?|biometric(?: id)?|ID)\\s?[:#]?\\s?)[A-Z0-9][A-Z0-9-]{3,}\\b", CI)),
            new Rule("[ID]", Pattern.compile("\\b(?=[A-Z0-9-]*\\d)(?=[A-Z0-9-]*[A-Z])[A-Z0-9][A-Z0-9-]{7,}\\b", CI)),
            new Rule("[ID]", Pattern.compile("\\b[A-Z]{0,3}\\d{6,}[A-Z]?\\b", CI)),
            new Rule("[NAME]", Pattern.compile("\\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\\.?\\s+[A-Z][a-zA-Z'-]+(?:\\s+[A-Z][a-zA-Z'-]+)?")),
            // a capitalized name right after a relationship or "patient" ("wife Marge", "Pt John Doe")
            new Rule("[NAME]", Pattern.compile("\\b((?i:wife|husband|son|daughter|mother|father|brother|sister|spouse"
                    + "|partner|neighbou?r|friend|aunt|uncle|cousin|niece|nephew|grandmother|grandfather|grandson"
                    + "|granddaughter|guardian|caregiver|patient|pt\\.?|mom|dad)\\s)[A-Z][a-zA-Z'-]+(?:\\s+[A-Z][a-zA-Z'-]+)?")),
            new Rule("[ADDRESS]", Pattern.compile("\\b\\d{1,6}\\s+(?:[A-Z][a-z]+\\s+){1,3}(?:Street|St|Avenue|Ave|Road|Rd"
                    + "|Terrace|Ter|Lane|Ln|Drive|Dr|Boulevard|Blvd|Court|Ct|Way|Place|Pl|Circle|Cir|Highway|Hwy|Parkway"
                    + "|Pkwy|Square|Sq|Trail|Trl)\\b\\.?(?:,?\\s+(?:Apt|Suite|Unit|#)\\s*\\w+)?|\\bP\\.?\\s?O\\.?\\s+Box\\s+\\d+", CI)),
            new Rule("[AGE 90+]", Pattern.compile("\\b(?:9\\d|1[0-4]\\d)(?=[- ]?(?:y/?o\\b|years?[- ]old|yrs?[- ]old|yo\\b))", CI)));

    private ReferenceTextScrubber() {
    }

    /** The regular expressions and their flags, in order. */
    static List<Pattern> patterns() {
        return RULES.stream().map(Rule::pattern).toList();
    }

    /** The patterns' part of {@link #scrub}, without the known identifiers. */
    static String scrubPatterns(String text, DeidChanges changes) {
        return scrub(text, new KnownIdentifiers(), changes);
    }

    /** The text with known and pattern-like identifiers replaced; counts go to {@code changes}. */
    static String scrub(String text, KnownIdentifiers known, DeidChanges changes) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String result = text;
        // patterns first, so a phone number is typed [PHONE] rather than split by a known area code
        boolean digits = hasDigit(text);
        boolean at = text.indexOf('@') >= 0;
        boolean url = text.indexOf("://") >= 0 || text.regionMatches(true, 0, "www.", 0, 4) || text.toLowerCase().contains("www.");
        for (Rule rule : RULES) {
            if ((rule.needsDigit() && !digits) || (rule.placeholder().equals("[EMAIL]") && !at)
                    || (rule.placeholder().equals("[URL]") && !url)) {
                continue;
            }
            result = replace(result, rule.pattern(), rule.placeholder(), changes);
        }
        return replaceKnown(result, known, changes);
    }

    private static boolean hasDigit(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                return true;
            }
        }
        return false;
    }

    private static String replace(String text, Pattern pattern, String placeholder, DeidChanges changes) {
        Matcher m = pattern.matcher(text);
        if (!m.find()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int last = 0;
        do {
            // group 1, when the pattern has one, is a label that stays ("MRN: ", "wife ")
            out.append(text, last, m.start());
            if (m.groupCount() >= 1 && m.group(1) != null) {
                out.append(m.group(1));
            }
            out.append(placeholder);
            last = m.end();
            changes.scrubbed(placeholder);
        } while (m.find());
        return out.append(text, last, text.length()).toString();
    }

    /** KnownIdentifiers.replaceIn as it was: one indexOf loop per known value, longest value first. */
    static String replaceKnown(String text, KnownIdentifiers known, DeidChanges changes) {
        List<KnownIdentifiers.Entry> entries = known.entries();
        if (entries.isEmpty() || text.isEmpty()) {
            return text;
        }
        String lower = text.toLowerCase(java.util.Locale.ROOT);
        boolean sameLength = lower.length() == text.length();
        StringBuilder digitText = new StringBuilder(text.length());
        int[] digitPos = new int[text.length() + 1];
        int dn = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                digitText.append(c);
                digitPos[dn++] = i;
            } else if ("-. ()/".indexOf(c) < 0 && dn > 0 && digitText.charAt(digitText.length() - 1) != 'x') {
                digitText.append('x');
                digitPos[dn++] = -1;
            }
        }
        String digits = digitText.toString();
        boolean[] taken = new boolean[text.length()];
        List<int[]> ranges = new java.util.ArrayList<>();
        for (int e = 0; e < entries.size(); e++) {
            KnownIdentifiers.Entry entry = entries.get(e);
            if (entry.digits() != null) {
                for (int k = digits.indexOf(entry.digits()); k >= 0; k = digits.indexOf(entry.digits(), k + 1)) {
                    int start = digitPos[k];
                    int end = digitPos[k + entry.digits().length() - 1] + 1;
                    claim(text, start, end, e, taken, ranges);
                }
            }
            if (sameLength) {
                for (int k = lower.indexOf(entry.lower()); k >= 0; k = lower.indexOf(entry.lower(), k + 1)) {
                    claim(text, k, k + entry.lower().length(), e, taken, ranges);
                }
            }
        }
        if (ranges.isEmpty()) {
            return text;
        }
        ranges.sort(java.util.Comparator.comparingInt(r -> r[0]));
        StringBuilder out = new StringBuilder(text.length());
        int last = 0;
        for (int[] r : ranges) {
            out.append(text, last, r[0]).append('[').append(entries.get(r[2]).kind()).append(']');
            last = r[1];
            changes.scrubbed("[" + entries.get(r[2]).kind() + "]");
        }
        return out.append(text, last, text.length()).toString();
    }

    private static void claim(String text, int start, int end, int entry, boolean[] taken, List<int[]> ranges) {
        if (start < 0 || end > text.length() || start >= end) {
            return;
        }
        if (start > 0 && (Character.isLetterOrDigit(text.charAt(start - 1)) || text.charAt(start - 1) == '[')) {
            return;
        }
        if (end < text.length() && (Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == ']')) {
            return;
        }
        for (int i = start; i < end; i++) {
            if (taken[i]) {
                return;
            }
        }
        for (int i = start; i < end; i++) {
            taken[i] = true;
        }
        ranges.add(new int[] {start, end, entry});
    }

    /** KnownIdentifiers.kindOf as it was (a stream per property, a regular expression for phone numbers). */
    static KnownIdentifiers.Kind kindOf(String v) {
        if (v.indexOf('@') > 0) {
            return KnownIdentifiers.Kind.EMAIL;
        }
        long digits = v.chars().filter(Character::isDigit).count();
        long letters = v.chars().filter(Character::isLetter).count();
        if (digits == 0) {
            return v.trim().split(" ").length > 2 ? KnownIdentifiers.Kind.ADDRESS : KnownIdentifiers.Kind.NAME;
        }
        if (letters > 2 && v.indexOf(' ') > 0) {
            return KnownIdentifiers.Kind.ADDRESS;
        }
        if (digits >= 10 && letters == 0 && v.matches("[\\d()+ .-]+")) {
            return KnownIdentifiers.Kind.PHONE;
        }
        return KnownIdentifiers.Kind.ID;
    }
}
