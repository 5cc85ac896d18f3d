package org.clinicaldatahub.hub.terminology;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code terminology} in /actuator/health: UP once tables are loaded (with the generation and
 * the last reload's error, if any), UNKNOWN while the first load runs, DOWN when nothing could be
 * loaded (every mapping step would fail).
 */
@Component("terminology")
public class TerminologyHealthIndicator implements HealthIndicator {

    private final TerminologyTables tables;

    public TerminologyHealthIndicator(TerminologyTables tables) {
        this.tables = tables;
    }

    @Override
    public Health health() {
        ReloadResult last = tables.lastResult();
        if (tables.isLoaded()) {
            Health.Builder up = Health.up().withDetail("generation", tables.current().generation())
                    .withDetail("tables", tables.current().index().tables().size());
            if (last != null && !last.success()) {
                up.withDetail("lastReloadError", last.error());
            }
            return up.build();
        }
        if (last == null) {
            return Health.unknown().withDetail("state", "loading").build();
        }
        return Health.down().withDetail("error", last.error()).build();
    }
}
