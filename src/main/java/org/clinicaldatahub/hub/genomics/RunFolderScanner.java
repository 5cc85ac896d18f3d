package org.clinicaldatahub.hub.genomics;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Finds what is ready in the drop directories (bean {@code runFolderScanner}): run folders whose
 * instrument wrote a completion marker, and loose files (FASTQ, BAM, CRAM, VCF/BCF) whose size and
 * modification time have not changed for {@code hub.genomics.stable-time}. Sequencers write a run
 * over hours; anything else in the drop directory is left alone until it is ready. Symbolic links
 * at the top level are handed on as such, to be refused with a reason.
 */
@Component("runFolderScanner")
public class RunFolderScanner {

    private static final Logger LOG = LoggerFactory.getLogger(RunFolderScanner.class);
    /** Left in (or beside) what was ingested with {@code after-ingest: MARKER}. */
    public static final String INGESTED_MARKER = ".hub-ingested";

    private final GenomicsProperties properties;
    private final GenomicsMetrics metrics;
    private final Clock clock;
    private final List<PathMatcher> markers;
    private final List<PathMatcher> looseFiles;
    /** Loose files seen but not stable yet: path -> (size, mtime, since when unchanged). */
    private final Map<Path, Observation> observed = new ConcurrentHashMap<>();

    private record Observation(long size, long modified, Instant since) {
    }

    @org.springframework.beans.factory.annotation.Autowired
    public RunFolderScanner(GenomicsProperties properties, GenomicsMetrics metrics) {
        this(properties, metrics, Clock.systemUTC());
    }

    RunFolderScanner(GenomicsProperties properties, GenomicsMetrics metrics, Clock clock) {
        this.properties = properties;
        this.metrics = metrics;
        this.clock = clock;
        this.markers = matchers(properties.getCompletionMarkers(), false);
        this.looseFiles = matchers(properties.getLooseFilePatterns(), true);
    }

    private static List<PathMatcher> matchers(List<String> globs, boolean lowerCase) {
        return globs.stream()
                .map(glob -> FileSystems.getDefault().getPathMatcher("glob:" + (lowerCase ? glob.toLowerCase(Locale.ROOT) : glob)))
                .toList();
    }

    /** Everything ready now, across all drop directories; updates the backlog metric. */
    public List<DropItem> ready() throws IOException {
        List<DropItem> ready = new ArrayList<>();
        int waiting = 0;
        for (Path dropDir : properties.getDropDirs()) {
            Files.createDirectories(dropDir);
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dropDir)) {
                for (Path entry : entries) {
                    String name = entry.getFileName().toString();
                    if (name.startsWith(".") || name.endsWith(".md5") || name.endsWith(".sha256")
                            || name.endsWith(INGESTED_MARKER)) {
                        continue;
                    }
                    if (Files.isSymbolicLink(entry)) {
                        ready.add(new DropItem(entry, dropDir, DropItem.Kind.SYMLINK));
                    } else if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                        if (Files.exists(entry.resolve(INGESTED_MARKER), LinkOption.NOFOLLOW_LINKS)) {
                            continue;
                        }
                        if (completionMarker(entry) != null) {
                            ready.add(new DropItem(entry, dropDir, DropItem.Kind.RUN_FOLDER));
                        } else {
                            waiting++;
                        }
                    } else if (isLooseFile(entry)) {
                        if (Files.exists(entry.resolveSibling(name + INGESTED_MARKER), LinkOption.NOFOLLOW_LINKS)) {
                            continue;
                        }
                        if (stable(entry)) {
                            ready.add(new DropItem(entry, dropDir, DropItem.Kind.LOOSE_FILE));
                        } else {
                            waiting++;
                        }
                    }
                }
            }
        }
        observed.keySet().removeIf(path -> !Files.exists(path, LinkOption.NOFOLLOW_LINKS));
        metrics.backlog(waiting + ready.size());
        return ready;
    }

    /** The name of the completion marker at the top of a run folder, or null while the run is being written. */
    public String completionMarker(Path runFolder) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(runFolder)) {
            for (Path entry : entries) {
                Path name = entry.getFileName();
                if (Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)
                        && markers.stream().anyMatch(marker -> marker.matches(name))) {
                    return name.toString();
                }
            }
        }
        return null;
    }

    boolean isLooseFile(Path file) {
        Path lower = Path.of(file.getFileName().toString().toLowerCase(Locale.ROOT));
        return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && looseFiles.stream().anyMatch(m -> m.matches(lower));
    }

    /** True once the file (and its checksum sidecars) have not changed for the stable time. */
    private boolean stable(Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        long modified = attributes.lastModifiedTime().toMillis();
        for (String sidecar : List.of(".md5", ".sha256")) {
            Path side = file.resolveSibling(file.getFileName() + sidecar);
            if (Files.isRegularFile(side, LinkOption.NOFOLLOW_LINKS)) {
                modified = Math.max(modified, Files.getLastModifiedTime(side).toMillis());
            }
        }
        Instant now = clock.instant();
        Observation seen = observed.get(file);
        if (seen == null || seen.size() != attributes.size() || seen.modified() != modified) {
            observed.put(file, new Observation(attributes.size(), modified, now));
            LOG.debug("A loose file is not stable yet");
            return false;
        }
        return !seen.since().plus(properties.getStableTime()).isAfter(now);
    }

    /** Forgets a loose file's stability, e.g. after it changed during its upload: it has to settle again. */
    public void forget(Path file) {
        observed.remove(file);
    }
}
