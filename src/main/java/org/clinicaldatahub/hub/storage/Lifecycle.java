package org.clinicaldatahub.hub.storage;

import java.util.List;

/**
 * How a data class ages in its bucket: moved to colder storage classes after some days, and
 * (for intermediates) deleted after some days unless pinned or on legal hold.
 *
 * @param transitions     ordered by day, each to a colder storage class
 * @param expireAfterDays delete after this many days, or {@code null} to keep
 */
public record Lifecycle(List<Transition> transitions, Integer expireAfterDays) {

    public static final Lifecycle NONE = new Lifecycle(List.of(), null);

    public Lifecycle {
        transitions = List.copyOf(transitions);
    }

    public boolean isEmpty() {
        return transitions.isEmpty() && expireAfterDays == null;
    }

    /** Move to {@code storageClass} {@code afterDays} days after the object was written. */
    public record Transition(int afterDays, String storageClass) {
    }
}
