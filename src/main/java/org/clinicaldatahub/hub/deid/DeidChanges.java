package org.clinicaldatahub.hub.deid;

import java.util.Map;
import java.util.TreeMap;

/**
 * What a de-identification changed, as counts per profile path and action (and per placeholder
 * kind for scrubbed text): {@code PID-5 remove: 1}, {@code OBX-5 scrub-text: 3},
 * {@code scrubbed [PHONE]: 2}. Paths and counts only, never a value, so it can be reported and logged.
 */
public final class DeidChanges {

    private static final DeidAction[] ACTIONS = DeidAction.values();
    /** "scrubbed [PHONE]" per placeholder, built once rather than per match (placeholders are a fixed few). */
    private static final Map<String, String> SCRUBBED = new java.util.concurrent.ConcurrentHashMap<>();
    /**
     * Per path, a count per action: no string is built per change on the hot path. Sized for the
     * thirty-odd paths an ORU or ADT message changes, so it is not rehashed twice per message.
     */
    private final Map<String, int[]> byPath = new java.util.HashMap<>(64);
    private final Map<String, Integer> other = new java.util.HashMap<>();

    public void count(String path, DeidAction action) {
        byPath.computeIfAbsent(path, p -> new int[ACTIONS.length])[action.ordinal()]++;
    }

    public void scrubbed(String placeholder) {
        other.merge(SCRUBBED.computeIfAbsent(placeholder, p -> "scrubbed " + p), 1, Integer::sum);
    }

    public void removed(String what) {
        other.merge(what, 1, Integer::sum);
    }

    public void addAll(DeidChanges changes) {
        changes.byPath.forEach((path, n) -> {
            int[] mine = byPath.computeIfAbsent(path, p -> new int[ACTIONS.length]);
            for (int i = 0; i < n.length; i++) {
                mine[i] += n[i];
            }
        });
        changes.other.forEach((k, v) -> other.merge(k, v, Integer::sum));
    }

    public Map<String, Integer> counts() {
        Map<String, Integer> counts = new TreeMap<>(other);
        byPath.forEach((path, n) -> {
            for (int i = 0; i < n.length; i++) {
                if (n[i] > 0) {
                    counts.merge(path + " " + ACTIONS[i].wireName(), n[i], Integer::sum);
                }
            }
        });
        return counts;
    }

    public int total() {
        return counts().values().stream().mapToInt(Integer::intValue).sum();
    }

    @Override
    public String toString() {
        return counts().toString();
    }
}
