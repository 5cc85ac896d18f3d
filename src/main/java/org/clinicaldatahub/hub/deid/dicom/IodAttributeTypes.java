package org.clinicaldatahub.hub.deid.dicom;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The attribute types (PS3.3: 1, 2, 3) that resolve the combined actions of Table E.1-1 per IOD
 * (PS3.15 E.3: "X unless Z is required to maintain IOD conformance", ...), read from
 * {@code mappings/deid/dicom-iod-attribute-types.yaml}. A listed IOD names its Type 1 and 2
 * attributes among those with combined actions; the rest are Type 3 there.
 */
public final class IodAttributeTypes {

    /** What to do for an instance whose SOP class no IOD lists. */
    public enum Unlisted {
        /** The last alternative of the code (D, Z or U): conformant for any IOD, no PHI. */
        CONFORMANT,
        /** X where X is allowed. */
        REMOVE
    }

    record Iod(String name, List<String> sopClasses, Map<String, Integer> types) {
    }

    record File(String unlistedIod, List<Iod> iods) {
    }

    private final Map<String, Map<Integer, Integer>> typesBySopClass;
    private final Unlisted unlisted;

    private IodAttributeTypes(Map<String, Map<Integer, Integer>> typesBySopClass, Unlisted unlisted) {
        this.typesBySopClass = typesBySopClass;
        this.unlisted = unlisted;
    }

    public static IodAttributeTypes load(Path path) throws IOException {
        File file = ProfileYaml.read(path, File.class);
        Map<String, Map<Integer, Integer>> bySopClass = new HashMap<>();
        for (Iod iod : file.iods()) {
            Map<Integer, Integer> types = new HashMap<>();
            iod.types().forEach((tag, type) -> {
                if (type != 1 && type != 2) {
                    throw new IllegalArgumentException(path + ": IOD " + iod.name() + " gives " + tag + " type " + type
                            + "; list Type 1 and 2 only");
                }
                types.put(ProfileYaml.tag(tag), type);
            });
            for (String sopClass : iod.sopClasses()) {
                bySopClass.put(sopClass, Map.copyOf(types));
            }
        }
        Unlisted unlisted = Unlisted.valueOf(file.unlistedIod() == null ? "CONFORMANT"
                : file.unlistedIod().trim().toUpperCase());
        return new IodAttributeTypes(Map.copyOf(bySopClass), unlisted);
    }

    /**
     * Resolves a combined action code (e.g. {@code X/Z/D}) for {@code tag} in an instance of
     * {@code sopClassUid}; single codes are returned as they are.
     */
    public Action resolve(String code, String sopClassUid, int tag) {
        if (!code.contains("/")) {
            return Action.valueOf(code);
        }
        String[] alternatives = code.replace("*", "").split("/");
        Map<Integer, Integer> types = sopClassUid == null ? null : typesBySopClass.get(sopClassUid);
        if (types == null) {
            String last = alternatives[alternatives.length - 1];
            return unlisted == Unlisted.REMOVE && alternatives[0].equals("X") ? Action.X : Action.valueOf(last);
        }
        int type = types.getOrDefault(tag, 3);
        // the alternatives run from Type 3 (or the weakest requirement) to Type 1
        int index = switch (alternatives.length) {
            case 2 -> alternatives[0].equals("Z") ? (type == 1 ? 1 : 0) // Z/D: Type 2 or 3 -> Z, 1 -> D
                    : alternatives[1].equals("Z") ? (type <= 2 ? 1 : 0) // X/Z
                    : (type == 1 ? 1 : 0); // X/D
            default -> 3 - type; // X/Z/D and X/Z/U*: 3 -> X, 2 -> Z, 1 -> D or U
        };
        return Action.valueOf(alternatives[index]);
    }

    /** True when the SOP class is one of the listed IODs. */
    public boolean lists(String sopClassUid) {
        return typesBySopClass.containsKey(sopClassUid);
    }
}
