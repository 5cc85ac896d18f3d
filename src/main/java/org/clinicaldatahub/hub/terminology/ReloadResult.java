package org.clinicaldatahub.hub.terminology;

import java.time.Instant;
import java.util.List;

/**
 * Outcome of a (re)load. On failure the previous snapshot stays in use and {@code error} says which
 * file and line is wrong.
 */
public record ReloadResult(boolean success, long generation, Instant at, long millis, String error, List<LoadedTable> tables) {
}
