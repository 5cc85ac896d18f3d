package org.clinicaldatahub.hub.audit.internal;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * The few DER encodings (ITU-T X.690) an Ed25519 self-signed certificate needs. The JDK has no
 * public API for making certificates, and a PKCS12 private key entry must come with one.
 */
public final class Der {

    /** OID 1.3.101.112, id-Ed25519 (RFC 8410). */
    public static final byte[] OID_ED25519 = {0x06, 0x03, 0x2b, 0x65, 0x70};
    /** OID 2.5.4.3, id-at-commonName (RFC 5280). */
    public static final byte[] OID_COMMON_NAME = {0x06, 0x03, 0x55, 0x04, 0x03};

    private Der() {
    }

    public static byte[] sequence(byte[]... parts) {
        return tagged(0x30, concat(parts));
    }

    public static byte[] set(byte[]... parts) {
        return tagged(0x31, concat(parts));
    }

    public static byte[] integer(BigInteger value) {
        return tagged(0x02, value.toByteArray());
    }

    public static byte[] utf8String(String value) {
        return tagged(0x0c, value.getBytes(StandardCharsets.UTF_8));
    }

    /** UTCTime, valid for the years 1950 to 2049 (RFC 5280 4.1.2.5.1), e.g. {@code 261103101530Z}. */
    public static byte[] utcTime(String yyMMddHHmmssZ) {
        return tagged(0x17, yyMMddHHmmssZ.getBytes(StandardCharsets.US_ASCII));
    }

    /** GeneralizedTime, e.g. {@code 99991231235959Z}, RFC 5280's "no well-defined expiration". */
    public static byte[] generalizedTime(String yyyyMMddHHmmssZ) {
        return tagged(0x18, yyyyMMddHHmmssZ.getBytes(StandardCharsets.US_ASCII));
    }

    public static byte[] bitString(byte[] bits) {
        byte[] content = new byte[bits.length + 1];
        System.arraycopy(bits, 0, content, 1, bits.length);
        return tagged(0x03, content);
    }

    /** Context-specific constructed tag {@code [n] EXPLICIT}. */
    public static byte[] explicit(int n, byte[] inner) {
        return tagged(0xa0 | n, inner);
    }

    public static byte[] tagged(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else {
            int bytes = (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(length >>> (8 * i));
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
