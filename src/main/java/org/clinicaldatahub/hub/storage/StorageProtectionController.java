package org.clinicaldatahub.hub.storage;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.clinicaldatahub.hub.audit.AuditEvent;
import org.clinicaldatahub.hub.audit.AuditOutcome;
import org.clinicaldatahub.hub.audit.AuditRecorder;
import org.clinicaldatahub.hub.audit.AuditRef;
import org.clinicaldatahub.hub.audit.AuditStep;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Legal holds and pins ({@code POST /api/storage/protection}) and the retention report
 * ({@code GET /api/storage/retention-report}). Login required; every change is audited with the
 * user, bucket and key (keys hold UIDs and pseudonyms, never names).
 */
@RestController
public class StorageProtectionController {

    /** What to protect: explicit keys, or every object under a key prefix (e.g. one study). */
    public record ProtectionRequest(String dataClass, List<String> keys, String prefix, String kind, String action) {
    }

    private static final int MAX_OBJECTS = 10_000;

    private final TieredStore store;
    private final StoragePolicy policy;
    private final AuditRecorder audit;

    public StorageProtectionController(TieredStore store, StoragePolicy policy, AuditRecorder audit) {
        this.store = store;
        this.policy = policy;
        this.audit = audit;
    }

    @PostMapping(path = "/api/storage/protection", consumes = "application/json", produces = "application/json")
    public ResponseEntity<Map<String, Object>> protect(@RequestBody ProtectionRequest request, Authentication user) {
        DataClass dataClass;
        try {
            dataClass = policy.dataClass(request.dataClass());
        } catch (IllegalArgumentException e) {
            return ResponseEntity.badRequest().body(Map.of("error", "unknown dataClass"));
        }
        boolean hold = "legal-hold".equals(request.kind());
        boolean pin = "pin".equals(request.kind());
        boolean place = "place".equals(request.action());
        if ((!hold && !pin) || (!place && !"release".equals(request.action()))) {
            return ResponseEntity.badRequest().body(Map.of("error", "kind must be legal-hold or pin, action place or release"));
        }
        List<String> keys = keys(dataClass, request);
        if (keys.isEmpty()) {
            return ResponseEntity.badRequest().body(Map.of("error", "no objects: give keys or a prefix that matches"));
        }
        ObjectProtection protection = store.protection();
        for (String key : keys) {
            if (hold && place) {
                protection.placeLegalHold(dataClass.name(), key);
            } else if (hold) {
                protection.releaseLegalHold(dataClass.name(), key);
            } else if (place) {
                protection.pin(dataClass.name(), key);
            } else {
                protection.unpin(dataClass.name(), key);
            }
            audit.record(AuditEvent.builder(AuditStep.PROTECTION_CHANGED).route("api-storage-protection")
                    .actor(user.getName()).ref(AuditRef.BUCKET, dataClass.bucket()).ref(AuditRef.OBJECT_KEY, key)
                    .reason(request.kind() + ":" + request.action()).outcome(AuditOutcome.SUCCESS));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("dataClass", dataClass.name());
        body.put("kind", request.kind());
        body.put("action", request.action());
        body.put("objects", keys.size());
        return ResponseEntity.ok(body);
    }

    private List<String> keys(DataClass dataClass, ProtectionRequest request) {
        if (request.keys() != null && !request.keys().isEmpty()) {
            return request.keys();
        }
        if (request.prefix() == null || request.prefix().isBlank()) {
            return List.of();
        }
        S3Client s3 = store.client(dataClass);
        return s3.listObjectsV2Paginator(b -> b.bucket(dataClass.bucket()).prefix(request.prefix())).contents().stream()
                .limit(MAX_OBJECTS).map(S3Object::key).toList();
    }

    /**
     * Per data class: objects and bytes by storage class (tier) and age, and, for classes with an
     * object lock, how many locks end within {@code withinDays} (computed from the write time and
     * the policy's retention, which is how the hub sets them).
     */
    @GetMapping(path = "/api/storage/retention-report", produces = "application/json")
    public Map<String, Object> retentionReport(@RequestParam(name = "withinDays", defaultValue = "30") int withinDays) {
        Map<String, Object> report = new LinkedHashMap<>();
        Instant now = Instant.now();
        for (DataClass dataClass : policy.dataClasses()) {
            Map<String, long[]> byTierAndAge = new TreeMap<>();
            long endingSoon = 0;
            long scanned = 0;
            S3Client s3 = store.client(dataClass);
            for (S3Object object : s3.listObjectsV2Paginator(b -> b.bucket(dataClass.bucket()).prefix(dataClass.prefix()))
                    .contents()) {
                scanned++;
                String tier = object.storageClassAsString() == null ? "STANDARD" : object.storageClassAsString();
                long ageDays = Duration.between(object.lastModified(), now).toDays();
                String age = ageDays < 30 ? "0-29d" : ageDays < 90 ? "30-89d" : ageDays < 365 ? "90-364d" : "365d+";
                long[] counts = byTierAndAge.computeIfAbsent(tier + " " + age, k -> new long[2]);
                counts[0]++;
                counts[1] += object.size() == null ? 0 : object.size();
                if (dataClass.objectLock() != null) {
                    Instant until = dataClass.objectLock().retainUntil(object.lastModified());
                    if (until.isBefore(now.plus(Duration.ofDays(withinDays)))) {
                        endingSoon++;
                    }
                }
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            byTierAndAge.forEach((k, v) -> rows.add(Map.of("tierAndAge", k, "objects", v[0], "bytes", v[1])));
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("bucket", dataClass.bucket());
            entry.put("objects", scanned);
            entry.put("byTierAndAge", rows);
            if (dataClass.objectLock() != null) {
                entry.put("retentionEndingWithinDays", Map.of("days", withinDays, "objects", endingSoon));
            }
            report.put(dataClass.name(), entry);
        }
        return report;
    }
}
