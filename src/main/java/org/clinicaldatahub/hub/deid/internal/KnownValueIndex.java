package org.clinicaldatahub.hub.deid.internal;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Finds a patient's known values in a text in one pass: values are bucketed by their first
 * character (numbers by their first digit), and at each position where a value may begin, only the
 * values of that bucket are compared. Which occurrence wins where two overlap is decided as a
 * search value by value would decide it: lower rank (longer value) first, for one value its
 * digit-only occurrences before its plain ones, then left to right.
 *
 * <p>A value matches case-insensitively on word boundaries (not inside a word, not inside a
 * {@code [PLACEHOLDER]}); a number also matches with other separators or none: its digits are
 * compared with the text's digits, where a character other than {@code - . space ( ) /} breaks a
 * number.
 */
public final class KnownValueIndex {

    private static final int[] NONE = new int[0];
    private static final String NUMBER_SEPARATORS = "-. ()/";

    private final String[] lower;
    private final String[] digits;
    /** Ranks of the plain values by first character: ASCII in an array, the rest in a map. */
    private final int[][] byAsciiChar = new int[128][];
    private final Map<Character, int[]> byOtherChar = new HashMap<>();
    /** Ranks of the numbers by first digit. */
    private final int[][] byDigit = new int[10][];

    /**
     * @param lower  the values lower-cased (Locale.ROOT), by rank
     * @param digits for each value its digits if it is matched as a number, else null
     */
    public KnownValueIndex(String[] lower, String[] digits) {
        this.lower = lower;
        this.digits = digits;
        for (int rank = 0; rank < lower.length; rank++) {
            char first = lower[rank].charAt(0);
            if (first < 128) {
                byAsciiChar[first] = append(byAsciiChar[first], rank);
            } else {
                byOtherChar.merge(first, new int[] {rank}, KnownValueIndex::concat);
            }
            if (digits[rank] != null && digits[rank].length() >= 2) {
                int d = digits[rank].charAt(0) - '0';
                byDigit[d] = append(byDigit[d], rank);
            }
        }
    }

    /** The occurrences that win, as {@code start, end, rank} triples ordered by start. */
    public int[] find(String text) {
        int n = text.length();
        Occurrences found = new Occurrences();
        String textLower = text.toLowerCase(Locale.ROOT);
        if (textLower.length() == n) {
            for (int i = 0; i < n; i++) {
                if (mayStartAt(text, i)) {
                    char c = textLower.charAt(i);
                    int[] ranks = c < 128 ? byAsciiChar[c] : byOtherChar.get(c);
                    if (ranks != null) {
                        char second = i + 1 < n ? textLower.charAt(i + 1) : 0;
                        for (int rank : ranks) {
                            // the second character first: most values of a bucket differ there (values have three or more)
                            if ((lower[rank].length() < 2 || lower[rank].charAt(1) == second) && textLower.startsWith(lower[rank], i)) {
                                found.add(rank, 1, i);
                            }
                        }
                    }
                }
            }
        }
        // the text's digits with their positions; a non-separator between digits breaks a number ('x')
        char[] digitText = new char[n];
        int[] digitPos = new int[n];
        int dn = 0;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                digitText[dn] = c;
                digitPos[dn++] = i;
            } else if (NUMBER_SEPARATORS.indexOf(c) < 0 && dn > 0 && digitText[dn - 1] != 'x') {
                digitText[dn] = 'x';
                digitPos[dn++] = -1;
            }
        }
        for (int k = 0; k < dn; k++) {
            char c = digitText[k];
            if (c != 'x' && mayStartAt(text, digitPos[k])) {
                int[] ranks = byDigit[c - '0'];
                if (ranks != null && k + 1 < dn) {
                    char second = digitText[k + 1];
                    for (int rank : ranks) {
                        // numbers have five digits or more: compare the second before the rest
                        if (digits[rank].charAt(1) == second && regionEquals(digitText, dn, k, digits[rank])) {
                            found.add(rank, 0, k);
                        }
                    }
                }
            }
        }
        if (found.size == 0) {
            return NONE;
        }
        return claim(text, found, digitPos);
    }

    /** Takes the occurrences in rank order where they end on a word boundary and overlap nothing taken. */
    private int[] claim(String text, Occurrences found, int[] digitPos) {
        long[] keys = Arrays.copyOf(found.keys, found.size);
        sort(keys);
        boolean[] taken = new boolean[text.length()];
        int[] ranges = new int[keys.length * 3];
        int count = 0;
        for (long key : keys) {
            int rank = (int) (key >>> 33);
            boolean number = ((key >>> 32) & 1) == 0;
            int position = (int) key;
            int start = number ? digitPos[position] : position;
            int end = number ? digitPos[position + digits[rank].length() - 1] + 1 : position + lower[rank].length();
            if (end < text.length() && (Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == ']')) {
                continue;
            }
            boolean free = true;
            for (int i = start; i < end && free; i++) {
                free = !taken[i];
            }
            if (!free) {
                continue;
            }
            Arrays.fill(taken, start, end, true);
            ranges[count++] = start;
            ranges[count++] = end;
            ranges[count++] = rank;
        }
        return sortByStart(Arrays.copyOf(ranges, count));
    }

    /** Not inside a word or right after a placeholder's opening bracket. */
    private static boolean mayStartAt(String text, int i) {
        if (i == 0) {
            return true;
        }
        char before = text.charAt(i - 1);
        return !Character.isLetterOrDigit(before) && before != '[';
    }

    private static boolean regionEquals(char[] text, int length, int offset, String value) {
        if (offset + value.length() > length) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            if (text[offset + i] != value.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int[] sortByStart(int[] triples) {
        int n = triples.length / 3;
        long[] byStart = new long[n];
        for (int t = 0; t < n; t++) {
            byStart[t] = ((long) triples[t * 3] << 32) | t;
        }
        Arrays.sort(byStart);
        int[] sorted = new int[triples.length];
        for (int t = 0; t < n; t++) {
            int from = (int) byStart[t] * 3;
            System.arraycopy(triples, from, sorted, t * 3, 3);
        }
        return sorted;
    }

    /** A text has a handful of occurrences: insertion sort, without Arrays.sort's set-up. */
    private static void sort(long[] keys) {
        if (keys.length > 12) {
            Arrays.sort(keys);
            return;
        }
        for (int i = 1; i < keys.length; i++) {
            long key = keys[i];
            int j = i - 1;
            while (j >= 0 && keys[j] > key) {
                keys[j + 1] = keys[j];
                j--;
            }
            keys[j + 1] = key;
        }
    }

    private static int[] append(int[] ranks, int rank) {
        if (ranks == null) {
            return new int[] {rank};
        }
        int[] more = Arrays.copyOf(ranks, ranks.length + 1);
        more[ranks.length] = rank;
        return more;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    /** Occurrences as sortable keys: rank, then 0 for a number match or 1 for a plain one, then position. */
    private static final class Occurrences {
        long[] keys = new long[16];
        int size;

        void add(int rank, int plain, int position) {
            if (size == keys.length) {
                keys = Arrays.copyOf(keys, size * 2);
            }
            keys[size++] = ((long) rank << 33) | ((long) plain << 32) | position;
        }
    }
}
