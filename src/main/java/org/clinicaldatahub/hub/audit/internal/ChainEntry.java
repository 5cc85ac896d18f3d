package org.clinicaldatahub.hub.audit.internal;

/**
 * An event line as the verifier found it: where it is, what it claims (sequence number, chain
 * link, node) and the hash of its bytes. {@code readable} is false for a line that is not a
 * well-formed event; its claims are then empty.
 */
record ChainEntry(String segment, long line, long ordinal, long seq, String prev, String node, byte[] hash,
                  boolean readable) {

    /** The 16-hex-digit prefix of the line hash, as in {@link Checkpoint#digests()}. */
    String digest() {
        return Hex.encode(hash, 0, Checkpoint.DIGEST_HEX / 2);
    }

    String hashHex() {
        return Hex.encode(hash);
    }
}
