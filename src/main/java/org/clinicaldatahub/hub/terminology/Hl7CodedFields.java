package org.clinicaldatahub.hub.terminology;

import java.util.ArrayList;
import java.util.List;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.Version;
import ca.uhn.hl7v2.model.Group;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.Segment;
import ca.uhn.hl7v2.model.Structure;
import ca.uhn.hl7v2.util.Terser;
import org.clinicaldatahub.hub.terminology.TerminologyBindings.CodingSystem;
import org.clinicaldatahub.hub.terminology.TerminologyBindings.Hl7Binding;
import org.clinicaldatahub.hub.terminology.internal.Er7FormatException;
import org.clinicaldatahub.hub.terminology.internal.Er7Message;
import org.clinicaldatahub.hub.terminology.internal.Er7Segment;

/**
 * Maps the CE/CWE fields named in the bindings of an HL7 v2 message (v2.1-v2.8.1), either in its
 * ER7 text ({@link Er7Message}, what routes carry) or in a parsed HAPI model. The standard code
 * goes into the alternate identifier triplet, components 4-6 (identifier, text, coding system
 * name), and never replaces components 1-3. When 4-6 hold another system's code, a v2.7+ CWE's
 * second alternate triplet (10-12) is used; if that is taken too, the value is reported as
 * {@code no-free-slot}. Both forms go through the same decisions; they differ only in how a value
 * is read and written ({@link SegmentFields}).
 */
final class Hl7CodedFields {

    /** Receives the decision for each coded value (metrics, work queue, report). */
    interface Recorder {
        void record(String location, SourceCoding primary, CodedValueDecision decision, List<String> addedCodes,
                MappingOutcome outcome);
    }

    /** The values of one segment, as the first subcomponent of a component, escape sequences resolved. */
    private interface SegmentFields {
        String name();

        int repetitions(int field);

        /** "" or null when absent. */
        String get(int field, int repetition, int component);

        void set(int field, int repetition, int component, String value);
    }

    private final TerminologySnapshot snapshot;
    private final Recorder recorder;
    private String facility;
    private boolean secondAlternate;

    Hl7CodedFields(TerminologySnapshot snapshot, Recorder recorder) {
        this.snapshot = snapshot;
        this.recorder = recorder;
    }

    /** The sending system as {@code MSH-3.1^MSH-4.1} (for metrics and the work queue). */
    static String sender(Message message) throws HL7Exception {
        Segment msh = (Segment) message.get("MSH");
        return nullToEmpty(Terser.get(msh, 3, 0, 1, 1)) + "^" + nullToEmpty(Terser.get(msh, 4, 0, 1, 1));
    }

    /** The sending system as {@code MSH-3.1^MSH-4.1} (for metrics and the work queue). */
    static String sender(Er7Message message) {
        Er7Segment msh = message.segment(0);
        return msh.get(3, 0, 1, 1) + "^" + msh.get(4, 0, 1, 1);
    }

    /**
     * Reads an ER7 text for mapping. Refuses what the hub's HAPI parser refuses (besides the
     * structure {@link Er7Message} checks: an HL7 version HAPI does not know), so a message fails
     * the mapping step, and goes to quarantine, on the same terms as before.
     */
    static Er7Message read(String er7) {
        Er7Message message = Er7Message.parse(er7);
        if (!Version.supportsVersion(message.version())) {
            throw new Er7FormatException("MSH-12 names no HL7 version");
        }
        return message;
    }

    /** Maps a parsed HAPI message in place (for bodies that already are one). */
    void map(Message message) throws HL7Exception {
        Segment msh = (Segment) message.get("MSH");
        String facilityName = nullToEmpty(Terser.get(msh, 4, 0, 1, 1));
        facility = facilityName.isEmpty() ? nullToEmpty(Terser.get(msh, 3, 0, 1, 1)) : facilityName;
        secondAlternate = atLeast27(message.getVersion());
        try {
            visit(message);
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof HL7Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    /**
     * Maps an ER7 message in place. Segments are counted as HAPI's generic model counts them, so
     * the locations in the report are the same on both paths: {@code OBX[n]} is the n-th OBX of a
     * run of consecutive OBX segments (an OBX after an NTE or OBR starts a new run).
     */
    void map(Er7Message message) {
        Er7Segment msh = message.segment(0);
        String facilityName = msh.get(4, 0, 1, 1);
        facility = facilityName.isEmpty() ? msh.get(3, 0, 1, 1) : facilityName;
        secondAlternate = atLeast27(message.version());
        String previous = null;
        int inRun = 0;
        for (int i = 0; i < message.segmentCount(); i++) {
            String name = message.segmentName(i);
            inRun = name.equals(previous) ? inRun + 1 : 1;
            previous = name;
            List<Hl7Binding> bindings = snapshot.bindings().hl7(name);
            if (!bindings.isEmpty()) {
                SegmentFields fields = new Er7Fields(message.segment(i));
                for (Hl7Binding binding : bindings) {
                    mapField(fields, inRun, binding);
                }
            }
        }
    }

    private void visit(Group group) throws HL7Exception {
        for (String name : group.getNames()) {
            Structure[] all = group.getAll(name);
            for (int i = 0; i < all.length; i++) {
                if (all[i] instanceof Segment segment) {
                    List<Hl7Binding> bindings = snapshot.bindings().hl7(segment.getName());
                    for (Hl7Binding binding : bindings) {
                        mapField(new HapiFields(segment), i + 1, binding);
                    }
                } else if (all[i] instanceof Group child) {
                    visit(child);
                }
            }
        }
    }

    private void mapField(SegmentFields segment, int segmentRepetition, Hl7Binding binding) {
        int repetitions = segment.repetitions(binding.field());
        for (int rep = 0; rep < repetitions; rep++) {
            String code = trim(segment.get(binding.field(), rep, 1));
            if (code.isEmpty()) {
                continue;
            }
            String location = segment.name() + "[" + segmentRepetition + "]-" + binding.field()
                    + (repetitions > 1 ? "(" + (rep + 1) + ")" : "");
            List<SourceCoding> originals = new ArrayList<>(3);
            String codingSystem = segment.get(binding.field(), rep, 3);
            if (trim(codingSystem).isEmpty() && binding.codingSystemField() > 0) {
                codingSystem = segment.repetitions(binding.codingSystemField()) > 0
                        ? segment.get(binding.codingSystemField(), 0, 1) : null;
            }
            SourceCoding primary = coding(code, segment.get(binding.field(), rep, 2), codingSystem);
            originals.add(primary);
            addAlternate(segment, binding.field(), rep, 4, originals);
            if (secondAlternate) {
                addAlternate(segment, binding.field(), rep, 10, originals);
            }
            CodedValueDecision decision = CodedValueDecision.decide(snapshot.index(), originals, binding.targets());
            List<String> added = new ArrayList<>(2);
            MappingOutcome outcome = decision.outcome();
            for (CodedValueDecision.Addition addition : decision.additions()) {
                String written = write(segment, binding.field(), rep, addition);
                if (written == null) {
                    outcome = added.isEmpty() ? MappingOutcome.NO_FREE_SLOT : outcome;
                    break;
                }
                added.add(written);
            }
            recorder.record(location, primary, decision, added, outcome);
        }
    }

    private void addAlternate(SegmentFields segment, int field, int rep, int first, List<SourceCoding> originals) {
        String code = trim(segment.get(field, rep, first));
        if (!code.isEmpty()) {
            originals.add(coding(code, segment.get(field, rep, first + 1), segment.get(field, rep, first + 2)));
        }
    }

    private SourceCoding coding(String code, String text, String codingSystem) {
        String name = trim(codingSystem);
        CodingSystem standard = snapshot.bindings().v2System(name);
        String system = standard != null ? standard.uri() : snapshot.bindings().localSystem(facility, name);
        return new SourceCoding(system, code, nullToEmpty(text));
    }

    /** Writes into the first free alternate triplet; returns the code written, or null when none is free. */
    private String write(SegmentFields segment, int field, int rep, CodedValueDecision.Addition addition) {
        int[] slots = secondAlternate ? new int[] {4, 10} : new int[] {4};
        for (int first : slots) {
            if (trim(segment.get(field, rep, first)).isEmpty()) {
                String code = snapshot.bindings().present(addition.targetSystem(), addition.concept().code());
                CodingSystem system = snapshot.bindings().system(addition.targetSystem());
                segment.set(field, rep, first, code);
                segment.set(field, rep, first + 1, addition.concept().display());
                segment.set(field, rep, first + 2, system != null ? system.v2Name() : addition.targetSystem());
                return code;
            }
        }
        return null;
    }

    private static boolean atLeast27(String version) {
        return version != null && version.compareTo("2.7") >= 0;
    }

    private static String trim(String value) {
        return value == null ? "" : value.trim();
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }

    /** A segment of an ER7 text: values are read and written in the text. */
    private record Er7Fields(Er7Segment segment) implements SegmentFields {
        @Override
        public String name() {
            return segment.name();
        }

        @Override
        public int repetitions(int field) {
            return segment.repetitions(field);
        }

        @Override
        public String get(int field, int repetition, int component) {
            return segment.get(field, repetition, component, 1);
        }

        @Override
        public void set(int field, int repetition, int component, String value) {
            segment.set(field, repetition, component, 1, value);
        }
    }

    /** A segment of a parsed HAPI model, through {@link Terser}. */
    private record HapiFields(Segment segment) implements SegmentFields {
        @Override
        public String name() {
            return segment.getName();
        }

        @Override
        public int repetitions(int field) {
            try {
                return field > segment.numFields() ? 0 : segment.getField(field).length;
            } catch (HL7Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public String get(int field, int repetition, int component) {
            try {
                return Terser.get(segment, field, repetition, component, 1);
            } catch (HL7Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void set(int field, int repetition, int component, String value) {
            try {
                Terser.set(segment, field, repetition, component, 1, value);
            } catch (HL7Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
