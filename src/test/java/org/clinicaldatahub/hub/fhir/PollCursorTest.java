package org.clinicaldatahub.hub.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Set;

import org.junit.jupiter.api.Test;

class PollCursorTest {

    private static final Instant T1 = Instant.parse("2026-01-01T00:00:01Z");
    private static final Instant T2 = Instant.parse("2026-01-01T00:00:02Z");

    @Test
    void versionsAtTheSameInstantAreRememberedSoTheGeSearchSkipsThem() {
        PollCursor cursor = PollCursor.startingAt(Instant.EPOCH)
                .advancedBy(T1, "Patient/a/_history/1")
                .advancedBy(T1, "Patient/b/_history/1");
        assertThat(cursor.lastUpdated()).isEqualTo(T1);
        assertThat(cursor.covers(T1, "Patient/a/_history/1")).isTrue();
        assertThat(cursor.covers(T1, "Patient/c/_history/1")).as("same instant, not yet committed").isFalse();
        assertThat(cursor.covers(Instant.EPOCH, "Patient/z/_history/1")).as("older").isTrue();

        PollCursor later = cursor.advancedBy(T2, "Patient/a/_history/2");
        assertThat(later.versionsAt()).containsExactly("Patient/a/_history/2");
        assertThat(later.advancedBy(T1, "Patient/q/_history/1")).as("an older version does not move it").isEqualTo(later);
    }

    @Test
    void roundTripsThroughJson() {
        PollCursor cursor = new PollCursor(T2, Set.of("Observation/x/_history/3", "Observation/y/_history/1"));
        assertThat(PollCursor.fromJson(cursor.toJson())).isEqualTo(cursor);
    }
}
