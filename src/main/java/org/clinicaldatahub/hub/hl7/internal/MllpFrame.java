package org.clinicaldatahub.hub.hl7.internal;

/** What the MLLP decoder hands to the route: a message or one of the ways input can be wrong. */
public sealed interface MllpFrame {

    /** Bytes the route can answer about and quarantine. */
    byte[] bytes();

    /** A complete block within the size limit. */
    record Message(byte[] bytes) implements MllpFrame {
    }

    /** A block larger than the limit; only its first bytes are kept. */
    record Oversize(byte[] bytes, long length) implements MllpFrame {
    }

    /** A block cut short by a new start byte or by the peer closing the connection. */
    record Truncated(byte[] bytes) implements MllpFrame {
    }

    /** Bytes outside any block that are not whitespace: not an MLLP sender. */
    record Unframed(byte[] bytes) implements MllpFrame {
    }
}
