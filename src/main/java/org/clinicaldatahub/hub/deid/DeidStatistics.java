package org.clinicaldatahub.hub.deid;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Running counts of what the de-identifier changed since start, per profile, path and action, and
 * of refusals per reason: the analysts' view of which rules fire (GET /api/deid/report). Paths,
 * actions, reason codes and counts only.
 */
public class DeidStatistics {

    private final Map<String, Map<String, AtomicLong>> changes = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> records = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> rejections = new ConcurrentHashMap<>();

    public void record(String profile, DeidChanges result) {
        records.computeIfAbsent(profile, p -> new AtomicLong()).incrementAndGet();
        Map<String, AtomicLong> byRule = changes.computeIfAbsent(profile, p -> new ConcurrentHashMap<>());
        result.counts().forEach((rule, n) -> byRule.computeIfAbsent(rule, r -> new AtomicLong()).addAndGet(n));
    }

    public void rejected(String profile, String reasonCode) {
        rejections.computeIfAbsent(profile + " " + reasonCode, r -> new AtomicLong()).incrementAndGet();
    }

    /** {profile: {records, rejected: {reason: n}, changes: {"PID-5 remove": n}}}. */
    public Map<String, Object> snapshot() {
        Map<String, Object> out = new TreeMap<>();
        records.forEach((profile, n) -> {
            Map<String, Object> entry = new TreeMap<>();
            entry.put("records", n.get());
            Map<String, Long> byRule = new TreeMap<>();
            changes.getOrDefault(profile, Map.of()).forEach((rule, c) -> byRule.put(rule, c.get()));
            entry.put("changes", byRule);
            out.put(profile, entry);
        });
        Map<String, Long> refused = new TreeMap<>();
        rejections.forEach((key, n) -> refused.put(key, n.get()));
        out.put("rejected", refused);
        return out;
    }
}
