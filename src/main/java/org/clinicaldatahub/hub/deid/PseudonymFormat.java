package org.clinicaldatahub.hub.deid;

import java.math.BigInteger;

/**
 * How a pseudonym is spelled: a prefix and either base32 (RFC 4648 alphabet, no padding) or
 * decimal digits, of a fixed length. Receiving systems differ in what an identifier may look like
 * (some only take digits), hence the choice.
 */
public record PseudonymFormat(String prefix, Alphabet alphabet, int length) {

    /** The characters a pseudonym is written with. */
    public enum Alphabet { BASE32, NUMERIC }

    private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();

    public PseudonymFormat {
        prefix = prefix == null ? "" : prefix;
        if (alphabet == null) {
            throw new IllegalArgumentException("hub.deid.pseudonym.alphabet must be base32 or numeric");
        }
        // below these the chance that two patients share a pseudonym stops being negligible
        int minimum = alphabet == Alphabet.BASE32 ? 13 : 18;
        int maximum = alphabet == Alphabet.BASE32 ? 51 : 60;
        if (length < minimum || length > maximum) {
            throw new IllegalArgumentException("hub.deid.pseudonym.length for " + alphabet.name().toLowerCase()
                    + " must be between " + minimum + " and " + maximum + ", was " + length);
        }
    }

    /** Spells the leading bits of {@code hash} (at least 32 bytes). */
    public String format(byte[] hash) {
        StringBuilder out = new StringBuilder(prefix.length() + length).append(prefix);
        if (alphabet == Alphabet.BASE32) {
            int buffer = 0;
            int bits = 0;
            int index = 0;
            while (out.length() < prefix.length() + length) {
                if (bits < 5) {
                    buffer = (buffer << 8) | (hash[index++] & 0xff);
                    bits += 8;
                }
                out.append(BASE32[(buffer >>> (bits - 5)) & 31]);
                bits -= 5;
            }
            return out.toString();
        }
        // 256 bits reduced modulo 10^length (at most 10^60): the bias is below 10^-16
        String digits = new BigInteger(1, hash).mod(BigInteger.TEN.pow(length)).toString();
        return out.append("0".repeat(length - digits.length())).append(digits).toString();
    }
}
