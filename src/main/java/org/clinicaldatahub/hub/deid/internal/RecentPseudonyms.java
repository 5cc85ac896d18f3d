package org.clinicaldatahub.hub.deid.internal;

import java.util.Objects;

/**
 * The last few keyed results of one thread, by what they were computed from (a namespace, an
 * issuer or null, a value): a patient's identifiers recur in every message of theirs and within
 * one (PID-2, PID-3, the date shift), and an HMAC costs more than a look-up. Direct-mapped: a new
 * result takes the slot of its hash, so the memory is fixed and nothing is evicted by scanning.
 *
 * <p>Holds identifiers in memory only, like {@code RecentPatients}; one instance per thread and per
 * key, so a result never outlives its key nor crosses threads.
 */
public final class RecentPseudonyms {

    private final String[] namespaces;
    private final String[] issuers;
    private final String[] values;
    private final Object[] results;
    private final int mask;

    /** @param slots a power of two */
    public RecentPseudonyms(int slots) {
        if (slots <= 0 || Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("slots must be a power of two, was " + slots);
        }
        namespaces = new String[slots];
        issuers = new String[slots];
        values = new String[slots];
        results = new Object[slots];
        mask = slots - 1;
    }

    /** The result remembered for these inputs, or null. */
    public Object get(String namespace, String issuer, String value) {
        int slot = slot(namespace, issuer, value);
        if (value.equals(values[slot]) && namespace.equals(namespaces[slot]) && Objects.equals(issuer, issuers[slot])) {
            return results[slot];
        }
        return null;
    }

    /** Remembers a result (not null), in place of whatever had the same slot. */
    public void put(String namespace, String issuer, String value, Object result) {
        int slot = slot(namespace, issuer, value);
        namespaces[slot] = namespace;
        issuers[slot] = issuer;
        values[slot] = value;
        results[slot] = Objects.requireNonNull(result);
    }

    private int slot(String namespace, String issuer, String value) {
        int h = (value.hashCode() * 31 + Objects.hashCode(issuer)) * 31 + namespace.hashCode();
        return (h ^ (h >>> 16)) & mask;
    }
}
