package org.clinicaldatahub.hub.fhir;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Where polling of one resource type stands: every version last updated before {@code lastUpdated}
 * is committed, and of those updated exactly at {@code lastUpdated} the ones in {@code versionsAt}.
 * The next search asks {@code _lastUpdated=ge<lastUpdated>} (several resources can share one
 * timestamp) and skips the versions already listed, so nothing is lost or published twice.
 *
 * @param lastUpdated the newest {@code meta.lastUpdated} committed
 * @param versionsAt  {@code Type/id/_history/version} of the committed versions with exactly that timestamp
 */
public record PollCursor(Instant lastUpdated, Set<String> versionsAt) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public PollCursor {
        versionsAt = Set.copyOf(versionsAt);
    }

    public static PollCursor startingAt(Instant since) {
        return new PollCursor(since, Set.of());
    }

    /** True when this version was committed already (it is older than, or listed at, the cursor). */
    public boolean covers(Instant updated, String version) {
        return updated.isBefore(lastUpdated) || updated.equals(lastUpdated) && versionsAt.contains(version);
    }

    /** The cursor after these versions were committed too. */
    public PollCursor advancedBy(Instant updated, String version) {
        if (updated.isBefore(lastUpdated)) {
            return this;
        }
        if (updated.equals(lastUpdated)) {
            Set<String> at = new HashSet<>(versionsAt);
            at.add(version);
            return new PollCursor(lastUpdated, at);
        }
        return new PollCursor(updated, Set.of(version));
    }

    public byte[] toJson() {
        ObjectNode node = JSON.createObjectNode();
        node.put("lastUpdated", lastUpdated.toString());
        var versions = node.putArray("versionsAt");
        versionsAt.stream().sorted().forEach(versions::add);
        try {
            return JSON.writeValueAsBytes(node);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static PollCursor fromJson(byte[] json) {
        try {
            JsonNode node = JSON.readTree(json);
            Set<String> versions = new HashSet<>();
            node.path("versionsAt").forEach(v -> versions.add(v.asText()));
            return new PollCursor(Instant.parse(node.get("lastUpdated").asText()), versions);
        } catch (java.io.IOException | RuntimeException e) {
            throw new IllegalStateException("unreadable poll cursor", e);
        }
    }

    /** For tests and logs: the versions at the cursor, sorted. */
    public List<String> sortedVersionsAt() {
        return versionsAt.stream().sorted().toList();
    }
}
