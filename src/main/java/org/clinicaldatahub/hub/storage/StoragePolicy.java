package org.clinicaldatahub.hub.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Period;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * The analyst-owned storage policy ({@code mappings/storage-policy.yaml}) as loaded and checked
 * at start-up. A policy that is wrong stops the hub with a message naming the file and problem,
 * because writing PHI into the wrong bucket is worse than not starting.
 */
public final class StoragePolicy {

    /** Data classes every deployment needs; channels refer to them by name. */
    public static final Set<String> REQUIRED_CLASSES = Set.of("clinical-hot", "research-active", "quarantine", "audit");

    private static final Set<String> STORAGE_CLASSES = Set.of("STANDARD", "STANDARD_IA", "ONEZONE_IA",
            "INTELLIGENT_TIERING", "GLACIER", "GLACIER_IR", "DEEP_ARCHIVE", "REDUCED_REDUNDANCY");

    private final Map<String, DataClass> classes;

    private StoragePolicy(Map<String, DataClass> classes) {
        this.classes = classes;
    }

    public static StoragePolicy load(Path file) {
        try {
            JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(Files.readAllBytes(file));
            return parse(root, file.toString());
        } catch (IOException e) {
            throw new InvalidStoragePolicyException(file + ": cannot read the storage policy: " + e.getMessage());
        }
    }

    static StoragePolicy parse(JsonNode root, String source) {
        JsonNode classesNode = root == null ? null : root.get("dataClasses");
        if (classesNode == null || !classesNode.isObject()) {
            throw new InvalidStoragePolicyException(source + ": missing 'dataClasses' mapping");
        }
        Map<String, DataClass> classes = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        classesNode.fields().forEachRemaining(entry -> {
            String name = entry.getKey();
            JsonNode node = entry.getValue();
            String zone = text(node, "zone");
            String bucket = text(node, "bucket");
            String layout = text(node, "keyLayout");
            String storageClass = node.hasNonNull("storageClass") ? node.get("storageClass").asText() : "STANDARD";
            if (!DataClass.IDENTIFIED.equals(zone) && !DataClass.DEIDENTIFIED.equals(zone)) {
                problems.add(name + ": zone must be 'identified' or 'de-identified', was '" + zone + "'");
            }
            if (bucket == null || !bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
                problems.add(name + ": bucket '" + bucket + "' is not a valid S3 bucket name");
            }
            if (layout == null || !layout.contains("{name}")) {
                problems.add(name + ": keyLayout must contain {name}");
            }
            if (!STORAGE_CLASSES.contains(storageClass)) {
                problems.add(name + ": unknown storageClass '" + storageClass + "'");
            }
            Map<String, String> tags = new LinkedHashMap<>();
            JsonNode tagsNode = node.get("tags");
            if (tagsNode != null) {
                tagsNode.fields().forEachRemaining(t -> tags.put(t.getKey(), t.getValue().asText()));
            }
            ObjectLock objectLock = objectLock(name, node.get("objectLock"), problems);
            classes.put(name, new DataClass(name, zone, bucket, layout, storageClass, Map.copyOf(tags), objectLock));
        });
        for (String required : REQUIRED_CLASSES) {
            if (!classes.containsKey(required)) {
                problems.add("required data class '" + required + "' is missing");
            }
        }
        checkZonesDoNotShareBuckets(classes.values(), problems);
        if (!problems.isEmpty()) {
            throw new InvalidStoragePolicyException(source + ": " + String.join("; ", problems));
        }
        return new StoragePolicy(Map.copyOf(classes));
    }

    private static void checkZonesDoNotShareBuckets(Collection<DataClass> classes, List<String> problems) {
        Map<String, String> zoneOfBucket = new LinkedHashMap<>();
        for (DataClass dataClass : classes) {
            String other = zoneOfBucket.putIfAbsent(dataClass.bucket(), dataClass.zone());
            if (other != null && !other.equals(dataClass.zone())) {
                problems.add(dataClass.name() + ": bucket '" + dataClass.bucket()
                        + "' is used by both the identified and the de-identified zone");
            }
        }
    }

    private static ObjectLock objectLock(String name, JsonNode node, List<String> problems) {
        if (node == null || node.isNull()) {
            return null;
        }
        String mode = text(node, "mode");
        String retention = text(node, "retention");
        if (mode == null || !ObjectLock.MODES.contains(mode)) {
            problems.add(name + ": objectLock.mode must be one of " + ObjectLock.MODES + ", was '" + mode + "'");
            return null;
        }
        try {
            Period period = Period.parse(retention == null ? "" : retention);
            if (period.isNegative() || period.isZero()) {
                problems.add(name + ": objectLock.retention must be positive, was '" + retention + "'");
                return null;
            }
            return new ObjectLock(mode, period);
        } catch (DateTimeParseException e) {
            problems.add(name + ": objectLock.retention must be an ISO-8601 period like P7Y, was '" + retention + "'");
            return null;
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    public DataClass dataClass(String name) {
        DataClass dataClass = classes.get(name);
        if (dataClass == null) {
            throw new IllegalArgumentException("Unknown data class '" + name + "'; known: " + classes.keySet());
        }
        return dataClass;
    }

    public Collection<DataClass> dataClasses() {
        return classes.values();
    }
}
