package org.clinicaldatahub.hub.deid;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scrubs free text (HL7 OBX-5 TX/FT/ST, NTE-3, FHIR narrative and flagged strings): first the
 * patient's own identifiers known from the same record, then pattern-like identifiers (e-mail,
 * URL, IP address, SSN, phone and fax, dates and times, labelled and MRN-like numbers, titled
 * names, ages over 89). Each becomes a typed placeholder such as {@code [NAME]} or {@code [PHONE]}.
 *
 * <p>What it cannot do: recognize a name, place or number that is neither known from the record
 * nor shaped like an identifier (an unknown relative's first name, a small town, a rare disease in
 * a small community). Profiles that must be certain remove free text instead.
 */
public final class TextScrubber {

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

    private TextScrubber() {
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
        return known.replaceIn(result, changes);
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
}
