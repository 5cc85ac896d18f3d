package org.clinicaldatahub.hub.storage;

import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.Set;

/**
 * S3 Object Lock for a data class: every object is written with this mode and a retain-until date
 * {@code retention} after the write. COMPLIANCE cannot be shortened or removed by anyone (WORM,
 * e.g. the audit trail); GOVERNANCE can be lifted by a specially permitted user.
 *
 * @param mode      {@code COMPLIANCE} or {@code GOVERNANCE}
 * @param retention how long each object is locked, ISO-8601 period, e.g. {@code P7Y}
 */
public record ObjectLock(String mode, Period retention) {

    public static final Set<String> MODES = Set.of("COMPLIANCE", "GOVERNANCE");

    /** The retain-until date of an object written at {@code writtenAt}. */
    public Instant retainUntil(Instant writtenAt) {
        return writtenAt.atOffset(ZoneOffset.UTC).plus(retention).toInstant();
    }
}
