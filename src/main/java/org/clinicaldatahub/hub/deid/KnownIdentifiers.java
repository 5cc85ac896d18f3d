package org.clinicaldatahub.hub.deid;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.clinicaldatahub.hub.deid.internal.KnownValueIndex;

/**
 * The patient's own identifiers found in the same record (every value the profile takes out:
 * names, identifiers, phone numbers, address parts, the birth date), so free text can be
 * scrubbed of them even where no pattern would recognize them. Collected while the record is
 * de-identified; held only for that record (and, bounded, by {@link RecentPatients}).
 *
 * <p>Matching is case-insensitive on word boundaries; a value that is mostly digits also matches
 * with other separators or none ("555-123-4567", "(555) 123 4567", "5551234567"). Longer values
 * win over shorter ones they overlap ("John Smith" before "John"). All values are searched in one
 * pass over the text ({@link KnownValueIndex}), not one search per value: collecting and matching
 * are on the hot path of every message.
 */
public final class KnownIdentifiers {

    /** What a known value is, for the placeholder that replaces it. */
    public enum Kind {
        NAME, ADDRESS, ID, PHONE, EMAIL, DATE;

        final String placeholder = "[" + name() + "]";
    }

    /**
     * Value to its prepared entry; null until the entry is needed (most values of a message without
     * free text never are). Entries are immutable and shared with copies, so a patient's values are
     * prepared once, not again for each of their messages.
     */
    private Map<String, Entry> values;
    /** HL7 field values not yet split into components: splitting is paid only when text is scrubbed. */
    private final List<String> pending = new ArrayList<>();
    /**
     * Field values already split, whose parts are all in {@link #values}: a patient's next message
     * repeats most of them, and their parts need not be split and looked up again. Carried only
     * where all values are (never into a shortened copy).
     */
    private Set<String> expandedRaw = new HashSet<>();
    private String delimiters = "^~&";
    private List<Entry> sorted;
    private KnownValueIndex index;
    /**
     * True while {@link #values} and {@link #expandedRaw} are another instance's (see
     * {@link #addAll}): they are copied before the first change, the other instance's never change.
     */
    private boolean shared;

    public KnownIdentifiers() {
        this(16);
    }

    private KnownIdentifiers(int expectedValues) {
        values = new LinkedHashMap<>(Math.max(16, expectedValues * 4 / 3 + 1));
    }

    /**
     * Remembers an HL7 field value as it stands (components, repetitions, subcomponents); each part
     * becomes a known value, and a number split over components (XTN area code + local number) one more.
     *
     * @param delimiters component, repetition and subcomponent delimiters
     */
    public void addRaw(String raw, String delimiters) {
        pending.add(raw);
        this.delimiters = delimiters;
        changed();
    }

    private void expand() {
        if (pending.isEmpty()) {
            return;
        }
        own();
        char repetition = delimiters.charAt(1);
        for (String raw : pending) {
            if (!expandedRaw.add(raw)) {
                continue;
            }
            StringBuilder numeric = new StringBuilder();
            int numericParts = 0;
            int start = 0;
            for (int i = 0; i <= raw.length(); i++) {
                char c = i < raw.length() ? raw.charAt(i) : repetition;
                if (delimiters.indexOf(c) >= 0) {
                    if (i > start) {
                        String part = raw.substring(start, i);
                        add(part);
                        if (allDigits(part)) {
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

    /**
     * A value ready for matching: lower-cased, or its digits when it is a number. An entry whose kind
     * was given (a pseudonymized identifier, a birth date) is prepared only when text is scrubbed.
     */
    record Entry(String value, Kind kind, String lower, String digits) {

        static Entry unprepared(String value, Kind kind) {
            return new Entry(value, kind, null, null);
        }

        boolean prepared() {
            return lower != null;
        }

        static Entry of(String value, Kind known) {
            Kind kind = known == null ? kindOf(value) : known;
            String digits = digitsOf(value);
            boolean number = kind != Kind.DATE && digits.length() >= 5 && digits.length() * 2 >= value.length();
            return new Entry(value, kind, value.toLowerCase(Locale.ROOT), number ? digits : null);
        }
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
        if (!values.containsKey(v)) {
            own();
            values.put(v, null);
            changed();
        }
    }

    /** Remembers an identifier the record pseudonymizes (an MRN may be short: no length filter beyond 3). */
    public void addIdentifier(String value) {
        if (value != null && value.trim().length() >= 3) {
            put(value.trim(), Kind.ID);
        }
    }

    private void put(String value, Kind kind) {
        Entry entry = values.get(value);
        if (entry == null || entry.kind() != kind) {
            own();
            values.put(value, Entry.unprepared(value, kind));
            changed();
        }
    }

    /**
     * Adds what another record of the same patient made known. When the merge would only reproduce
     * {@code other} (this record made known nothing the patient's earlier records had not), this
     * takes over {@code other}'s values and matching structures instead: a patient's next message
     * then costs no merge of up to 200 values, no sort and no new index. Copied before any change.
     */
    public void addAll(KnownIdentifiers other) {
        if (other != null && mergeReproduces(other)) {
            values = other.values;
            expandedRaw = other.expandedRaw;
            pending.clear(); // all in other.expandedRaw: expanding them would add nothing
            sorted = other.sorted;
            index = other.index;
            shared = true;
            return;
        }
        merge(other);
    }

    /** The merge itself: this record's values first, then the other's, pending field values after both. */
    void merge(KnownIdentifiers other) {
        if (other != null) {
            own();
            other.values.forEach(values::putIfAbsent);
            pending.addAll(other.pending);
            if (!delimiters.equals(other.delimiters)) {
                expandedRaw.clear(); // split with other delimiters: split again
            } else if (expandedRaw.isEmpty()) {
                expandedRaw = new HashSet<>(other.expandedRaw);
            } else {
                expandedRaw.addAll(other.expandedRaw);
            }
            delimiters = other.delimiters;
            changed();
        }
    }

    /**
     * For {@link RecentPatients}, once the record is done: these values themselves if there are at
     * most {@code max} (the record's de-identification must not change them afterwards), else a copy
     * of the first {@code max}. Sharing saves a copy of up to {@code max} values per message.
     */
    KnownIdentifiers bounded(int max) {
        if (values.size() > max || pending.size() > max) {
            return copy(max);
        }
        // the matching structures are kept: the patient's next record takes them over when it adds nothing new
        return this;
    }

    /**
     * True if merging {@code other} into this would leave exactly {@code other}'s values, in its order
     * and of its kinds, with nothing left to expand: this record's values are the first of
     * {@code other}'s, its field values were all expanded there, with the same delimiters.
     */
    private boolean mergeReproduces(KnownIdentifiers other) {
        if (other.sorted == null || !other.pending.isEmpty() || !expandedRaw.isEmpty()
                || !delimiters.equals(other.delimiters) || values.size() > other.values.size()) {
            return false;
        }
        java.util.Iterator<Map.Entry<String, Entry>> theirs = other.values.entrySet().iterator();
        for (Map.Entry<String, Entry> mine : values.entrySet()) {
            Map.Entry<String, Entry> their = theirs.next();
            if (!mine.getKey().equals(their.getKey())
                    || kindOf(mine.getKey(), mine.getValue()) != kindOf(their.getKey(), their.getValue())) {
                return false;
            }
        }
        for (String raw : pending) {
            if (!other.expandedRaw.contains(raw)) {
                return false;
            }
        }
        return true;
    }

    /** The kind an entry is prepared with: its own, or worked out from the value. */
    private static Kind kindOf(String value, Entry entry) {
        return entry == null ? kindOf(value) : entry.kind();
    }

    /** Takes a private copy of values taken over from another instance, before the first change. */
    private void own() {
        if (shared) {
            values = new LinkedHashMap<>(values);
            expandedRaw = new HashSet<>(expandedRaw);
            shared = false;
        }
    }

    /** A copy holding at most {@code max} values, for {@link RecentPatients}. */
    public KnownIdentifiers copy(int max) {
        KnownIdentifiers copy = new KnownIdentifiers(Math.min(max, values.size()));
        int n = 0;
        for (Map.Entry<String, Entry> e : values.entrySet()) {
            if (n++ == max) {
                break;
            }
            copy.values.put(e.getKey(), e.getValue());
        }
        for (int i = 0; i < pending.size() && i < max; i++) {
            copy.pending.add(pending.get(i));
        }
        copy.delimiters = delimiters;
        return copy;
    }

    /** Remembers a birth date (HL7 YYYYMMDD or FHIR YYYY-MM-DD) in the forms people write it. */
    public void addDate(String value) {
        String digits = value.replace("-", "");
        if (digits.length() < 8 || !allDigits(digits.substring(0, 8))) {
            return;
        }
        String y = digits.substring(0, 4);
        String m = digits.substring(4, 6);
        String d = digits.substring(6, 8);
        int mi = Integer.parseInt(m);
        int di = Integer.parseInt(d);
        for (String form : List.of(y + m + d, y + "-" + m + "-" + d, m + "/" + d + "/" + y, mi + "/" + di + "/" + y,
                d + "." + m + "." + y, m + "/" + d + "/" + y.substring(2), mi + "/" + di + "/" + y.substring(2))) {
            put(form, Kind.DATE);
        }
    }

    public boolean isEmpty() {
        return values.isEmpty() && pending.isEmpty();
    }

    private void changed() {
        sorted = null;
        index = null;
    }

    /** Longest first, so "John Smith" is replaced before "John"; equally long ones in the order they became known. */
    List<Entry> entries() {
        expand();
        if (sorted == null) {
            own(); // entries are prepared in place
            List<Entry> list = new ArrayList<>(values.size());
            for (Map.Entry<String, Entry> e : values.entrySet()) {
                Entry entry = e.getValue();
                if (entry == null || !entry.prepared()) {
                    entry = Entry.of(e.getKey(), entry == null ? null : entry.kind());
                    e.setValue(entry);
                }
                list.add(entry);
            }
            sorted = longestFirst(list);
        }
        return sorted;
    }

    /** A stable counting sort by length, longest first: equally long values keep the order they became known in. */
    private static List<Entry> longestFirst(List<Entry> entries) {
        int longest = 0;
        for (Entry e : entries) {
            longest = Math.max(longest, e.value().length());
        }
        int[] startOfLength = new int[longest + 2];
        for (Entry e : entries) {
            startOfLength[longest - e.value().length() + 1]++;
        }
        for (int i = 1; i < startOfLength.length; i++) {
            startOfLength[i] += startOfLength[i - 1];
        }
        Entry[] sorted = new Entry[entries.size()];
        for (Entry e : entries) {
            sorted[startOfLength[longest - e.value().length()]++] = e;
        }
        return java.util.Arrays.asList(sorted);
    }

    private static boolean allDigits(String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
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

    /** One pass over the value instead of a stream per property and a regular expression for phone numbers. */
    static Kind kindOf(String v) {
        if (v.indexOf('@') > 0) {
            return Kind.EMAIL;
        }
        int digits = 0;
        int letters = 0;
        boolean phoneCharsOnly = true;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (Character.isDigit(c)) {
                digits++;
            }
            if (Character.isLetter(c)) {
                letters++;
            }
            // [\d()+ .-]: \d is ASCII-only in a regular expression without UNICODE_CHARACTER_CLASS
            phoneCharsOnly &= (c >= '0' && c <= '9') || "()+ .-".indexOf(c) >= 0;
        }
        if (digits == 0) {
            return v.trim().split(" ").length > 2 ? Kind.ADDRESS : Kind.NAME;
        }
        if (letters > 2 && v.indexOf(' ') > 0) {
            return Kind.ADDRESS;
        }
        if (digits >= 10 && letters == 0 && phoneCharsOnly && !v.isEmpty()) {
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
        if (index == null) {
            String[] lower = new String[entries.size()];
            String[] digits = new String[entries.size()];
            for (int i = 0; i < lower.length; i++) {
                lower[i] = entries.get(i).lower();
                digits[i] = entries.get(i).digits();
            }
            index = new KnownValueIndex(lower, digits);
        }
        int[] ranges = index.find(text);
        if (ranges.length == 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int last = 0;
        for (int r = 0; r < ranges.length; r += 3) {
            Kind kind = entries.get(ranges[r + 2]).kind();
            out.append(text, last, ranges[r]).append(kind.placeholder);
            last = ranges[r + 1];
            changes.scrubbed(kind.placeholder);
        }
        return out.append(text, last, text.length()).toString();
    }
}
