package org.clinicaldatahub.hub.terminology;

import java.time.Instant;

/**
 * The tables and bindings one load produced. Immutable: the mapper reads one snapshot per
 * message, and a reload swaps in a new one atomically.
 *
 * @param generation 1 for the first load, counting up with each successful reload
 */
public record TerminologySnapshot(TerminologyIndex index, TerminologyBindings bindings, long generation, Instant loadedAt) {
}
