package org.clinicaldatahub.hub.deid;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.clinicaldatahub.hub.deid.internal.MatchStart;
import org.clinicaldatahub.hub.deid.internal.ScrubPattern;
import org.clinicaldatahub.hub.deid.internal.WordStarts;

/**
 * Scrubs free text (HL7 OBX-5 TX/FT/ST, NTE-3, FHIR narrative and flagged strings): first the
 * patient's own identifiers known from the same record, then pattern-like identifiers (e-mail,
 * URL, IP address, SSN, phone and fax, dates and times, labelled and MRN-like numbers, titled
 * names, ages over 89). Each becomes a typed placeholder such as {@code [NAME]} or {@code [PHONE]}.
 *
 * <p>What it cannot do: recognize a name, place or number that is neither known from the record
 * nor shaped like an identifier (an unknown relative's first name, a small town, a rare disease in
 * a small community). Profiles that must be certain remove free text instead.
 *
 * <p>How it stays fast: the patterns run one after the other, each on the text the previous one
 * left, but a pattern's regular expression is only tried where its {@link MatchStart} says a match
 * can begin (mostly at word starts, found once per text and carried through each replacement), and patterns that need a digit,
 * an {@code @}, a colon or a URL marker are skipped when the text has none. The result is the same as
 * running every pattern over the whole text.
 */
public final class TextScrubber {

    private static final String MONTH = "(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
            + "|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)";
    private static final int CI = Pattern.CASE_INSENSITIVE;

    /** Labels before a number that make it an identifier; the label stays, the value goes ("MRN: [ID]"). */
    private static final List<String> ID_LABELS = List.of("MRN", "MR#", "MR", "medical record(?: number)?",
            "account(?: number)?", "acct", "SSN", "member(?: id)?", "policy(?: number)?", "group(?: number)?",
            "plan(?: id)?", "licen[cs]e(?: number| no\\.?)?", "DEA", "NPI", "VIN", "plate", "license plate",
            "serial(?: number)?", "S/N", "SN", "device(?: id)?", "certificate(?: number)?", "fingerprint(?: id)?",
            "voiceprint(?: id)?", "biometric(?: id)?", "ID");
    /** Words after which a capitalized word is taken for a name ("wife Marge", "Pt John Doe"). */
    private static final List<String> NAME_AFTER = List.of("wife", "husband", "son", "daughter", "mother", "father",
            "brother", "sister", "spouse", "partner", "neighbou?r", "friend", "aunt", "uncle", "cousin", "niece",
            "nephew", "grandmother", "grandfather", "grandson", "granddaughter", "guardian", "caregiver", "patient",
            "pt\\.?", "mom", "dad");

    /** In this order: each pattern sees the placeholders of the ones before it. */
    private static final List<Rule> RULES = List.of(
            new Rule(new ScrubPattern("[EMAIL]", Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}"),
                    MatchStart.EMAIL), Needs.AT_SIGN),
            new Rule(new ScrubPattern("[URL]", Pattern.compile("\\b(?:https?|ftp)://[^\\s<>\"]+|\\bwww\\.[^\\s<>\"]+", CI),
                    MatchStart.URL), Needs.URL_MARKER),
            new Rule(new ScrubPattern("[IP]", Pattern.compile("\\b(?:\\d{1,3}\\.){3}\\d{1,3}\\b"), MatchStart.IPV4),
                    Needs.DIGIT),
            new Rule(new ScrubPattern("[SSN]", Pattern.compile("\\b\\d{3}[- ]\\d{2}[- ]\\d{4}\\b"), MatchStart.SSN),
                    Needs.DIGIT),
            new Rule(new ScrubPattern("[PHONE]", Pattern.compile(
                    "(?:\\+?1[-. ]?)?(?:\\(\\d{3}\\)\\s?|\\b\\d{3}[-. ])\\d{3}[-. ]\\d{4}\\b"), MatchStart.PHONE),
                    Needs.DIGIT),
            new Rule(new ScrubPattern("[DATE]", Pattern.compile("\\b\\d{4}-\\d{2}-\\d{2}(?:T[0-9:.]+(?:Z|[+-]\\d{2}:?\\d{2})?)?\\b"
                    + "|\\b\\d{1,2}[/.-]\\d{1,2}[/.-]\\d{2,4}\\b"
                    + "|\\b" + MONTH + "\\.?\\s+\\d{1,2}(?:st|nd|rd|th)?,?\\s+\\d{4}\\b"
                    + "|\\b\\d{1,2}(?:st|nd|rd|th)?\\s+(?:of\\s+)?" + MONTH + "\\.?,?\\s+\\d{4}\\b"
                    + "|\\b" + MONTH + "\\.?\\s+\\d{4}\\b"
                    + "|\\b" + MONTH + "\\.?\\s+\\d{1,2}(?:st|nd|rd|th)?\\b"
                    + "|\\b(?:19|20)\\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\\d|3[01])\\d*\\b"
                    + "|\\b\\d{1,2}:\\d{2}(?::\\d{2})?(?:\\s?[AP]M)?\\b", CI), MatchStart.DATE), Needs.NOTHING),
            // IPv6: full form, or compressed with "::"; every quantifier is anchored by a ':' so it cannot backtrack
            new Rule(new ScrubPattern("[IP]", Pattern.compile("\\b(?:[0-9A-Fa-f]{1,4}:){2,7}[0-9A-Fa-f]{1,4}\\b"
                    + "|\\b(?:[0-9A-Fa-f]{1,4}:){1,7}:(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,6})?"), MatchStart.IPV6),
                    Needs.DIGIT_AND_COLON),
            new Rule(new ScrubPattern("[ID]", Pattern.compile("\\b((?:" + String.join("|", ID_LABELS)
                    + ")\\s?[:#]?\\s?)[A-Z0-9][A-Z0-9-]{3,}\\b", CI), MatchStart.LABEL, ID_LABELS), Needs.DIGIT),
            new Rule(new ScrubPattern("[ID]", Pattern.compile("\\b(?=[A-Z0-9-]*\\d)(?=[A-Z0-9-]*[A-Z])[A-Z0-9][A-Z0-9-]{7,}\\b",
                    CI), MatchStart.MIXED_ID), Needs.DIGIT),
            new Rule(new ScrubPattern("[ID]", Pattern.compile("\\b[A-Z]{0,3}\\d{6,}[A-Z]?\\b", CI), MatchStart.DIGITS_ID),
                    Needs.DIGIT),
            new Rule(new ScrubPattern("[NAME]", Pattern.compile(
                    "\\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\\.?\\s+[A-Z][a-zA-Z'-]+(?:\\s+[A-Z][a-zA-Z'-]+)?"), MatchStart.TITLE),
                    Needs.NOTHING),
            new Rule(new ScrubPattern("[NAME]", Pattern.compile("\\b((?i:" + String.join("|", NAME_AFTER)
                    + ")\\s)[A-Z][a-zA-Z'-]+(?:\\s+[A-Z][a-zA-Z'-]+)?"), MatchStart.LABEL, NAME_AFTER), Needs.NOTHING),
            new Rule(new ScrubPattern("[ADDRESS]", Pattern.compile("\\b\\d{1,6}\\s+(?:[A-Z][a-z]+\\s+){1,3}(?:Street|St"
                    + "|Avenue|Ave|Road|Rd|Terrace|Ter|Lane|Ln|Drive|Dr|Boulevard|Blvd|Court|Ct|Way|Place|Pl|Circle|Cir"
                    + "|Highway|Hwy|Parkway|Pkwy|Square|Sq|Trail|Trl)\\b\\.?(?:,?\\s+(?:Apt|Suite|Unit|#)\\s*\\w+)?"
                    + "|\\bP\\.?\\s?O\\.?\\s+Box\\s+\\d+", CI), MatchStart.ADDRESS), Needs.DIGIT),
            new Rule(new ScrubPattern("[AGE 90+]", Pattern.compile(
                    "\\b(?:9\\d|1[0-4]\\d)(?=[- ]?(?:y/?o\\b|years?[- ]old|yrs?[- ]old|yo\\b))", CI), MatchStart.AGE_OVER_89),
                    Needs.DIGIT));

    /** What a text must contain for a pattern to be tried at all (looked up once per text). */
    private enum Needs {
        NOTHING, DIGIT, AT_SIGN, URL_MARKER, DIGIT_AND_COLON
    }

    private record Rule(ScrubPattern pattern, Needs needs) {
    }

    private TextScrubber() {
    }

    /** The patterns in the order they run, for tests. */
    static List<ScrubPattern> patterns() {
        return RULES.stream().map(Rule::pattern).toList();
    }

    private static final Pattern MARKUP = Pattern.compile("<[^>]*>");

    /** XHTML (a FHIR narrative): only the text between tags is scrubbed, so the markup stays valid. */
    public static String scrubXhtml(String xhtml, KnownIdentifiers known, DeidChanges changes) {
        Matcher m = MARKUP.matcher(xhtml);
        StringBuilder out = new StringBuilder(xhtml.length());
        int last = 0;
        while (m.find()) {
            out.append(scrub(xhtml.substring(last, m.start()), known, changes)).append(m.group());
            last = m.end();
        }
        return out.append(scrub(xhtml.substring(last), known, changes)).toString();
    }

    /** The text with known and pattern-like identifiers replaced; counts go to {@code changes}. */
    public static String scrub(String text, KnownIdentifiers known, DeidChanges changes) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        // patterns first, so a phone number is typed [PHONE] rather than split by a known area code
        return known.replaceIn(scrubPatterns(text, changes), changes);
    }

    /** The text with pattern-like identifiers replaced (not the known ones). */
    static String scrubPatterns(String text, DeidChanges changes) {
        TextContents contents = TextContents.of(text);
        WordStarts wordStarts = new WordStarts().of(text);
        String result = text;
        for (Rule rule : RULES) {
            if (!contents.has(rule.needs())) {
                continue;
            }
            result = rule.pattern().replaceAll(result, wordStarts, changes::scrubbed);
        }
        return result;
    }

    /** Which characters the original text contains; the patterns' placeholders add none that matter. */
    private record TextContents(boolean digit, boolean atSign, boolean colon, boolean urlMarker) {

        static TextContents of(String text) {
            boolean digit = false;
            boolean at = false;
            boolean colon = false;
            boolean www = false;
            for (int i = 0, n = text.length(); i < n; i++) {
                char c = text.charAt(i);
                if (c >= '0' && c <= '9') {
                    digit = true;
                } else if (c == '@') {
                    at = true;
                } else if (c == ':') {
                    colon = true;
                } else if ((c == 'w' || c == 'W') && !www) {
                    www = text.regionMatches(true, i, "www.", 0, 4);
                }
            }
            return new TextContents(digit, at, colon, www || (colon && text.contains("://")));
        }

        boolean has(Needs needs) {
            return switch (needs) {
                case NOTHING -> true;
                case DIGIT -> digit;
                case AT_SIGN -> atSign;
                case URL_MARKER -> urlMarker;
                case DIGIT_AND_COLON -> digit && colon;
            };
        }
    }
}
