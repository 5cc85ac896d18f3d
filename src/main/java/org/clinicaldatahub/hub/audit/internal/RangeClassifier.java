package org.clinicaldatahub.hub.audit.internal;

import java.util.List;
import org.clinicaldatahub.hub.audit.AuditVerificationResult.Kind;

/**
 * Names what happened to a range of events that failed verification, and where.
 * <p>
 * {@link #byChain} works from the hash chain alone (any range, including the unsigned tail): at
 * the first event that does not follow its predecessor it looks at the neighbours. A line whose
 * successor still links to it but which does not link back was changed in its link or sequence;
 * a predecessor the successor no longer matches was changed in its content; a sequence number
 * ahead of the expected one means removal, unless the expected one turns up later (reordering);
 * two events claiming the same predecessor mean one was inserted, and the one the chain goes on
 * from is the original.
 * <p>
 * {@link #byDigests} works from a checkpoint whose signature verified: its per-event digests are
 * the original order of the original events, so the first position where the file differs is
 * exact even when an attacker recomputed the whole chain.
 */
final class RangeClassifier {

    private RangeClassifier() {
    }

    /**
     * @param range events since the last good checkpoint
     * @param first index of the first event that did not follow its predecessor
     * @param startHead hash the range chains from (previous checkpoint's head, or the genesis value)
     * @param startSeq sequence number the range starts at
     * @param trustedNextLink hash a correct last event must have (a verified checkpoint's head), or null
     */
    static Finding byChain(List<ChainEntry> range, int first, byte[] startHead, long startSeq, String trustedNextLink) {
        ChainEntry e = range.get(first);
        if (!e.readable()) {
            return Finding.at(e, Kind.CHANGED_EVENT, first == 0 ? startSeq : range.get(first - 1).seq() + 1,
                    "unreadable record");
        }
        String predecessor = first == 0 ? Hex.encode(startHead) : range.get(first - 1).hashHex();
        long expected = first == 0 ? startSeq : range.get(first - 1).seq() + 1;
        boolean linkOk = predecessor.equals(e.prev());
        boolean seqOk = e.seq() == expected;
        if (linkOk && seqOk) {
            return Finding.at(e, Kind.CHANGED_EVENT, e.seq(), "event names node " + e.node());
        }
        if (seqOk) {
            if (first > 0 && nextLinksTo(range, first, trustedNextLink)) {
                ChainEntry changed = range.get(first - 1);
                return Finding.at(changed, Kind.CHANGED_EVENT, changed.seq(), "content differs from what the next event chained to");
            }
            return Finding.at(e, Kind.CHANGED_EVENT, e.seq(), "chain link altered");
        }
        if (linkOk) {
            return Finding.at(e, Kind.CHANGED_EVENT, expected, "sequence number altered to " + e.seq());
        }
        if (e.seq() > expected) {
            for (int k = first + 1; k < range.size(); k++) {
                ChainEntry later = range.get(k);
                if (later.seq() == expected || predecessor.equals(later.prev())) {
                    return Finding.at(e, Kind.REORDERED_EVENTS, e.seq(), "seq " + expected + " appears later, at line "
                            + later.line());
                }
            }
            String missing = e.seq() - 1 == expected ? "seq " + expected : "seq " + expected + ".." + (e.seq() - 1);
            return Finding.at(e, Kind.REMOVED_EVENT, expected, missing + " missing");
        }
        if (first > 0 && e.prev() != null && e.prev().equals(range.get(first - 1).prev())) {
            // two events claim the same predecessor: the chain continues from the original
            ChainEntry other = range.get(first - 1);
            if (nextLinksTo(range, first, trustedNextLink)) {
                return Finding.at(other, Kind.INSERTED_EVENT, other.seq(), "not part of the chain");
            }
            return Finding.at(e, Kind.INSERTED_EVENT, e.seq(), "not part of the chain");
        }
        for (int k = 0; k < first; k++) {
            if (range.get(k).seq() == e.seq()) {
                return Finding.at(e, Kind.INSERTED_EVENT, e.seq(), "second copy of seq " + e.seq());
            }
        }
        return Finding.at(e, Kind.REORDERED_EVENTS, e.seq(), "seq " + e.seq() + " after seq " + (expected - 1));
    }

    /** True when what follows entry {@code i} links to its hash. */
    private static boolean nextLinksTo(List<ChainEntry> range, int i, String trustedNextLink) {
        String hash = range.get(i).hashHex();
        if (i + 1 < range.size()) {
            return hash.equals(range.get(i + 1).prev());
        }
        return hash.equals(trustedNextLink);
    }

    /**
     * @param range events since the last good checkpoint; the checkpoint's {@code from} equals the range start
     * @param cp a checkpoint whose signature verified
     * @return the first difference, or null when the range is exactly what was signed
     */
    static Finding byDigests(List<ChainEntry> range, Checkpoint cp, String cpSegment, long cpLine, long cpOrdinal) {
        int m = range.size();
        long n = cp.count();
        int j = 0;
        while (j < m && j < n && range.get(j).digest().equals(cp.digest(j))) {
            j++;
        }
        if (j == m && j == n) {
            return null;
        }
        if (j == m) {
            long missing = cp.from() + j;
            String what = missing == cp.to() ? "seq " + missing : "seq " + missing + ".." + cp.to();
            return Finding.at(cpSegment, cpLine, cpOrdinal, Kind.REMOVED_EVENT, missing, what + " signed but missing");
        }
        ChainEntry e = range.get(j);
        if (j == n) {
            return Finding.at(e, Kind.INSERTED_EVENT, e.seq(), "after the last signed event");
        }
        int original = indexOf(cp, e.digest());
        if (original < 0) {
            return m > n ? Finding.at(e, Kind.INSERTED_EVENT, e.seq(), "not signed by checkpoint " + cp.from() + ".." + cp.to())
                    : Finding.at(e, Kind.CHANGED_EVENT, cp.from() + j, "differs from the signed event");
        }
        if (original > j) {
            String expectedDigest = cp.digest(j);
            for (int k = j + 1; k < m; k++) {
                if (range.get(k).digest().equals(expectedDigest)) {
                    return Finding.at(e, Kind.REORDERED_EVENTS, cp.from() + original,
                            "signed as seq " + (cp.from() + original) + ", found in place of seq " + (cp.from() + j));
                }
            }
            return Finding.at(e, Kind.REMOVED_EVENT, cp.from() + j, "signed seq " + (cp.from() + j) + " missing");
        }
        return Finding.at(e, Kind.INSERTED_EVENT, cp.from() + original, "second copy of signed seq " + (cp.from() + original));
    }

    private static int indexOf(Checkpoint cp, String digest) {
        String all = cp.digests();
        for (int i = 0; i < cp.count(); i++) {
            if (all.regionMatches(i * Checkpoint.DIGEST_HEX, digest, 0, Checkpoint.DIGEST_HEX)) {
                return i;
            }
        }
        return -1;
    }
}
