package org.clinicaldatahub.hub.genomics;

import java.io.IOException;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The manifest object of a run, {@code <channel>/<run id>/manifest.json} in instrument-staging:
 * run id, platform, instrument, flow cell, the completion marker seen, and every file with its key,
 * size and SHA-256 (and the MD5 its sidecar promised). It is written last, so its presence means
 * the whole run is in the store; a run dropped again is compared against it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunManifest(String runId, String platform, String instrument, String flowCell, String completionMarker,
        String bucket, List<Entry> files, String hubVersion, String ingestedAt) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** One file of the run. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Entry(String path, String key, long size, String sha256, String md5) {
    }

    public byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new IllegalStateException("manifest not serializable", e);
        }
    }

    public static RunManifest parse(byte[] json) throws IOException {
        return JSON.readValue(json, RunManifest.class);
    }

    /** Same files with the same sizes (and checksums where both sides have one). */
    public boolean sameFilesAs(List<RunFiles.RunFile> local) {
        if (local.size() != files.size()) {
            return false;
        }
        for (int i = 0; i < local.size(); i++) {
            RunFiles.RunFile file = local.get(i);
            Entry entry = files.get(i);
            if (!entry.path().equals(file.relativePath()) || entry.size() != file.size()
                    || file.expectedSha256() != null && !file.expectedSha256().equals(entry.sha256())) {
                return false;
            }
        }
        return true;
    }
}
