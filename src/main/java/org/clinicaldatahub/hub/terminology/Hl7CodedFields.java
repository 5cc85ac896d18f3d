package org.clinicaldatahub.hub.terminology;

import java.util.ArrayList;
import java.util.List;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.Group;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.Segment;
import ca.uhn.hl7v2.model.Structure;
import ca.uhn.hl7v2.util.Terser;
import org.clinicaldatahub.hub.terminology.TerminologyBindings.CodingSystem;
import org.clinicaldatahub.hub.terminology.TerminologyBindings.Hl7Binding;

/**
 * Maps the CE/CWE fields named in the bindings of an HL7 v2 message (HAPI generic or typed model,
 * v2.1-v2.8.1). The standard code goes into the alternate identifier triplet, components 4-6
 * (identifier, text, coding system name), and never replaces components 1-3. When 4-6 hold
 * another system's code, a v2.7+ CWE's second alternate triplet (10-12) is used; if that is
 * taken too, the value is reported as {@code no-free-slot}.
 */
final class Hl7CodedFields {

    /** Receives the decision for each coded value (metrics, work queue, report). */
    interface Recorder {
        void record(String location, SourceCoding primary, CodedValueDecision decision, List<String> addedCodes,
                MappingOutcome outcome);
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

    void map(Message message) throws HL7Exception {
        Segment msh = (Segment) message.get("MSH");
        String facilityName = nullToEmpty(Terser.get(msh, 4, 0, 1, 1));
        facility = facilityName.isEmpty() ? nullToEmpty(Terser.get(msh, 3, 0, 1, 1)) : facilityName;
        secondAlternate = atLeast27(message.getVersion());
        visit(message, new int[1]);
    }

    private void visit(Group group, int[] unused) throws HL7Exception {
        for (String name : group.getNames()) {
            Structure[] all = group.getAll(name);
            for (int i = 0; i < all.length; i++) {
                if (all[i] instanceof Segment segment) {
                    List<Hl7Binding> bindings = snapshot.bindings().hl7(segment.getName());
                    for (Hl7Binding binding : bindings) {
                        mapField(segment, i + 1, binding);
                    }
                } else if (all[i] instanceof Group child) {
                    visit(child, unused);
                }
            }
        }
    }

    private void mapField(Segment segment, int segmentRepetition, Hl7Binding binding) throws HL7Exception {
        if (binding.field() > segment.numFields()) {
            return;
        }
        int repetitions = segment.getField(binding.field()).length;
        for (int rep = 0; rep < repetitions; rep++) {
            String code = trim(Terser.get(segment, binding.field(), rep, 1, 1));
            if (code.isEmpty()) {
                continue;
            }
            String location = segment.getName() + "[" + segmentRepetition + "]-" + binding.field()
                    + (repetitions > 1 ? "(" + (rep + 1) + ")" : "");
            List<SourceCoding> originals = new ArrayList<>(3);
            String codingSystem = Terser.get(segment, binding.field(), rep, 3, 1);
            if (trim(codingSystem).isEmpty() && binding.codingSystemField() > 0
                    && binding.codingSystemField() <= segment.numFields()) {
                codingSystem = Terser.get(segment, binding.codingSystemField(), 0, 1, 1);
            }
            SourceCoding primary = coding(code, Terser.get(segment, binding.field(), rep, 2, 1), codingSystem);
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

    private void addAlternate(Segment segment, int field, int rep, int first, List<SourceCoding> originals) throws HL7Exception {
        String code = trim(Terser.get(segment, field, rep, first, 1));
        if (!code.isEmpty()) {
            originals.add(coding(code, Terser.get(segment, field, rep, first + 1, 1), Terser.get(segment, field, rep, first + 2, 1)));
        }
    }

    private SourceCoding coding(String code, String text, String codingSystem) {
        String name = trim(codingSystem);
        CodingSystem standard = snapshot.bindings().v2System(name);
        String system = standard != null ? standard.uri() : snapshot.bindings().localSystem(facility, name);
        return new SourceCoding(system, code, nullToEmpty(text));
    }

    /** Writes into the first free alternate triplet; returns the code written, or null when none is free. */
    private String write(Segment segment, int field, int rep, CodedValueDecision.Addition addition) throws HL7Exception {
        int[] slots = secondAlternate ? new int[] {4, 10} : new int[] {4};
        for (int first : slots) {
            if (trim(Terser.get(segment, field, rep, first, 1)).isEmpty()) {
                String code = snapshot.bindings().present(addition.targetSystem(), addition.concept().code());
                CodingSystem system = snapshot.bindings().system(addition.targetSystem());
                Terser.set(segment, field, rep, first, 1, code);
                Terser.set(segment, field, rep, first + 1, 1, addition.concept().display());
                Terser.set(segment, field, rep, first + 2, 1, system != null ? system.v2Name() : addition.targetSystem());
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
}
