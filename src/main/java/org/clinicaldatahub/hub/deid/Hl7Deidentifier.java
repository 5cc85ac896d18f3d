package org.clinicaldatahub.hub.deid;

import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.clinicaldatahub.hub.deid.internal.DateValues;
import org.clinicaldatahub.hub.deid.internal.Er7;
import org.clinicaldatahub.hub.deid.internal.Er7Parts;
import org.clinicaldatahub.hub.deid.internal.Hl7Plan;

/**
 * De-identifies one HL7 v2 message under a profile, walking its ER7 text segment by segment
 * (every version, Z-segments included) and applying the profile's rule to every field,
 * repetition and component. The patient is the first PID-3 repetition the profile pseudonymizes
 * as {@code patient}; its keyed pseudonym becomes the research record key and its identifiers are
 * scrubbed from the message's free text.
 *
 * <p>Refusals ({@link DeidRejection}) name a reason code and at most a segment name or path.
 */
public final class Hl7Deidentifier {

    private final Pseudonymizer pseudonymizer;
    private final Clock clock;
    private final RecentPatients recentPatients;
    private final Map<DeidProfile, Hl7Plan> plans = new ConcurrentHashMap<>();
    /**
     * The plan used last, looked up by identity: a profile is a record, so the map above hashes all
     * its rules on every lookup (several microseconds per message).
     */
    private volatile PlanOf lastPlan;

    private record PlanOf(DeidProfile profile, Hl7Plan plan) {
    }

    public Hl7Deidentifier(Pseudonymizer pseudonymizer, Clock clock) {
        this(pseudonymizer, clock, RecentPatients.none());
    }

    public Hl7Deidentifier(Pseudonymizer pseudonymizer, Clock clock, RecentPatients recentPatients) {
        this.pseudonymizer = pseudonymizer;
        this.clock = clock;
        this.recentPatients = recentPatients;
    }

    public DeidResult deidentify(String message, DeidProfile profile) {
        Er7 er7 = Er7.of(message);
        if (er7 == null || message.indexOf('\u0000') >= 0) {
            throw new DeidRejection("DEID_UNPARSEABLE", "message does not start with a valid MSH segment");
        }
        Walk walk = new Walk(er7, planOf(profile), profile);
        return walk.run(message);
    }

    private Hl7Plan planOf(DeidProfile profile) {
        PlanOf last = lastPlan;
        if (last != null && last.profile() == profile) {
            return last.plan();
        }
        Hl7Plan plan = plans.computeIfAbsent(profile, Hl7Plan::new);
        lastPlan = new PlanOf(profile, plan);
        return plan;
    }

    /** The state of one message's de-identification. */
    private final class Walk {
        private final Er7 er7;
        private final Hl7Plan plan;
        private final DeidProfile profile;
        private final DeidChanges changes = new DeidChanges();
        private final KnownIdentifiers known = new KnownIdentifiers();
        private final List<String> deferredText = new ArrayList<>();
        private final int referenceYear;
        private final String delimiters;
        private String patientId;
        private String patientIssuer;
        private Integer shiftDays;

        Walk(Er7 er7, Hl7Plan plan, DeidProfile profile) {
            this.er7 = er7;
            this.plan = plan;
            this.profile = profile;
            this.referenceYear = LocalDate.now(clock).getYear();
            this.delimiters = "" + er7.component + er7.repetition + er7.subcomponent;
        }

        DeidResult run(String message) {
            List<String> segments = segments(message);
            findPatient(segments);
            String patientPseudonym = patientId == null ? null : pseudonymize(DeidRule.PATIENT_NAMESPACE, patientId,
                    patientIssuer);
            StringBuilder out = new StringBuilder(message.length());
            for (String segment : segments) {
                String id = segment.substring(0, 3);
                Hl7Plan.SegmentPlan segmentPlan = plan.segment(id);
                if (segmentPlan == null) {
                    switch (plan.unknownSegments()) {
                        case KEEP -> out.append(segment).append('\r');
                        case REJECT -> throw new DeidRejection("DEID_UNKNOWN_SEGMENT", "segment " + id
                                + " is not covered by profile " + profile.reference());
                        default -> changes.removed(id + " segment removed");
                    }
                    continue;
                }
                String result = segment(segment, segmentPlan);
                if (result != null) {
                    out.append(result).append('\r');
                }
            }
            String text = out.toString();
            if (!deferredText.isEmpty()) {
                recentPatients.addTo(patientPseudonym, known);
                text = scrubDeferred(text);
            }
            recentPatients.remember(patientPseudonym, known);
            return new DeidResult(text, patientPseudonym, changes);
        }

        private List<String> segments(String message) {
            List<String> segments = new ArrayList<>(16);
            int start = 0;
            int n = message.length();
            int nextLf = message.indexOf('\n');
            while (start < n) {
                if (nextLf >= 0 && nextLf < start) {
                    nextLf = message.indexOf('\n', start);
                }
                int end = message.indexOf('\r', start);
                if (end < 0 || (nextLf >= 0 && nextLf < end)) {
                    end = nextLf >= 0 ? nextLf : n;
                }
                if (end > start) {
                    String segment = message.substring(start, end);
                    if (segment.length() < 3 || !isSegmentId(segment) || (segment.length() > 3
                            && segment.charAt(3) != er7.field)) {
                        throw new DeidRejection("DEID_UNPARSEABLE", "segment " + (segments.size() + 1)
                                + " is not an HL7 segment");
                    }
                    segments.add(segment);
                }
                start = end + 1;
            }
            return segments;
        }

        private static boolean isSegmentId(String s) {
            char a = s.charAt(0);
            char b = s.charAt(1);
            char c = s.charAt(2);
            return a >= 'A' && a <= 'Z' && (Character.isDigit(b) || b >= 'A' && b <= 'Z')
                    && (Character.isDigit(c) || c >= 'A' && c <= 'Z');
        }

        /** The patient: the first PID-3 repetition that the profile pseudonymizes as the patient's own id. */
        private void findPatient(List<String> segments) {
            for (String segment : segments) {
                if (!segment.startsWith("PID")) {
                    continue;
                }
                Hl7Plan.SegmentPlan pid = plan.segment("PID");
                DeidRule rule = pid == null ? null : pid.field(3);
                Er7Parts fields = Er7Parts.of(segment, er7.field);
                if (rule != null && fields.size() > 3) {
                    for (String rep : Er7.split(fields.get(3), er7.repetition)) {
                        DeidRule resolved = rule.resolve(by -> select(by, 3, rep, fields));
                        String id = er7.unescape(Er7.part(rep, er7.component, 0));
                        if (resolved != null && resolved.action() == DeidAction.PSEUDONYMIZE
                                && DeidRule.PATIENT_NAMESPACE.equals(resolved.namespaceOrPatient()) && !id.isBlank()) {
                            patientId = id;
                            String authority = Er7.part(rep, er7.component, 3);
                            String issuer = Er7.part(authority, er7.subcomponent, 0);
                            patientIssuer = er7.unescape(issuer.isEmpty() ? Er7.part(authority, er7.subcomponent, 1)
                                    : issuer);
                            return;
                        }
                    }
                }
                throw new DeidRejection("DEID_NO_PATIENT_KEY",
                        "PID-3 has no patient identifier the profile can pseudonymize");
            }
        }

        private String segment(String segment, Hl7Plan.SegmentPlan segmentPlan) {
            Er7Parts fields = Er7Parts.of(segment, er7.field);
            boolean msh = segmentPlan.id.equals("MSH");
            String id = segmentPlan.id;
            StringBuilder out = new StringBuilder(segment.length());
            out.append(id);
            int lastNonEmpty = 0;
            // null where the field stays as received: copied from the segment, never cut out
            String[] results = new String[fields.size()];
            for (int i = 1; i < fields.size(); i++) {
                int n = msh ? i + 1 : i;
                boolean asReceived = (msh && i == 1) // MSH-2, the encoding characters
                        || fields.isEmpty(i) || keepsAsReceived(n, segmentPlan);
                String value = asReceived ? null : field(fields.get(i), n, segmentPlan, fields);
                results[i] = value;
                if (value == null ? !fields.isEmpty(i) : !value.isEmpty()) {
                    lastNonEmpty = i;
                }
            }
            for (int i = 1; i <= lastNonEmpty; i++) {
                out.append(er7.field);
                if (results[i] == null) {
                    fields.appendTo(out, i);
                } else {
                    out.append(results[i]);
                }
            }
            if (msh && lastNonEmpty == 0) {
                out.append(er7.field);
            }
            return out.toString();
        }

        /** A field its rule keeps whatever it holds: {@link #field} would give it back unchanged. */
        private boolean keepsAsReceived(int n, Hl7Plan.SegmentPlan segmentPlan) {
            DeidRule rule = segmentPlan.field(n);
            if (rule == null) {
                rule = segmentPlan.unlisted();
            }
            return segmentPlan.components(n) == null && !rule.isChoice() && rule.action() == DeidAction.KEEP;
        }

        private String field(String raw, int n, Hl7Plan.SegmentPlan segmentPlan, Er7Parts fields) {
            DeidRule rule = segmentPlan.field(n);
            DeidRule[] comps = segmentPlan.components(n);
            if (rule == null) {
                rule = segmentPlan.unlisted();
            }
            if (raw.isEmpty()) {
                return raw;
            }
            if (comps == null && !rule.isChoice() && rule.action() == DeidAction.KEEP) {
                return raw;
            }
            String path = segmentPlan.path(n);
            if (comps == null && !rule.isChoice()) {
                DeidAction action = effective(rule.action());
                if (action == DeidAction.REMOVE || action == DeidAction.BLANK) {
                    collectKnown(raw, n, path);
                    changes.count(path, action);
                    return action == DeidAction.REMOVE ? "" : "\"\"";
                }
            }
            StringBuilder out = new StringBuilder(raw.length());
            boolean first = true;
            for (String rep : Er7.split(raw, er7.repetition)) {
                String result = repetition(rep, n, path, rule, comps, fields);
                if (result.isEmpty()) {
                    continue;
                }
                if (!first) {
                    out.append(er7.repetition);
                }
                out.append(result);
                first = false;
            }
            return out.toString();
        }

        private String repetition(String rep, int n, String path, DeidRule fieldRule, DeidRule[] comps,
                Er7Parts fields) {
            if (rep.isEmpty()) {
                return rep;
            }
            DeidRule resolved = fieldRule.resolve(by -> select(by, n, rep, fields));
            DeidAction base = effective(resolved.action());
            if (fieldRule.isChoice() && (base == DeidAction.REMOVE || base == DeidAction.BLANK)) {
                // a choice that takes the repetition takes all of it, component rules included
                collectKnown(rep, n, path);
                changes.count(path, base);
                return base == DeidAction.REMOVE ? "" : "\"\"";
            }
            if (base == DeidAction.BLANK && comps == null) {
                collectKnown(rep, n, path);
                changes.count(path, base);
                return "\"\"";
            }
            List<String> components = Er7.split(rep, er7.component);
            int last = 0;
            String[] results = new String[components.size()];
            for (int c = 0; c < components.size(); c++) {
                String value = components.get(c);
                DeidRule compRule = comps != null && c + 1 < comps.length ? comps[c + 1] : null;
                String result;
                if (compRule != null) {
                    DeidRule r = compRule.resolve(by -> select(by, n, rep, fields));
                    result = apply(value, compRule.path(), effective(r.action()), r, rep, true);
                } else if (base == DeidAction.PSEUDONYMIZE && c > 0) {
                    // a pseudonym replaces the identifier; its other components go unless a rule keeps them
                    if (!value.isEmpty()) {
                        collectKnown(value, n, path);
                    }
                    result = "";
                } else {
                    result = apply(value, path, base, resolved, rep, c == 0);
                }
                results[c] = result;
                if (!result.isEmpty()) {
                    last = c + 1;
                }
            }
            if (last == 0) {
                return "";
            }
            StringBuilder out = new StringBuilder(rep.length());
            for (int c = 0; c < last; c++) {
                if (c > 0) {
                    out.append(er7.component);
                }
                out.append(results[c]);
            }
            return out.toString();
        }

        /** One component (or a whole field without components) under one action. */
        private String apply(String value, String path, DeidAction action, DeidRule rule, String rep,
                boolean identifierPosition) {
            if (value.isEmpty() || action == DeidAction.KEEP) {
                return value;
            }
            String result = switch (action) {
                case REMOVE -> {
                    collectKnown(value, 0, path);
                    yield "";
                }
                case BLANK -> {
                    collectKnown(value, 0, path);
                    yield "\"\"";
                }
                case PSEUDONYMIZE -> {
                    String plain = er7.unescape(Er7.part(value, er7.subcomponent, 0));
                    known.addIdentifier(plain);
                    String namespace = rule.namespaceOrPatient();
                    String issuer = null;
                    if (DeidRule.PATIENT_NAMESPACE.equals(namespace) && identifierPosition) {
                        String authority = Er7.part(rep, er7.component, 3);
                        String ns = Er7.part(authority, er7.subcomponent, 0);
                        issuer = er7.unescape(ns.isEmpty() ? Er7.part(authority, er7.subcomponent, 1) : ns);
                    }
                    String pseudonym = pseudonymize(namespace, plain, issuer);
                    yield pseudonym == null ? "" : pseudonym;
                }
                case GENERALIZE_DATE -> DateValues.year(value);
                case SHIFT_DATE -> DateValues.shiftHl7(value, shiftDays());
                case AGE_CAP -> ageCap(value);
                case ZIP3 -> {
                    known.add(value);
                    yield DateValues.zip3(value, profile.restrictedZip3());
                }
                case SCRUB_TEXT -> {
                    deferredText.add(value);
                    yield "\u0000" + (deferredText.size() - 1) + "\u0000";
                }
                default -> value;
            };
            if (!result.equals(value)) {
                changes.count(path, action);
            }
            return result;
        }

        /** A birth date (year only, or shifted; folded for 90+) or an age in years (capped). */
        private String ageCap(String value) {
            String v = Er7.part(value, er7.subcomponent, 0);
            if (v.length() >= 8 && v.chars().limit(8).allMatch(Character::isDigit)) {
                known.addDate(v.substring(0, 8));
                if (profile.dateShift()) {
                    String shifted = DateValues.shiftHl7(v, shiftDays());
                    String year = DateValues.capBirthYear(DateValues.year(shifted), referenceYear, profile.ageCap());
                    return year.equals(DateValues.year(shifted)) ? shifted : year;
                }
                return DateValues.capBirthYear(DateValues.year(v), referenceYear, profile.ageCap());
            }
            if (v.length() >= 4 && v.length() != 5 && v.chars().limit(Math.min(v.length(), 6)).allMatch(Character::isDigit)
                    && v.indexOf('.') < 0) {
                // a date of year or month precision (YYYY, YYYYMM): the year, folded
                return DateValues.capBirthYear(DateValues.year(v), referenceYear, profile.ageCap());
            }
            return DateValues.capAge(v, profile.ageCap());
        }

        private DeidAction effective(DeidAction action) {
            return action == DeidAction.GENERALIZE_DATE && profile.dateShift() ? DeidAction.SHIFT_DATE : action;
        }

        private int shiftDays() {
            if (shiftDays == null) {
                if (patientId == null) {
                    throw new DeidRejection("DEID_NO_PATIENT_KEY", "dates are shifted per patient, and the message has no patient");
                }
                try {
                    shiftDays = pseudonymizer.dateShiftDays(patientId, patientIssuer);
                } catch (RuntimeException e) {
                    throw new DeidRejection("DEID_KEY_UNAVAILABLE", "the pseudonym key is not available");
                }
            }
            return shiftDays;
        }

        private String pseudonymize(String namespace, String value, String issuer) {
            try {
                return DeidRule.PATIENT_NAMESPACE.equals(namespace) ? pseudonymizer.patient(value, issuer)
                        : pseudonymizer.pseudonym(namespace, value);
            } catch (RuntimeException e) {
                throw new DeidRejection("DEID_KEY_UNAVAILABLE", "the pseudonym key is not available");
            }
        }

        /** The value a choice depends on: a component of the same repetition, or another field of the segment. */
        private String select(String by, int n, String rep, Er7Parts fields) {
            int dash = by.indexOf('-', 4);
            int field = Integer.parseInt(dash < 0 ? by.substring(4) : by.substring(4, dash));
            int component = dash < 0 ? 1 : Integer.parseInt(by.substring(dash + 1));
            String source;
            if (field == n) {
                source = rep;
            } else {
                int index = by.startsWith("MSH") ? field - 1 : field;
                String value = index < fields.size() ? fields.get(index) : "";
                source = Er7.part(value, er7.repetition, 0);
            }
            return er7.unescape(Er7.part(Er7.part(source, er7.component, component - 1), er7.subcomponent, 0)).trim();
        }

        /** Everything a removal takes out is a known identifier of this patient, for the free-text scrub. */
        private void collectKnown(String raw, int n, String path) {
            known.addRaw(raw, delimiters);
        }

        private String scrubDeferred(String text) {
            StringBuilder out = new StringBuilder(text.length() + 64);
            int copied = 0;
            for (int i = text.indexOf('\u0000'); i >= 0; i = text.indexOf('\u0000', copied)) {
                int end = text.indexOf('\u0000', i + 1);
                int index = Integer.parseInt(text, i + 1, end, 10);
                out.append(text, copied, i).append(TextScrubber.scrub(deferredText.get(index), known, changes));
                copied = end + 1;
            }
            return out.append(text, copied, text.length()).toString();
        }
    }
}
