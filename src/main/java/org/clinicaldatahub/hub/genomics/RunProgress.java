package org.clinicaldatahub.hub.genomics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Which files of a run are already in the store, so a hub restarted in the middle of a run
 * continues with the next file instead of sending the finished ones again (the file in progress
 * resumes through the multipart upload journal). One JSON file per run under the state directory,
 * replaced atomically after every file; deleted once the run's manifest is stored.
 */
final class RunProgress {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A file that is in the store, with the local state it was uploaded from. */
    record Done(String key, long size, long lastModifiedMillis, String sha256, String md5) {
    }

    private final Path file;
    private final Map<String, Done> done;

    private RunProgress(Path file, Map<String, Done> done) {
        this.file = file;
        this.done = done;
    }

    static RunProgress load(Path stateDir, String runId) throws IOException {
        Path file = stateDir.resolve("runs").resolve(runId + ".json");
        if (!Files.isRegularFile(file)) {
            return new RunProgress(file, new LinkedHashMap<>());
        }
        try {
            return new RunProgress(file, JSON.readValue(file.toFile(), new TypeReference<LinkedHashMap<String, Done>>() { }));
        } catch (IOException torn) {
            // a crash while replacing it: start the run's bookkeeping over (uploads resume by journal)
            return new RunProgress(file, new LinkedHashMap<>());
        }
    }

    /** The finished upload of a file, if the file has not changed since. */
    Done find(String relativePath, long size, long lastModifiedMillis) {
        Done entry = done.get(relativePath);
        return entry != null && entry.size() == size && entry.lastModifiedMillis() == lastModifiedMillis ? entry : null;
    }

    void record(String relativePath, Done entry) throws IOException {
        done.put(relativePath, entry);
        Files.createDirectories(file.getParent());
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        JSON.writeValue(temp.toFile(), done);
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    void delete() throws IOException {
        Files.deleteIfExists(file);
    }
}
