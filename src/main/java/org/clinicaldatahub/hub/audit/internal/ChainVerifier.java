package org.clinicaldatahub.hub.audit.internal;

import java.io.IOException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import org.clinicaldatahub.hub.audit.AuditSigningKeys;
import org.clinicaldatahub.hub.audit.AuditVerificationResult.Kind;
import org.clinicaldatahub.hub.audit.AuditVerificationResult.Problem;

/**
 * Verifies the chain of one node, fed line by line in log order. Events since the last good
 * checkpoint are buffered (about 150 bytes each); at the next checkpoint the range is checked
 * against the chain and, when the signature verifies, against the signed digests, and the
 * earliest problem of the two is reported. See {@link RangeClassifier} for how problems are named.
 * <p>
 * Tail rule: a log must end with the {@code final} checkpoint written at a clean shutdown.
 * Anything else (events after the last checkpoint, a last checkpoint of another cause, a torn
 * last line) is reported as a truncated tail, because locally a crash and a cut-off tail look
 * the same. Verifying a running or crashed node's log therefore needs {@code allowOpenTail},
 * which reports those events as the unsigned tail instead. After a crash the restarted node
 * records a {@code recovered} event and signs the unsigned tail with its next checkpoint.
 */
public final class ChainVerifier {

    private final String node;
    private final PublicKey publicKey;
    private final String keyId;
    private final List<ChainEntry> range = new ArrayList<>();
    private byte[] rangeStartHead;
    private long rangeStartSeq = 1;
    private int firstAnomaly = -1;
    private long ordinal;
    private long events;
    private long checkpoints;
    private long unsignedTail;
    private String lastCause;
    private String lastSegment;
    private long lastLine;
    private LineReader.Line torn;
    private String tornSegment;

    public ChainVerifier(String node, PublicKey publicKey) {
        this.node = node;
        this.publicKey = publicKey;
        this.keyId = AuditSigningKeys.keyIdOf(publicKey);
        this.rangeStartHead = Sha256.genesis(node);
    }

    /** Takes the next line; returns the first problem once it is certain, else null. */
    public Problem accept(String segment, LineReader.Line line, boolean lastOfLog) {
        ordinal++;
        if (!line.terminated() && lastOfLog) {
            torn = line;
            tornSegment = segment;
            return null;
        }
        lastSegment = segment;
        lastLine = line.number();
        RecordHead head = line.terminated() ? RecordHead.read(line.bytes()) : null;
        if (head != null && head.isCheckpoint()) {
            Finding finding = checkpoint(segment, line);
            return finding == null ? null : finding.problem();
        }
        events++;
        boolean readable = head != null && head.isEvent() && head.seq() >= 0 && head.prev() != null && head.node() != null;
        ChainEntry entry = new ChainEntry(segment, line.number(), ordinal, readable ? head.seq() : -1,
                readable ? head.prev() : null, readable ? head.node() : null, Sha256.hash(line.bytes()), readable);
        range.add(entry);
        if (firstAnomaly < 0 && !follows(entry)) {
            firstAnomaly = range.size() - 1;
        }
        return null;
    }

    /** Call after the last line; reports anomalies of the unsigned tail and the tail rule. */
    public Problem finish(boolean allowOpenTail) {
        if (firstAnomaly >= 0) {
            return RangeClassifier.byChain(range, firstAnomaly, rangeStartHead, rangeStartSeq, null).problem();
        }
        unsignedTail = range.size();
        long lastSeq = range.isEmpty() ? rangeStartSeq - 1 : range.get(range.size() - 1).seq();
        if (allowOpenTail) {
            return null;
        }
        if (torn != null) {
            return new Problem(Kind.TRUNCATED_TAIL, tornSegment, torn.number(), lastSeq,
                    "incomplete last record after seq " + lastSeq);
        }
        if (!range.isEmpty()) {
            return new Problem(Kind.TRUNCATED_TAIL, lastSegment, lastLine, lastSeq, "log ends without the final "
                    + "checkpoint of a clean shutdown; " + range.size() + " events unsigned");
        }
        if (lastCause == null) {
            return new Problem(Kind.TRUNCATED_TAIL, lastSegment, lastLine, lastSeq, "no records");
        }
        if (!Checkpoint.FINAL.equals(lastCause)) {
            String what = Checkpoint.ROLL.equals(lastCause) ? "the segment after seq " + lastSeq + " is missing"
                    : "log ends with a " + lastCause + " checkpoint, not the final one of a clean shutdown";
            return new Problem(Kind.TRUNCATED_TAIL, lastSegment, lastLine, lastSeq, what);
        }
        return null;
    }

    public long events() {
        return events;
    }

    public long checkpoints() {
        return checkpoints;
    }

    public long unsignedTail() {
        return unsignedTail;
    }

    private boolean follows(ChainEntry e) {
        if (!e.readable() || !node.equals(e.node())) {
            return false;
        }
        if (range.size() == 1) {
            return e.seq() == rangeStartSeq && Hex.encode(rangeStartHead).equals(e.prev());
        }
        ChainEntry before = range.get(range.size() - 2);
        return e.seq() == before.seq() + 1 && before.hashHex().equals(e.prev());
    }

    private Finding checkpoint(String segment, LineReader.Line line) {
        long lineOrdinal = ordinal;
        long lastSeq = range.isEmpty() ? rangeStartSeq - 1 : range.get(range.size() - 1).seq();
        Checkpoint cp;
        try {
            cp = Checkpoint.parse(line.bytes());
        } catch (IOException e) {
            return Finding.earliest(chainFinding(null),
                    Finding.at(segment, line.number(), lineOrdinal, Kind.CHANGED_CHECKPOINT, lastSeq,
                            "unreadable or not canonical"));
        }
        if (!signatureValid(cp)) {
            String detail = keyId.equals(cp.keyId()) ? "checkpoint " + cp.from() + ".." + cp.to()
                    : "signed with key " + cp.keyId() + ", expected " + keyId;
            return Finding.earliest(chainFinding(null),
                    Finding.at(segment, line.number(), lineOrdinal, Kind.BAD_SIGNATURE, cp.to(), detail));
        }
        checkpoints++;
        if (!node.equals(cp.node())) {
            return Finding.earliest(chainFinding(null), Finding.at(segment, line.number(), lineOrdinal,
                    Kind.CHANGED_CHECKPOINT, cp.to(), "checkpoint of node " + cp.node()));
        }
        if (cp.from() != rangeStartSeq) {
            Finding chain = chainFinding(null);
            if (chain != null) {
                return chain;
            }
            if (cp.from() > rangeStartSeq) {
                ChainEntry before = findSeq(cp.from() - 1);
                String detail = "no checkpoint signs seq " + rangeStartSeq + ".." + (cp.from() - 1);
                return before != null ? Finding.at(before, Kind.REMOVED_CHECKPOINT, cp.from() - 1, detail)
                        : Finding.at(segment, line.number(), lineOrdinal, Kind.REMOVED_CHECKPOINT, cp.from() - 1, detail);
            }
            return Finding.at(segment, line.number(), lineOrdinal, Kind.CHANGED_CHECKPOINT, cp.to(),
                    "covers seq " + cp.from() + ".." + cp.to() + " but seq " + (rangeStartSeq - 1) + " was already signed");
        }
        Finding found = Finding.earliest(chainFinding(cp.head()),
                RangeClassifier.byDigests(range, cp, segment, line.number(), lineOrdinal));
        if (found != null) {
            return found;
        }
        List<byte[]> hashes = new ArrayList<>(range.size());
        range.forEach(e -> hashes.add(e.hash()));
        ChainEntry last = range.get(range.size() - 1);
        if (!cp.head().equals(last.hashHex()) || !cp.root().equals(Hex.encode(Merkle.root(hashes)))) {
            return Finding.at(last, Kind.CHANGED_EVENT, last.seq(), "differs from the signed chain head");
        }
        rangeStartHead = last.hash();
        rangeStartSeq = cp.to() + 1;
        range.clear();
        lastCause = cp.cause();
        return null;
    }

    private Finding chainFinding(String trustedNextLink) {
        return firstAnomaly < 0 ? null
                : RangeClassifier.byChain(range, firstAnomaly, rangeStartHead, rangeStartSeq, trustedNextLink);
    }

    private ChainEntry findSeq(long seq) {
        for (ChainEntry e : range) {
            if (e.seq() == seq) {
                return e;
            }
        }
        return null;
    }

    private boolean signatureValid(Checkpoint cp) {
        if (!keyId.equals(cp.keyId())) {
            return false;
        }
        try {
            return AuditSigningKeys.verify(publicKey, cp.signedBytes(), Hex.decode(cp.sig()));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
