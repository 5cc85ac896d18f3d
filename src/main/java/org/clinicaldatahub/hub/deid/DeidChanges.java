package org.clinicaldatahub.hub.deid;

import java.util.Map;
import java.util.TreeMap;

/**
 * What a de-identification changed, as counts per profile path and action (and per placeholder
 * kind for scrubbed text): {@code PID-5 remove: 1}, {@code OBX-5 scrub-text: 3},
 * {@code scrubbed [PHONE]: 2}. Paths and counts only, never a value, so it can be reported and logged.
 */
public final class DeidChanges {

    private final Map<String, Integer> counts = new TreeMap<>();

    public void count(String path, DeidAction action) {
        counts.merge(path + " " + action.wireName(), 1, Integer::sum);
    }

    public void scrubbed(String placeholder) {
        counts.merge("scrubbed " + placeholder, 1, Integer::sum);
    }

    public void removed(String what) {
        counts.merge(what, 1, Integer::sum);
    }

    public void addAll(DeidChanges other) {
        other.counts.forEach((k, v) -> counts.merge(k, v, Integer::sum));
    }

    public Map<String, Integer> counts() {
        return Map.copyOf(counts);
    }

    public int total() {
        return counts.values().stream().mapToInt(Integer::intValue).sum();
    }

    @Override
    public String toString() {
        return counts.toString();
    }
}
