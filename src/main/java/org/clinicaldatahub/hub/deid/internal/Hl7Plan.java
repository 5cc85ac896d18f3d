package org.clinicaldatahub.hub.deid.internal;

import java.util.HashMap;
import java.util.Map;

import org.clinicaldatahub.hub.deid.DeidAction;
import org.clinicaldatahub.hub.deid.DeidProfile;
import org.clinicaldatahub.hub.deid.DeidRule;

/**
 * A profile's HL7 rules indexed for the message walk: per segment, the default for unlisted
 * fields, the rule of each field and the rules of its components. Built once per profile.
 */
public final class Hl7Plan {

    /** The rules of one segment. */
    public static final class SegmentPlan {
        public final String id;
        final DeidRule unlisted;
        DeidRule[] fields = new DeidRule[0];
        DeidRule[][] components = new DeidRule[0][];
        /** "PID-5" by field number, built on first use; racing threads build equal strings. */
        private volatile String[] paths = new String[0];

        SegmentPlan(String id, DeidRule unlisted) {
            this.id = id;
            this.unlisted = unlisted;
        }

        public DeidRule unlisted() {
            return unlisted;
        }

        /** The field's own rule, or null when only the segment default applies. */
        public DeidRule field(int n) {
            return n < fields.length ? fields[n] : null;
        }

        /** "PID-5": built once per field number, not per message. */
        public String path(int n) {
            String[] known = paths;
            if (n < known.length && known[n] != null) {
                return known[n];
            }
            String[] grown = java.util.Arrays.copyOf(known, Math.max(known.length, n + 1));
            grown[n] = id + "-" + n;
            paths = grown;
            return grown[n];
        }

        /** The field's component rules indexed by component number, or null. */
        public DeidRule[] components(int n) {
            return n < components.length ? components[n] : null;
        }
    }

    private final Map<String, SegmentPlan> segments = new HashMap<>();
    private final DeidAction unknownSegments;

    public Hl7Plan(DeidProfile profile) {
        this.unknownSegments = profile.unknownSegments();
        for (Map.Entry<String, DeidRule> e : profile.hl7Rules().entrySet()) {
            String path = e.getKey();
            String segment = path.substring(0, 3);
            SegmentPlan plan = segments.computeIfAbsent(segment, s -> new SegmentPlan(s,
                    profile.hl7Rules().getOrDefault(s, DeidRule.of(s, DeidAction.REMOVE))));
            if (path.length() == 3) {
                continue;
            }
            String[] parts = path.split("-");
            int field = Integer.parseInt(parts[1]);
            if (plan.fields.length <= field) {
                plan.fields = java.util.Arrays.copyOf(plan.fields, field + 1);
                plan.components = java.util.Arrays.copyOf(plan.components, field + 1);
            }
            if (parts.length == 2) {
                plan.fields[field] = e.getValue();
            } else {
                int component = Integer.parseInt(parts[2]);
                DeidRule[] comps = plan.components[field];
                if (comps == null || comps.length <= component) {
                    comps = comps == null ? new DeidRule[component + 1] : java.util.Arrays.copyOf(comps, component + 1);
                    plan.components[field] = comps;
                }
                comps[component] = e.getValue();
            }
        }
    }

    /** The plan of a segment the profile lists, or null. */
    public SegmentPlan segment(String id) {
        return segments.get(id);
    }

    public DeidAction unknownSegments() {
        return unknownSegments;
    }
}
