package org.clinicaldatahub.hub.audit.internal;

import java.security.MessageDigest;
import java.util.List;

/**
 * Merkle Tree Hash of RFC 9162 (Certificate Transparency 2.0) section 2.1.1 over the events of
 * one checkpoint. The entries are the events' SHA-256 line hashes, so a single event can later be
 * proven to belong to a signed checkpoint with an audit path of log2(n) hashes, without handing
 * out the other events of the range.
 */
public final class Merkle {

    private Merkle() {
    }

    /** MTH(D[n]) for the given 32-byte entries. */
    public static byte[] root(List<byte[]> entries) {
        MessageDigest digest = Sha256.newDigest();
        if (entries.isEmpty()) {
            return digest.digest();
        }
        return subtree(entries, 0, entries.size(), digest);
    }

    private static byte[] subtree(List<byte[]> entries, int from, int to, MessageDigest digest) {
        int n = to - from;
        if (n == 1) {
            digest.update((byte) 0x00);
            digest.update(entries.get(from));
            return digest.digest();
        }
        int k = Integer.highestOneBit(n - 1);
        byte[] left = subtree(entries, from, from + k, digest);
        byte[] right = subtree(entries, from + k, to, digest);
        digest.update((byte) 0x01);
        digest.update(left);
        digest.update(right);
        return digest.digest();
    }
}
