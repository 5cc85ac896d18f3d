package org.clinicaldatahub.hub.audit.internal;

import java.io.IOException;
import java.util.Arrays;

/**
 * A signed checkpoint line, written after the events it covers:
 * <pre>{"cause":"interval","digests":"…","from":1,"head":"…","keyId":"…","node":"hub-1","root":"…",
 * "sig":"…","time":"…","to":1000,"type":"checkpoint","v":1}</pre>
 * <ul>
 * <li>{@code from}..{@code to}: the events covered; checkpoints of a node cover contiguous ranges.</li>
 * <li>{@code head}: SHA-256 of the line of event {@code to}, binding the hash chain up to there.</li>
 * <li>{@code root}: RFC 9162 Merkle Tree Hash over the covered events' line hashes (inclusion proofs).</li>
 * <li>{@code digests}: the first 8 bytes of each covered event's line hash, in order, as hex. They
 * add no security (head and root do that) but let a verifier name exactly which event was changed,
 * inserted, removed or moved even when an attacker recomputed the whole hash chain.</li>
 * <li>{@code cause}: {@code interval}, {@code flush}, {@code roll} (last record of a segment) or
 * {@code final} (clean shutdown).</li>
 * <li>{@code sig}: Ed25519 (RFC 8032) over the canonical JSON of all other fields, hex.</li>
 * </ul>
 */
public record Checkpoint(String type, int v, String node, long from, long to, String head, String root,
                         String digests, String cause, String time, String keyId, String sig) {

    public static final String TYPE = "checkpoint";
    public static final int VERSION = 1;
    /** Hex digits of one event digest in {@link #digests()}. */
    public static final int DIGEST_HEX = 16;

    public static final String INTERVAL = "interval";
    public static final String FLUSH = "flush";
    public static final String ROLL = "roll";
    public static final String FINAL = "final";

    /** Number of events covered. */
    public long count() {
        return to - from + 1;
    }

    /** The bytes the signature covers: this checkpoint without {@code sig}, canonical. */
    public byte[] signedBytes() {
        return CanonicalJson.write(new Checkpoint(type, v, node, from, to, head, root, digests, cause, time, keyId, null));
    }

    /** The canonical line (without terminator). */
    public byte[] line() {
        return CanonicalJson.write(this);
    }

    /** Digest of the {@code i}-th covered event (0-based). */
    public String digest(int i) {
        return digests.substring(i * DIGEST_HEX, (i + 1) * DIGEST_HEX);
    }

    /**
     * Parses a line strictly and checks it is canonical: the same checkpoint written again must
     * give the same bytes, so nothing outside the signed fields can be smuggled into the line.
     */
    public static Checkpoint parse(byte[] line) throws IOException {
        Checkpoint cp = CanonicalJson.read(line, Checkpoint.class);
        if (!TYPE.equals(cp.type) || cp.v != VERSION || cp.node == null || cp.head == null || cp.root == null
                || cp.digests == null || cp.cause == null || cp.sig == null || cp.to < cp.from
                || cp.digests.length() != cp.count() * DIGEST_HEX) {
            throw new IOException("checkpoint line lacks fields or is inconsistent");
        }
        if (!Arrays.equals(cp.line(), line)) {
            throw new IOException("checkpoint line is not in canonical form");
        }
        return cp;
    }
}
