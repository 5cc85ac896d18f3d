package org.clinicaldatahub.hub.deid;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The patient's own identifiers found in the same record (every value the profile takes out:
 * names, identifiers, phone numbers, address parts, the birth date), so free text can be
 * scrubbed of them even where no pattern would recognize them. Collected while the record is
 * de-identified; held only for that record (and, bounded, by {@link RecentPatients}).
 *
 * <p>Matching is case-insensitive on word boundaries; a value that is mostly digits also matches
 * with other separators or none ("555-123-4567", "(555) 123 4567", "5551234567"). Plain string
 * search, no regular expression per value: collecting is on the hot path of every message.
 */
public final class KnownIdentifiers {

    /** What a known value is, for the placeholder that replaces it. */
    public enum Kind {
        NAME, ADDRESS, ID, PHONE, EMAIL, DATE
    }

    private final Map<String, Kind> values = new LinkedHashMap<>();
    /** HL7 field values not yet split into components: splitting is paid only when text is scrubbed. */
    private final List<String> pending = new ArrayList<>();
    private String delimiters = "^~&";
    private List<Entry> sorted;

    /**
     * Remembers an HL7 field value as it stands (components, repetitions, subcomponents); each part
     * becomes a known value, and a number split over components (XTN area code + local number) one more.
     *
     * @param delimiters component, repetition and subcomponent delimiters
     */
    public void addRaw(String raw, String delimiters) {
        pending.add(raw);
        this.delimiters = delimiters;
        sorted = null;
    }

    private void expand() {
        if (pending.isEmpty()) {
            return;
        }
        char component = delimiters.charAt(0);
        char repetition = delimiters.charAt(1);
        for (String raw : pending) {
            StringBuilder numeric = new StringBuilder();
            int numericParts = 0;
            int start = 0;
            for (int i = 0; i <= raw.length(); i++) {
                char c = i < raw.length() ? raw.charAt(i) : repetition;
                if (delimiters.indexOf(c) >= 0) {
                    if (i > start) {
                        String part = raw.substring(start, i);
                        add(part);
                        if (part.chars().allMatch(Character::isDigit)) {
                            numeric.append(part);
                            numericParts++;
                        }
                    }
                    if (c == repetition) {
                        if (numericParts > 1 && numeric.length() >= 7) {
                            add(numeric.toString());
                        }
                        numeric.setLength(0);
                        numericParts = 0;
                    }
                    start = i + 1;
                }
            }
        }
        pending.clear();
    }

    /** A value ready for matching: lower-cased, or its digits when it is a number. */
    record Entry(String value, Kind kind, String lower, String digits) {
    }

    /** Remembers a value taken out of the record; its kind is worked out only if text is scrubbed. */
    public void add(String value) {
        if (value == null) {
            return;
        }
        String v = value.trim();
        int n = v.length();
        if (n < 3 || v.equals("\"\"")) {
            return;
        }
        boolean allDigits = true;
        boolean allUpperLetters = true;
        for (int i = 0; i < n; i++) {
            char c = v.charAt(i);
            allDigits &= c >= '0' && c <= '9';
            allUpperLetters &= c >= 'A' && c <= 'Z';
        }
        if ((allDigits && n < 5) || (allUpperLetters && n <= 3)) {
            return; // an area code, house number or code (USA, MR, SS) would blank every such word
        }
        values.putIfAbsent(v, null);
        sorted = null;
    }

    /** Remembers an identifier the record pseudonymizes (an MRN may be short: no length filter beyond 3). */
    public void addIdentifier(String value) {
        if (value != null && value.trim().length() >= 3) {
            values.put(value.trim(), Kind.ID);
            sorted = null;
        }
    }

    /** Adds what another record of the same patient made known. */
    public void addAll(KnownIdentifiers other) {
        if (other != null) {
            other.values.forEach(values::putIfAbsent);
            pending.addAll(other.pending);
            delimiters = other.delimiters;
            sorted = null;
        }
    }

    /** A copy holding at most {@code max} values, for {@link RecentPatients}. */
    public KnownIdentifiers copy(int max) {
        KnownIdentifiers copy = new KnownIdentifiers();
        values.entrySet().stream().limit(max).forEach(e -> copy.values.put(e.getKey(), e.getValue()));
        pending.stream().limit(max).forEach(copy.pending::add);
        copy.delimiters = delimiters;
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
            values.put(form, Kind.DATE);
        }
        sorted = null;
    }

    public boolean isEmpty() {
        return values.isEmpty() && pending.isEmpty();
    }

    /** Longest first, so "John Smith" is replaced before "John". */
    List<Entry> entries() {
        expand();
        if (sorted == null) {
            List<Entry> list = new ArrayList<>(values.size());
            values.forEach((v, k) -> {
                Kind kind = k == null ? kindOf(v) : k;
                String digits = digitsOf(v);
                boolean number = kind != Kind.DATE && digits.length() >= 5 && digits.length() * 2 >= v.length();
                list.add(new Entry(v, kind, v.toLowerCase(Locale.ROOT), number ? digits : null));
            });
            list.sort(Comparator.comparingInt((Entry e) -> e.value().length()).reversed());
            sorted = list;
        }
        return sorted;
    }

    private static String digitsOf(String v) {
        StringBuilder d = new StringBuilder(v.length());
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c >= '0' && c <= '9') {
                d.append(c);
            }
        }
        return d.toString();
    }

    private static Kind kindOf(String v) {
        if (v.indexOf('@') > 0) {
            return Kind.EMAIL;
        }
        long digits = v.chars().filter(Character::isDigit).count();
        long letters = v.chars().filter(Character::isLetter).count();
        if (digits == 0) {
            return v.trim().split(" ").length > 2 ? Kind.ADDRESS : Kind.NAME;
        }
        if (letters > 2 && v.indexOf(' ') > 0) {
            return Kind.ADDRESS;
        }
        if (digits >= 10 && letters == 0 && v.matches("[\\d()+ .-]+")) {
            return Kind.PHONE;
        }
        return Kind.ID;
    }

    /** Replaces every occurrence of a known value in the text by its placeholder. */
    String replaceIn(String text, DeidChanges changes) {
        List<Entry> entries = entries();
        if (entries.isEmpty() || text.isEmpty()) {
            return text;
        }
        String lower = text.toLowerCase(Locale.ROOT);
        boolean sameLength = lower.length() == text.length();
        // the text's digits with their positions; a non-separator between digits breaks a number
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
        List<int[]> ranges = new ArrayList<>();
        for (int e = 0; e < entries.size(); e++) {
            Entry entry = entries.get(e);
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
        ranges.sort(Comparator.comparingInt(r -> r[0]));
        StringBuilder out = new StringBuilder(text.length());
        int last = 0;
        for (int[] r : ranges) {
            out.append(text, last, r[0]).append('[').append(entries.get(r[2]).kind()).append(']');
            last = r[1];
            changes.scrubbed("[" + entries.get(r[2]).kind() + "]");
        }
        return out.append(text, last, text.length()).toString();
    }

    /** Takes a match when it stands on word boundaries, is outside a placeholder and overlaps nothing taken. */
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
}
