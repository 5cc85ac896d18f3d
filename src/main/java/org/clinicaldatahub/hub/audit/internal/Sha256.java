package org.clinicaldatahub.hub.audit.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256 (FIPS 180-4) helpers for the hash chain. The genesis value gives every node its own
 * chain start, so segments of two nodes can never be spliced into one valid chain.
 */
public final class Sha256 {

    /** Length of a SHA-256 digest in bytes. */
    public static final int LENGTH = 32;

    private static final String GENESIS_PREFIX = "clinical-data-hub/audit/genesis/v1:";

    private Sha256() {
    }

    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is mandatory in every Java runtime", e);
        }
    }

    public static byte[] hash(byte[] data) {
        return newDigest().digest(data);
    }

    public static byte[] hash(byte[] data, int offset, int length) {
        MessageDigest digest = newDigest();
        digest.update(data, offset, length);
        return digest.digest();
    }

    /** The {@code prev} value of a node's first event: SHA-256 of a fixed prefix and the node id. */
    public static byte[] genesis(String nodeId) {
        return hash((GENESIS_PREFIX + nodeId).getBytes(StandardCharsets.UTF_8));
    }
}
