package org.clinicaldatahub.hub.deid;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.clinicaldatahub.hub.deid.internal.DeidProfileReader;

/**
 * The de-identification profiles of a directory ({@code mappings/deid/*.yaml}), all read and
 * checked at start-up: a mistake in any of them stops the hub with {@code file:line: problem},
 * rather than letting a feed run under a policy that does not say what the analyst meant.
 */
public final class DeidProfiles {

    private final Map<String, DeidProfile> profiles;

    private DeidProfiles(Map<String, DeidProfile> profiles) {
        this.profiles = profiles;
    }

    public static DeidProfiles load(Path directory) {
        List<Path> files;
        try (Stream<Path> list = Files.list(directory)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".yaml")).filter(DeidProfiles::isProfile)
                    .sorted().toList();
        } catch (IOException e) {
            throw new InvalidDeidProfileException(directory + ": the profile directory cannot be read ("
                    + e.getClass().getSimpleName() + ")");
        }
        Map<String, DeidProfile> loaded = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        for (Path file : files) {
            try {
                load(directory, file.getFileName().toString().replaceFirst("\\.yaml$", ""), loaded, new HashSet<>());
            } catch (InvalidDeidProfileException e) {
                if (!problems.contains(e.getMessage())) {
                    problems.add(e.getMessage());
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidDeidProfileException(String.join("\n", problems));
        }
        return new DeidProfiles(Map.copyOf(loaded));
    }

    /**
     * Other tables share the directory (patient-id-issuers.yaml, the DICOM profile): a YAML file is
     * a profile when it has a top-level {@code profile:}, {@code hl7:} or {@code fhir:} line.
     */
    private static boolean isProfile(Path file) {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.anyMatch(l -> l.startsWith("profile:") || l.startsWith("hl7:") || l.startsWith("fhir:"));
        } catch (IOException | java.io.UncheckedIOException e) {
            return true; // read again below, where the problem is reported
        }
    }

    private static DeidProfile load(Path directory, String name, Map<String, DeidProfile> loaded, Set<String> chain) {
        DeidProfile done = loaded.get(name);
        if (done != null) {
            return done;
        }
        if (!chain.add(name)) {
            throw new InvalidDeidProfileException(name + ".yaml: extends itself through " + chain);
        }
        Path file = directory.resolve(name + ".yaml");
        if (!Files.isRegularFile(file)) {
            throw new InvalidDeidProfileException(file.getFileName() + ": no such profile in " + directory);
        }
        DeidProfile profile = new DeidProfileReader(file, parent -> load(directory, parent, loaded, chain)).read();
        loaded.put(name, profile);
        return profile;
    }

    /** The profile of that name; unknown names are refused with the names that exist. */
    public DeidProfile get(String name) {
        DeidProfile profile = profiles.get(name);
        if (profile == null) {
            throw new IllegalArgumentException("no de-identification profile '" + name + "' (known: "
                    + String.join(", ", new TreeMap<>(profiles).keySet()) + ")");
        }
        return profile;
    }

    public Set<String> names() {
        return new TreeMap<>(profiles).keySet();
    }
}
