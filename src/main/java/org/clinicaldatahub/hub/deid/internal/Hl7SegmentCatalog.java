package org.clinicaldatahub.hub.deid.internal;

import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;

import ca.uhn.hl7v2.model.Group;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.Segment;
import ca.uhn.hl7v2.parser.ModelClassFactory;

/**
 * Which segments HL7 v2 defines and how many fields each has, from HAPI's v2.5.1 and v2.8.1
 * structures, so a profile path such as {@code PID-45} or {@code PDI-3} is refused with its line
 * instead of silently matching nothing. Z-segments are site-defined: any field number is accepted.
 */
public final class Hl7SegmentCatalog {

    private static final String[] VERSIONS = {"v251", "v281"};
    private static final Map<String, OptionalInt> FIELD_COUNTS = new ConcurrentHashMap<>();

    private Hl7SegmentCatalog() {
    }

    /** The number of fields of a standard segment, empty when no supported version defines it. */
    public static OptionalInt fieldCount(String segment) {
        return FIELD_COUNTS.computeIfAbsent(segment, Hl7SegmentCatalog::lookUp);
    }

    public static boolean isSiteDefined(String segment) {
        return segment.startsWith("Z");
    }

    private static OptionalInt lookUp(String segment) {
        int max = -1;
        for (String version : VERSIONS) {
            try {
                Class<?> type = Class.forName("ca.uhn.hl7v2.model." + version + ".segment." + segment);
                Message parent = (Message) Class.forName("ca.uhn.hl7v2.model." + version + ".message.ADT_A01")
                        .getConstructor().newInstance();
                Segment instance = (Segment) type.getConstructor(Group.class, ModelClassFactory.class)
                        .newInstance(parent, new ca.uhn.hl7v2.parser.DefaultModelClassFactory());
                max = Math.max(max, instance.numFields());
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                // not defined in this version
            }
        }
        return max < 0 ? OptionalInt.empty() : OptionalInt.of(max);
    }
}
