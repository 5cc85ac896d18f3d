package org.clinicaldatahub.hub.deid;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The known identifiers of the most recently seen patients, by research key, held in memory only
 * (never stored, logged or published): a lab result or note that carries no name itself is still
 * scrubbed of the name its patient's ADT message or Patient resource gave earlier. Bounded, least
 * recently used out. What was never seen before the text arrives cannot be scrubbed this way.
 */
public final class RecentPatients {

    private static final int VALUES_PER_PATIENT = 200;

    private final Map<String, KnownIdentifiers> byKey;

    public RecentPatients(int capacity) {
        this.byKey = new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, KnownIdentifiers> eldest) {
                return size() > capacity;
            }
        };
    }

    public static RecentPatients none() {
        return new RecentPatients(0);
    }

    /** Adds what earlier records of this patient made known. */
    public void addTo(String key, KnownIdentifiers known) {
        if (key == null) {
            return;
        }
        KnownIdentifiers earlier;
        synchronized (byKey) {
            earlier = byKey.get(key);
        }
        known.addAll(earlier);
    }

    /**
     * Keeps this record's known identifiers (with the earlier ones) for the patient's next records;
     * the record's de-identification is done with {@code known} and does not change it afterwards.
     */
    public void remember(String key, KnownIdentifiers known) {
        if (key == null || known.isEmpty()) {
            return;
        }
        KnownIdentifiers bounded = known.bounded(VALUES_PER_PATIENT);
        synchronized (byKey) {
            byKey.put(key, bounded);
        }
    }
}
