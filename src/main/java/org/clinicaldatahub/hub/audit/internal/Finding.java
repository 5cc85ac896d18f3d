package org.clinicaldatahub.hub.audit.internal;

import org.clinicaldatahub.hub.audit.AuditVerificationResult.Kind;
import org.clinicaldatahub.hub.audit.AuditVerificationResult.Problem;

/** A problem with its ordinal position in the node's log, so the earliest of two can be chosen. */
record Finding(Problem problem, long ordinal) {

    static Finding at(ChainEntry entry, Kind kind, long seq, String detail) {
        return new Finding(new Problem(kind, entry.segment(), entry.line(), seq, detail), entry.ordinal());
    }

    static Finding at(String segment, long line, long ordinal, Kind kind, long seq, String detail) {
        return new Finding(new Problem(kind, segment, line, seq, detail), ordinal);
    }

    /** The earlier finding; on a tie the first argument, which callers make the more specific one. */
    static Finding earliest(Finding a, Finding b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return b.ordinal < a.ordinal ? b : a;
    }
}
