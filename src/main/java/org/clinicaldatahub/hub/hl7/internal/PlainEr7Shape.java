package org.clinicaldatahub.hub.hl7.internal;

import ca.uhn.hl7v2.Version;

/**
 * A cheap test that a message has the plain ER7 shape HAPI's generic parser always accepts, so
 * ingest can skip that parse (half of the receiving thread's CPU) for the messages senders really
 * send. It is a sufficient condition only: {@code false} means "ask HAPI", never "refuse", so the
 * hub accepts and refuses exactly what HAPI does. {@code PlainEr7ShapeTest} holds the two together
 * over a corpus of every message type and version plus mutations of them.
 *
 * <p>Plain means: MSH at the very start with four distinct encoding characters; segments
 * separated by carriage returns only; every segment empty, or a three-character name of capital
 * letters and digits followed by nothing or the field separator; MSH-12 a version HAPI knows; and
 * MSH-9 naming a trigger event or a message structure without escapes, repetitions or
 * subcomponents (HAPI needs one or the other to pick a structure).
 */
public final class PlainEr7Shape {

    private PlainEr7Shape() {
    }

    public static boolean isPlain(String text, MshHeader msh) {
        return text.startsWith("MSH") && plainEncodingCharacters(msh) && plainSegments(text, msh.fieldSeparator())
                && Version.supportsVersion(msh.version())
                && plainMessageType(msh);
    }

    private static boolean plainEncodingCharacters(MshHeader msh) {
        String encoding = msh.field(2);
        if (encoding.length() != 4) {
            return false;
        }
        char field = msh.fieldSeparator();
        for (int i = 0; i < 4; i++) {
            char c = encoding.charAt(i);
            if (!isPunctuation(c) || c == field || encoding.indexOf(c, i + 1) >= 0) {
                return false;
            }
        }
        return isPunctuation(field);
    }

    private static boolean isPunctuation(char c) {
        return c > ' ' && c < 127 && !Character.isLetterOrDigit(c);
    }

    private static boolean plainSegments(String text, char fieldSeparator) {
        int start = 0;
        int length = text.length();
        while (start < length) {
            int end = text.indexOf('\r', start);
            if (end < 0) {
                end = length;
            }
            int segmentLength = end - start;
            if (segmentLength > 0) {
                if (segmentLength < 3 || !isNameCharacter(text.charAt(start)) || !isNameCharacter(text.charAt(start + 1))
                        || !isNameCharacter(text.charAt(start + 2))
                        || segmentLength > 3 && text.charAt(start + 3) != fieldSeparator) {
                    return false;
                }
            }
            start = end + 1;
        }
        return text.indexOf('\n') < 0;
    }

    private static boolean isNameCharacter(char c) {
        return c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
    }

    private static boolean plainMessageType(MshHeader msh) {
        String type = msh.field(9);
        String encoding = msh.field(2);
        char component = encoding.charAt(0);
        for (int i = 1; i < 4; i++) {
            if (type.indexOf(encoding.charAt(i)) >= 0) {
                return false;
            }
        }
        int first = type.indexOf(component);
        if (first <= 0) {
            return false;
        }
        int second = type.indexOf(component, first + 1);
        String trigger = second < 0 ? type.substring(first + 1) : type.substring(first + 1, second);
        String structure = second < 0 ? "" : type.substring(second + 1);
        return !trigger.isEmpty() || !structure.isEmpty() && structure.indexOf(component) < 0;
    }
}
