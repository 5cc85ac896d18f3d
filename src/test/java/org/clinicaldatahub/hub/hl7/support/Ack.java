package org.clinicaldatahub.hub.hl7.support;

import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;

/**
 * The fields of an HL7 v2 acknowledgment a test or benchmark checks, read without HAPI so the
 * check does not share code (or bugs) with the hub's own HAPI-based ACK builder.
 *
 * <p>HL7 v2 chapter 2:
 * <ul>
 *   <li>MSA-1 acknowledgment code: {@code AA}/{@code AE}/{@code AR} (original mode) or
 *       {@code CA}/{@code CE}/{@code CR} (enhanced mode commit ACK).</li>
 *   <li>MSA-2 message control id: MSH-10 of the message being acknowledged.</li>
 *   <li>MSA-3 text message (deprecated since v2.5 in favour of ERR).</li>
 *   <li>ERR: v2.1..2.4 ERR-1 error code and location (ELD); v2.5+ ERR-3 HL7 error code, ERR-4
 *       severity, ERR-7 diagnostic information, ERR-8 user message.</li>
 *   <li>MSH-3..6: the responder puts the original receiving application/facility in MSH-3/4 and
 *       the original sender in MSH-5/6 (chapter 2, "acknowledgment messages").</li>
 * </ul>
 *
 * @param code MSA-1
 * @param ackedControlId MSA-2
 * @param textMessage MSA-3, empty if absent
 * @param errSegments each ERR segment as written, empty list if none
 * @param errText readable text of the ERR segments (ERR-1.4.2 up to v2.4; ERR-3.2, ERR-5.2, ERR-7,
 *     ERR-8 from v2.5), joined by "; ", empty if none
 * @param version MSH-12 (first component)
 * @param sendingApplication MSH-3 (first component)
 * @param sendingFacility MSH-4 (first component)
 * @param receivingApplication MSH-5 (first component)
 * @param receivingFacility MSH-6 (first component)
 * @param controlId MSH-10 of the ACK itself
 * @param messageType MSH-9 as written, e.g. {@code ACK^A01^ACK}
 */
public record Ack(String code, String ackedControlId, String textMessage, List<String> errSegments,
        String errText, String version, String sendingApplication, String sendingFacility, String receivingApplication,
        String receivingFacility, String controlId, String messageType) {

    /** MSA-1 is AA or CA: the sender may forget the message. */
    public boolean accepted() {
        return "AA".equals(code) || "CA".equals(code);
    }

    public boolean hasErr() {
        return !errSegments.isEmpty();
    }

    /** True if an ERR segment carries human-readable text, not just codes and positions. */
    public boolean hasErrText() {
        return !errText.isBlank();
    }

    /**
     * Parses an ACK frame (without MLLP framing). Segments may end in CR or CRLF.
     *
     * @throws IllegalArgumentException if there is no MSH or no MSA segment
     */
    public static Ack parse(byte[] frame, Charset charset) {
        String text = new String(frame, charset);
        String[] segments = text.split("\r\n|\r|\n");
        String[] msh = null;
        String[] msa = null;
        List<String> errs = new ArrayList<>();
        char fieldSep = '|';
        String encodingChars = "^~\\&";
        for (String seg : segments) {
            if (seg.startsWith("MSH") && seg.length() >= 8 && msh == null) {
                fieldSep = seg.charAt(3);
                encodingChars = seg.substring(4, 8);
                msh = split(seg, fieldSep);
            } else if (seg.startsWith("MSA" + fieldSep) && msa == null) {
                msa = split(seg, fieldSep);
            } else if (seg.startsWith("ERR" + fieldSep) || seg.equals("ERR")) {
                errs.add(seg);
            }
        }
        if (msh == null || msa == null) {
            throw new IllegalArgumentException("not an HL7 ACK (needs MSH and MSA): " + abbreviate(text));
        }
        char compSep = encodingChars.charAt(0);
        List<String> texts = new ArrayList<>();
        for (String err : errs) {
            texts.addAll(errTexts(split(err, fieldSep), encodingChars));
        }
        // In MSH the separator itself is MSH-1, so split index i holds MSH-(i+1).
        return new Ack(
                field(msa, 1), field(msa, 2), field(msa, 3), List.copyOf(errs), String.join("; ", texts),
                first(field(msh, 11), compSep),
                first(field(msh, 2), compSep), first(field(msh, 3), compSep),
                first(field(msh, 4), compSep), first(field(msh, 5), compSep),
                field(msh, 9), field(msh, 8));
    }

    /** ERR-1 (ELD, to v2.4): component 4 is a CE whose 2nd subcomponent is text. ERR-3/5 (CWE) text is component 2. */
    private static List<String> errTexts(String[] err, String enc) {
        char comp = enc.charAt(0);
        char rep = enc.charAt(1);
        char sub = enc.charAt(3);
        List<String> out = new ArrayList<>();
        for (String eld : split(field(err, 1), rep)) {
            String[] c = split(eld, comp);
            add(out, field(split(field(c, 3), sub), 1));
        }
        add(out, field(split(field(err, 3), comp), 1));
        add(out, field(split(field(err, 5), comp), 1));
        add(out, field(err, 7));
        add(out, field(err, 8));
        return out;
    }

    private static void add(List<String> out, String text) {
        if (!text.isBlank()) {
            out.add(text);
        }
    }

    private static String[] split(String segment, char sep) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < segment.length(); i++) {
            if (segment.charAt(i) == sep) {
                parts.add(segment.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(segment.substring(start));
        return parts.toArray(String[]::new);
    }

    private static String field(String[] fields, int index) {
        return index < fields.length ? fields[index] : "";
    }

    private static String first(String value, char compSep) {
        int i = value.indexOf(compSep);
        return i < 0 ? value : value.substring(0, i);
    }

    private static String abbreviate(String text) {
        String oneLine = text.replace('\r', ' ').replace('\n', ' ');
        return oneLine.length() > 80 ? oneLine.substring(0, 80) + "..." : oneLine;
    }
}
