package org.clinicaldatahub.hub.hl7.internal;

import java.util.Optional;

/**
 * The Kafka record key of a message: the ID of the first repetition of PID-3 (patient
 * identifier list), so that all messages of one patient land on one partition and keep their
 * order. The assigning authority is left out on purpose: feeds fill PID-3.4 inconsistently
 * across versions, and two patients sharing a partition costs nothing. Read from the text rather than the parsed structure because it must work for
 * every version and for the generic model alike.
 */
public final class PatientKey {

    private PatientKey() {
    }

    public static Optional<String> fromPid3(String message, MshHeader msh) {
        char field = msh.fieldSeparator();
        String encoding = msh.encodingCharacters();
        char component = encoding.charAt(0);
        char repetition = encoding.length() > 1 ? encoding.charAt(1) : '~';
        int start = segmentStart(message, "PID" + field);
        if (start < 0) {
            return Optional.empty();
        }
        int end = message.indexOf('\r', start);
        if (end < 0) {
            end = message.length();
        }
        // PID-3 starts after the third field separator of the segment ("PID|1|ext|<PID-3>|...")
        int from = start;
        for (int i = 0; i < 3; i++) {
            from = message.indexOf(field, from);
            if (from < 0 || from >= end) {
                return Optional.empty();
            }
            from++;
        }
        int to = from;
        while (to < end && message.charAt(to) != field && message.charAt(to) != repetition
                && message.charAt(to) != component) {
            to++;
        }
        String id = message.substring(from, to);
        if (id.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(id);
    }

    private static int segmentStart(String message, String prefix) {
        if (message.startsWith(prefix)) {
            return 0;
        }
        int at = message.indexOf("\r" + prefix);
        if (at < 0) {
            at = message.indexOf("\n" + prefix);
        }
        return at < 0 ? -1 : at + 1;
    }
}
