package org.clinicaldatahub.hub.hl7.support;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * Character sets a synthetic message can be encoded in, with the MSH-18 value that announces it.
 *
 * <p>HL7 v2 chapter 2 (MSH-18, table 0211) says the bytes use ASCII unless MSH-18 names another
 * set. MSH-18 exists from v2.3 on, so older messages are always {@link #ASCII}. The hub must pick
 * the decoder from MSH-18 before it can read names such as "Müller"; these values let a test
 * produce exactly the combinations a real feed sends.
 */
public enum Hl7Charset {

    /** MSH-18 empty: the chapter 2 default, 7-bit ASCII. */
    ASCII("", StandardCharsets.US_ASCII),
    /** MSH-18 {@code ASCII} written out, as some senders do. */
    ASCII_DECLARED("ASCII", StandardCharsets.US_ASCII),
    /** MSH-18 {@code 8859/1}: ISO Latin-1, the usual European feed. */
    LATIN_1("8859/1", StandardCharsets.ISO_8859_1),
    /** MSH-18 {@code UNICODE UTF-8}. */
    UTF_8("UNICODE UTF-8", StandardCharsets.UTF_8);

    private final String msh18;
    private final Charset charset;

    Hl7Charset(String msh18, Charset charset) {
        this.msh18 = msh18;
        this.charset = charset;
    }

    /** The MSH-18 value, empty for the ASCII default. */
    public String msh18() {
        return msh18;
    }

    /** The Java charset the message bytes are encoded with. */
    public Charset charset() {
        return charset;
    }
}
