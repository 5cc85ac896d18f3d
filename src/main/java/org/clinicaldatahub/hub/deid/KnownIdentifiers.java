package org.clinicaldatahub.hub.deid;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The patient's own identifiers found in the same record (every value the profile takes out:
 * names, identifiers, phone numbers, address parts, the birth date), so free text can be
 * scrubbed of them even where no pattern would recognize them. Collected while the record is
 * de-identified; held only for that record.
 */
public final class KnownIdentifiers {

    /** What a known value is, for the placeholder that replaces it. */
    public enum Kind {
        NAME, ADDRESS, ID, PHONE, EMAIL, DATE
    }

    private final Map<String, Kind> values = new LinkedHashMap<>();
    private List<Entry> compiled;

    record Entry(String value, Kind kind, Pattern pattern) {
    }

    /** Remembers a value taken out of the record, guessing its kind from its shape. */
    public void add(String value) {
        if (value == null) {
            return;
        }
        String v = value.trim();
        if (v.length() < 3 || v.equals("\"\"")) {
            return;
        }
        if (v.chars().allMatch(Character::isDigit) && v.length() < 5) {
            return; // an area code or house number alone would blank every such number in the text
        }
        if (v.length() <= 3 && v.chars().allMatch(Character::isLetter) && v.equals(v.toUpperCase(Locale.ROOT))) {
            return; // a code (USA, MR, SS), not an identifier
        }
        values.putIfAbsent(v, kindOf(v));
        compiled = null;
    }

    /** Remembers an identifier the record pseudonymizes (an MRN may be short: no length filter beyond 3). */
    public void addIdentifier(String value) {
        if (value != null && value.trim().length() >= 3) {
            values.putIfAbsent(value.trim(), Kind.ID);
            compiled = null;
        }
    }

    /** Adds what another record of the same patient made known. */
    public void addAll(KnownIdentifiers other) {
        if (other != null) {
            other.values.forEach(values::putIfAbsent);
            compiled = null;
        }
    }

    /** A copy holding at most {@code max} values, for {@link RecentPatients}. */
    public KnownIdentifiers copy(int max) {
        KnownIdentifiers copy = new KnownIdentifiers();
        values.entrySet().stream().limit(max).forEach(e -> copy.values.put(e.getKey(), e.getValue()));
        return copy;
    }

    /** Remembers a birth date (HL7 YYYYMMDD or FHIR YYYY-MM-DD) in the forms people write it. */
    public void addDate(String value) {
        String digits = value.replace("-", "");
        if (digits.length() < 8 || !digits.substring(0, 8).chars().allMatch(Character::isDigit)) {
            return;
        }
        String y = digits.substring(0, 4);
        String m = digits.substring(4, 6);
        String d = digits.substring(6, 8);
        int mi = Integer.parseInt(m);
        int di = Integer.parseInt(d);
        for (String form : List.of(y + m + d, y + "-" + m + "-" + d, m + "/" + d + "/" + y, mi + "/" + di + "/" + y,
                d + "." + m + "." + y, m + "/" + d + "/" + y.substring(2), mi + "/" + di + "/" + y.substring(2))) {
            values.putIfAbsent(form, Kind.DATE);
        }
        compiled = null;
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    /** Longest first, so "John Smith" is replaced before "John". */
    List<Entry> entries() {
        if (compiled == null) {
            List<Entry> list = new ArrayList<>();
            values.forEach((v, k) -> list.add(new Entry(v, k, pattern(v))));
            list.sort(Comparator.comparingInt((Entry e) -> e.value().length()).reversed());
            compiled = list;
        }
        return compiled;
    }

    /**
     * A value as it may appear in text: case-insensitive, on word boundaries; a number also with
     * other separators or none ("555-123-4567", "(555) 123 4567", "5551234567").
     */
    private static Pattern pattern(String value) {
        long digits = value.chars().filter(Character::isDigit).count();
        // never inside a word, nor inside a placeholder already written ([PHONE])
        StringBuilder regex = new StringBuilder("(?<![\\p{Alnum}\\[])");
        if (digits >= 5 && digits >= value.length() / 2) {
            String only = value.replaceAll("\\D", "");
            for (int i = 0; i < only.length(); i++) {
                if (i > 0) {
                    regex.append("[-. ()/]*");
                }
                regex.append(only.charAt(i));
            }
        } else {
            regex.append(Pattern.quote(value));
        }
        regex.append("(?![\\p{Alnum}\\]])");
        return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }

    private static Kind kindOf(String v) {
        if (v.indexOf('@') > 0) {
            return Kind.EMAIL;
        }
        long digits = v.chars().filter(Character::isDigit).count();
        long letters = v.chars().filter(Character::isLetter).count();
        if (digits == 0) {
            return v.indexOf(' ') > 0 && v.split(" ").length > 2 ? Kind.ADDRESS : Kind.NAME;
        }
        if (letters > 2 && v.indexOf(' ') > 0) {
            return Kind.ADDRESS;
        }
        if (digits >= 10 && letters == 0 && v.matches("[\\d()+ .-]+")) {
            return Kind.PHONE;
        }
        return Kind.ID;
    }
}
