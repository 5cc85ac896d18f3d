package org.clinicaldatahub.hub.storage;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 helpers; every stored object and audited payload is referenced by this digest. */
public final class Sha256 {

    private Sha256() {
    }

    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }

    public static byte[] digest(byte[] bytes) {
        return newDigest().digest(bytes);
    }

    /** The SHA-256 of {@code bytes}, as 64 lower-case hex digits (it hashes; it does not just hex-encode). */
    public static String hexDigest(byte[] bytes) {
        return HexFormat.of().formatHex(digest(bytes));
    }
}
