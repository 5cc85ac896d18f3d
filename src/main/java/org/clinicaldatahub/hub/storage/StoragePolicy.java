package org.clinicaldatahub.hub.storage;

import java.io.StringReader;
import java.nio.file.Path;
import java.time.Period;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;

/**
 * The analyst-owned storage policy ({@code mappings/storage-policy.yaml}) as loaded and checked
 * at start-up: the single source of truth for where each data class lives, how it is protected
 * and how it ages. A policy that is wrong stops the hub with every problem named by file and
 * line, because writing PHI into the wrong bucket, or unlocked, is worse than not starting.
 */
public final class StoragePolicy {

    /** Data classes every deployment needs; channels refer to them by name. */
    public static final Set<String> REQUIRED_CLASSES = Set.of("clinical-hot", "research-active", "quarantine", "audit");

    static final Set<String> STORAGE_CLASSES = Set.of("STANDARD", "STANDARD_IA", "ONEZONE_IA",
            "INTELLIGENT_TIERING", "GLACIER", "GLACIER_IR", "DEEP_ARCHIVE", "REDUCED_REDUNDANCY");

    private static final Set<String> TOP_KEYS = Set.of("version", "dataClasses");
    private static final Set<String> CLASS_KEYS = Set.of("zone", "bucket", "prefix", "keyLayout", "storageClass", "tags",
            "objectLock", "versioning", "encryption", "lifecycle", "credentials", "legalHolds");
    private static final Set<String> LOCK_KEYS = Set.of("mode", "retention");
    private static final Set<String> ENCRYPTION_KEYS = Set.of("type", "kmsKeyId");
    private static final Set<String> LIFECYCLE_KEYS = Set.of("transitions", "expireAfterDays");
    private static final Set<String> TRANSITION_KEYS = Set.of("afterDays", "storageClass");

    private final Map<String, DataClass> classes;

    private StoragePolicy(Map<String, DataClass> classes) {
        this.classes = classes;
    }

    public static StoragePolicy load(Path file) {
        PolicyYaml yaml = PolicyYaml.forSource(file.toString());
        return parse(yaml.read(file), yaml);
    }

    /** Parses policy text; {@code source} names it in messages. */
    public static StoragePolicy parse(String text, String source) {
        PolicyYaml yaml = PolicyYaml.forSource(source);
        return parse(yaml.compose(new StringReader(text)), yaml);
    }

    private static StoragePolicy parse(Node root, PolicyYaml yaml) {
        Map<String, Node> top = yaml.mapping(root, "the policy");
        yaml.onlyKeys(top, TOP_KEYS, "the policy");
        Node classesNode = top.get("dataClasses");
        if (classesNode == null) {
            yaml.problem(root, "missing 'dataClasses' mapping");
        }
        Map<String, DataClass> classes = new LinkedHashMap<>();
        Map<String, Node> nodeOfClass = new LinkedHashMap<>();
        yaml.mapping(classesNode, "dataClasses").forEach((name, node) -> {
            DataClass dataClass = dataClass(name, node, yaml);
            if (dataClass != null) {
                classes.put(name, dataClass);
                nodeOfClass.put(name, node);
            }
        });
        for (String required : REQUIRED_CLASSES) {
            if (classesNode != null && !classes.containsKey(required)) {
                yaml.problem(classesNode, "required data class '" + required + "' is missing");
            }
        }
        checkZonesDoNotShareBuckets(classes.values(), nodeOfClass, yaml);
        if (!yaml.problems().isEmpty()) {
            throw new InvalidStoragePolicyException(String.join("\n", yaml.problems()));
        }
        return new StoragePolicy(Map.copyOf(classes));
    }

    private static DataClass dataClass(String name, Node node, PolicyYaml yaml) {
        Map<String, Node> fields = yaml.mapping(node, name);
        yaml.onlyKeys(fields, CLASS_KEYS, name);
        String zone = yaml.text(fields.get("zone"), name + ": zone");
        String bucket = yaml.text(fields.get("bucket"), name + ": bucket");
        String prefix = yaml.text(fields.get("prefix"), name + ": prefix");
        String layout = yaml.text(fields.get("keyLayout"), name + ": keyLayout");
        String storageClass = yaml.text(fields.get("storageClass"), name + ": storageClass");
        storageClass = storageClass == null ? "STANDARD" : storageClass;
        if (!DataClass.IDENTIFIED.equals(zone) && !DataClass.DEIDENTIFIED.equals(zone)) {
            yaml.problem(at(fields, "zone", node), name + ": zone must be 'identified' or 'de-identified', was '" + zone + "'");
        }
        if (bucket == null || !bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
            yaml.problem(at(fields, "bucket", node), name + ": bucket '" + bucket + "' is not a valid S3 bucket name");
        }
        if (prefix != null && (prefix.startsWith("/") || !prefix.endsWith("/"))) {
            yaml.problem(fields.get("prefix"), name + ": prefix must end with '/' and not start with one, was '" + prefix + "'");
        }
        if (layout == null || !layout.contains("{name}")) {
            yaml.problem(at(fields, "keyLayout", node), name + ": keyLayout must contain {name}");
        }
        if (!STORAGE_CLASSES.contains(storageClass)) {
            yaml.problem(at(fields, "storageClass", node), name + ": unknown storageClass '" + storageClass + "'");
        }
        Map<String, String> tags = new LinkedHashMap<>();
        yaml.mapping(fields.get("tags"), name + ": tags")
                .forEach((key, value) -> tags.put(key, String.valueOf(yaml.text(value, name + ": tag " + key))));
        if (tags.size() > 9) {
            // S3 allows 10 tags per object; the hub keeps one for pinning
            yaml.problem(fields.get("tags"), name + ": at most 9 tags (S3 allows 10 and the hub adds 'pinned')");
        }
        ObjectLock objectLock = objectLock(name, fields.get("objectLock"), yaml);
        Boolean versioning = yaml.bool(fields.get("versioning"), name + ": versioning");
        if (objectLock != null && Boolean.FALSE.equals(versioning)) {
            yaml.problem(fields.get("versioning"), name + ": objectLock needs versioning; remove 'versioning: false'");
        }
        Encryption encryption = encryption(name, fields.get("encryption"), yaml);
        Lifecycle lifecycle = lifecycle(name, fields.get("lifecycle"), storageClass, yaml);
        if (objectLock != null && lifecycle.expireAfterDays() != null
                && lifecycle.expireAfterDays() < objectLock.retention().toTotalMonths() * 28 + objectLock.retention().getDays()) {
            yaml.problem(fields.get("lifecycle"), name + ": lifecycle.expireAfterDays ends before the object lock retention "
                    + objectLock.retention() + "; locked objects cannot expire earlier");
        }
        String credentials = yaml.text(fields.get("credentials"), name + ": credentials");
        // legal holds need an object-lock bucket, which S3 can only make at creation: on unless switched off
        Boolean legalHolds = yaml.bool(fields.get("legalHolds"), name + ": legalHolds");
        boolean holds = !Boolean.FALSE.equals(legalHolds);
        if (holds && Boolean.FALSE.equals(versioning)) {
            yaml.problem(fields.get("versioning"), name + ": legal holds need versioning; set 'legalHolds: false' "
                    + "or remove 'versioning: false'");
        }
        return new DataClass(name, zone, bucket, prefix, layout, storageClass, tags, objectLock,
                Boolean.TRUE.equals(versioning), encryption, lifecycle, credentials, holds);
    }

    private static Node at(Map<String, Node> fields, String key, Node parent) {
        Node node = fields.get(key);
        return node != null ? node : parent;
    }

    private static ObjectLock objectLock(String name, Node node, PolicyYaml yaml) {
        if (node == null) {
            return null;
        }
        Map<String, Node> fields = yaml.mapping(node, name + ": objectLock");
        yaml.onlyKeys(fields, LOCK_KEYS, name + ": objectLock");
        String mode = yaml.text(fields.get("mode"), name + ": objectLock.mode");
        String retention = yaml.text(fields.get("retention"), name + ": objectLock.retention");
        if (mode == null || !ObjectLock.MODES.contains(mode)) {
            yaml.problem(at(fields, "mode", node), name + ": objectLock.mode must be one of " + ObjectLock.MODES.stream().sorted().toList()
                    + ", was '" + mode + "'");
            return null;
        }
        try {
            Period period = Period.parse(retention == null ? "" : retention);
            if (period.isNegative() || period.isZero()) {
                yaml.problem(at(fields, "retention", node), name + ": objectLock.retention must be positive, was '" + retention + "'");
                return null;
            }
            return new ObjectLock(mode, period);
        } catch (DateTimeParseException e) {
            yaml.problem(at(fields, "retention", node), name + ": objectLock.retention must be an ISO-8601 period like P7Y, was '"
                    + retention + "'");
            return null;
        }
    }

    private static Encryption encryption(String name, Node node, PolicyYaml yaml) {
        if (node == null) {
            return null;
        }
        Map<String, Node> fields = yaml.mapping(node, name + ": encryption");
        yaml.onlyKeys(fields, ENCRYPTION_KEYS, name + ": encryption");
        String type = yaml.text(fields.get("type"), name + ": encryption.type");
        String kmsKeyId = yaml.text(fields.get("kmsKeyId"), name + ": encryption.kmsKeyId");
        if (!Encryption.SSE_S3.equals(type) && !Encryption.SSE_KMS.equals(type)) {
            yaml.problem(at(fields, "type", node), name + ": encryption.type must be SSE-S3 or SSE-KMS, was '" + type + "'");
            return null;
        }
        if (Encryption.SSE_KMS.equals(type) && (kmsKeyId == null || kmsKeyId.isBlank())) {
            yaml.problem(node, name + ": encryption SSE-KMS needs kmsKeyId");
            return null;
        }
        return new Encryption(type, Encryption.SSE_KMS.equals(type) ? kmsKeyId : null);
    }

    private static Lifecycle lifecycle(String name, Node node, String writeClass, PolicyYaml yaml) {
        if (node == null) {
            return Lifecycle.NONE;
        }
        Map<String, Node> fields = yaml.mapping(node, name + ": lifecycle");
        yaml.onlyKeys(fields, LIFECYCLE_KEYS, name + ": lifecycle");
        List<Lifecycle.Transition> transitions = new ArrayList<>();
        int previousDays = 0;
        for (Node step : yaml.sequence(fields.get("transitions"), name + ": lifecycle.transitions")) {
            Map<String, Node> t = yaml.mapping(step, name + ": lifecycle transition");
            yaml.onlyKeys(t, TRANSITION_KEYS, name + ": lifecycle transition");
            Integer days = yaml.positiveInt(t.get("afterDays"), name + ": lifecycle transition afterDays");
            String target = yaml.text(t.get("storageClass"), name + ": lifecycle transition storageClass");
            if (days == null || target == null) {
                if (t.get("afterDays") == null || t.get("storageClass") == null) {
                    yaml.problem(step, name + ": a lifecycle transition needs afterDays and storageClass");
                }
                continue;
            }
            if (!STORAGE_CLASSES.contains(target) || "STANDARD".equals(target) || target.equals(writeClass)) {
                yaml.problem(t.get("storageClass"), name + ": lifecycle transition to '" + target
                        + "' is not a colder known storage class than '" + writeClass + "'");
            }
            if (days <= previousDays) {
                yaml.problem(t.get("afterDays"), name + ": lifecycle transitions must be in increasing afterDays ("
                        + days + " after " + previousDays + ")");
            }
            previousDays = days;
            transitions.add(new Lifecycle.Transition(days, target));
        }
        Integer expire = yaml.positiveInt(fields.get("expireAfterDays"), name + ": lifecycle.expireAfterDays");
        if (expire != null && expire <= previousDays) {
            yaml.problem(fields.get("expireAfterDays"), name + ": lifecycle.expireAfterDays (" + expire
                    + ") must come after the last transition (" + previousDays + ")");
        }
        return new Lifecycle(transitions, expire);
    }

    private static void checkZonesDoNotShareBuckets(Collection<DataClass> classes, Map<String, Node> nodes,
            PolicyYaml yaml) {
        Map<String, String> zoneOfBucket = new LinkedHashMap<>();
        Map<String, String> credentialsOfBucket = new LinkedHashMap<>();
        for (DataClass dataClass : classes) {
            String other = zoneOfBucket.putIfAbsent(dataClass.bucket(), dataClass.zone());
            if (other != null && !other.equals(dataClass.zone())) {
                yaml.problem(nodes.get(dataClass.name()), dataClass.name() + ": bucket '" + dataClass.bucket()
                        + "' is used by both the identified and the de-identified zone");
            }
            String credentials = String.valueOf(dataClass.credentials());
            String otherCredentials = credentialsOfBucket.putIfAbsent(dataClass.bucket(), credentials);
            if (otherCredentials != null && !otherCredentials.equals(credentials)) {
                yaml.problem(nodes.get(dataClass.name()), dataClass.name() + ": bucket '" + dataClass.bucket()
                        + "' is shared with a class using other credentials");
            }
        }
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

    /** The data classes stored in one bucket. */
    public List<DataClass> classesIn(String bucket) {
        return classes.values().stream().filter(c -> c.bucket().equals(bucket)).toList();
    }

    /** Every bucket of the policy, once. */
    public List<String> buckets() {
        return classes.values().stream().map(DataClass::bucket).distinct().toList();
    }
}
