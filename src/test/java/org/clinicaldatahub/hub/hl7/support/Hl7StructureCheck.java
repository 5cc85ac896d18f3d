package org.clinicaldatahub.hub.hl7.support;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.AbstractGroup;
import ca.uhn.hl7v2.model.Composite;
import ca.uhn.hl7v2.model.GenericMessage;
import ca.uhn.hl7v2.model.GenericSegment;
import ca.uhn.hl7v2.model.Group;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.Segment;
import ca.uhn.hl7v2.model.Structure;
import ca.uhn.hl7v2.model.Type;
import ca.uhn.hl7v2.model.Varies;
import ca.uhn.hl7v2.parser.DefaultModelClassFactory;
import ca.uhn.hl7v2.parser.ModelClassFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Finds what HAPI's lenient parse hides: with validation off, PipeParser accepts anything and
 * parks data it has no place for in nonstandard segments, fields beyond a segment's definition,
 * or "extra components". A generator that claims "valid for the version" must produce none of
 * these (Z-segments excepted, which chapter 2 allows anywhere).
 */
final class Hl7StructureCheck {

    private static final ModelClassFactory FACTORY = new DefaultModelClassFactory();

    private Hl7StructureCheck() {
    }

    /** Human-readable findings; empty when every segment and value sits where the version defines it. */
    static List<String> problems(Message message) throws HL7Exception {
        List<String> out = new ArrayList<>();
        if (message instanceof GenericMessage) {
            out.add("parsed as GenericMessage: HAPI found no structure for this type/version");
        }
        walk(message, out);
        return out;
    }

    private static void walk(Group group, List<String> out) throws HL7Exception {
        Set<String> nonStandard = group instanceof AbstractGroup ag ? ag.getNonStandardNames() : Set.of();
        for (String name : nonStandard) {
            if (!name.startsWith("Z")) {
                out.add("nonstandard segment " + name + " in " + group.getName());
            }
        }
        for (String name : group.getNames()) {
            for (Structure s : group.getAll(name)) {
                if (s instanceof Group g) {
                    walk(g, out);
                } else if (s instanceof GenericSegment && name.startsWith("Z")) {
                    continue;
                } else {
                    checkSegment((Segment) s, out);
                }
            }
        }
    }

    private static void checkSegment(Segment seg, List<String> out) throws HL7Exception {
        int defined = definedFields(seg);
        for (int i = 1; i <= seg.numFields(); i++) {
            for (Type t : seg.getField(i)) {
                if (i > defined && !t.isEmpty()) {
                    out.add(seg.getName() + "-" + i + " is beyond the " + defined + " fields the version defines");
                }
                checkType(t, seg.getName() + "-" + i, out);
            }
        }
    }

    private static void checkType(Type type, String path, List<String> out) throws HL7Exception {
        Type t = type instanceof Varies v ? v.getData() : type;
        for (int i = 0; i < t.getExtraComponents().numComponents(); i++) {
            if (!t.getExtraComponents().getComponent(i).isEmpty()) {
                out.add(path + " (" + t.getName() + ") has data beyond its components: '"
                        + t.getExtraComponents().getComponent(i).encode() + "'");
            }
        }
        if (t instanceof Composite c) {
            Type[] comps = c.getComponents();
            for (int i = 0; i < comps.length; i++) {
                checkType(comps[i], path + "." + (i + 1), out);
            }
        }
    }

    private static int definedFields(Segment seg) {
        try {
            Segment fresh = seg.getClass().getConstructor(Group.class, ModelClassFactory.class)
                    .newInstance(seg.getParent(), FACTORY);
            return fresh.numFields();
        } catch (ReflectiveOperationException e) {
            return seg.numFields();
        }
    }
}
