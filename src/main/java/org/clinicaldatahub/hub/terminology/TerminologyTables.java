package org.clinicaldatahub.hub.terminology;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.clinicaldatahub.hub.terminology.internal.DirectoryWatcher;
import org.clinicaldatahub.hub.terminology.internal.LoadedTables;
import org.clinicaldatahub.hub.terminology.internal.ReleaseDirectory;
import org.clinicaldatahub.hub.terminology.internal.TerminologyManifest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The loaded terminology (bean {@code terminologyTables}): the terminology directory, the release
 * directory and the bindings file, as one immutable {@link TerminologySnapshot}. A reload builds
 * a complete new snapshot beside the current one and swaps it in with one atomic write, so
 * messages being mapped keep the snapshot they started with and none waits or fails; a reload
 * that fails (a malformed row) keeps the current snapshot and reports the file and line.
 * The first load runs in the background so it does not lengthen start-up; the first message
 * to be mapped waits for it.
 */
@Component("terminologyTables")
public class TerminologyTables implements DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(TerminologyTables.class);
    private static final Duration FIRST_LOAD_TIMEOUT = Duration.ofMinutes(5);

    private final TerminologyProperties properties;
    private final AtomicReference<TerminologySnapshot> current = new AtomicReference<>();
    private final CompletableFuture<TerminologySnapshot> firstLoad = new CompletableFuture<>();
    private final DirectoryWatcher watcher;
    private volatile ReloadResult lastResult;
    private final List<Consumer<TerminologySnapshot>> reloadListeners = new CopyOnWriteArrayList<>();
    // the release directory is only re-read when its files change (a SNOMED CT release takes seconds)
    private String releaseFingerprint;
    private LoadedTables releaseTables = new LoadedTables();

    public TerminologyTables(TerminologyProperties properties) {
        this.properties = properties;
        Thread loader = new Thread(this::firstLoad, "terminology-first-load");
        loader.setDaemon(true);
        loader.start();
        this.watcher = properties.isWatch()
                ? DirectoryWatcher.start(List.of(properties.getDir(), properties.getBindingsFile()), properties.getWatchDelay(),
                        this::reloadAfterChange)
                : null;
    }

    private void firstLoad() {
        ReloadResult result = reload();
        if (!result.success()) {
            LOG.error("terminology NOT loaded, nothing will be mapped until this is fixed and reloaded: {}", result.error());
        }
    }

    private void reloadAfterChange() {
        ReloadResult result = reload();
        if (result.success()) {
            LOG.info("terminology reloaded after a file change: generation {} in {} ms", result.generation(), result.millis());
        }
    }

    /**
     * The snapshot to map one message with. Waits for the first load if it is still running.
     *
     * @throws TerminologyUnavailableException if nothing could be loaded (the error names the file)
     */
    public TerminologySnapshot current() {
        TerminologySnapshot snapshot = current.get();
        if (snapshot != null) {
            return snapshot;
        }
        try {
            return firstLoad.get(FIRST_LOAD_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TerminologyUnavailableException("interrupted while waiting for the terminology to load");
        } catch (TimeoutException e) {
            throw new TerminologyUnavailableException("terminology still loading after " + FIRST_LOAD_TIMEOUT);
        } catch (Exception e) {
            throw new TerminologyUnavailableException("terminology not loaded: " + rootMessage(e));
        }
    }

    /** Calls {@code listener} with every snapshot swapped in from now on. */
    public void onReload(Consumer<TerminologySnapshot> listener) {
        reloadListeners.add(listener);
    }

    /** True once a snapshot is in use. */
    public boolean isLoaded() {
        return current.get() != null;
    }

    /** The outcome of the latest load or reload (null while the first one runs). */
    public ReloadResult lastResult() {
        return lastResult;
    }

    /**
     * Reads everything again and swaps the new snapshot in; on error keeps the current one.
     * Serialized: a file change and a POST at the same time load once after the other.
     */
    public synchronized ReloadResult reload() {
        long start = System.nanoTime();
        Instant at = Instant.now();
        TerminologySnapshot previous = current.get();
        try {
            TerminologyBindings bindings = TerminologyBindings.load(properties.getBindingsFile());
            LoadedTables tables = TerminologyManifest.load(properties.getDir());
            tables.addAll(releaseTables());
            TerminologyIndex index = TerminologyIndex.build(tables.codeSystems, tables.codeSystemInfo, tables.conceptMaps,
                    tables.conceptMapInfo, properties.isRequireLoadedTargetSystem());
            long generation = previous == null ? 1 : previous.generation() + 1;
            TerminologySnapshot snapshot = new TerminologySnapshot(index, bindings, generation, at);
            current.set(snapshot);
            firstLoad.complete(snapshot);
            ReloadResult result = new ReloadResult(true, generation, at, millisSince(start), null, index.tables());
            lastResult = result;
            if (previous == null) {
                logTables(result);
            }
            for (Consumer<TerminologySnapshot> listener : reloadListeners) {
                listener.accept(snapshot);
            }
            return result;
        } catch (IOException | RuntimeException e) {
            String error = rootMessage(e);
            LOG.error("terminology load failed, keeping generation {}: {}", previous == null ? 0 : previous.generation(), error);
            ReloadResult result = new ReloadResult(false, previous == null ? 0 : previous.generation(), at,
                    millisSince(start), error, previous == null ? List.of() : previous.index().tables());
            lastResult = result;
            if (previous == null) {
                firstLoad.completeExceptionally(new TerminologyUnavailableException(error));
            }
            return result;
        }
    }

    private LoadedTables releaseTables() throws IOException {
        Path dir = properties.getReleaseDir();
        if (dir == null || dir.toString().isBlank()) {
            return new LoadedTables();
        }
        String fingerprint = ReleaseDirectory.fingerprint(dir);
        if (!fingerprint.equals(releaseFingerprint)) {
            releaseTables = ReleaseDirectory.load(dir);
            releaseFingerprint = fingerprint;
        }
        return releaseTables;
    }

    private static void logTables(ReloadResult result) {
        LOG.info("terminology loaded in {} ms:", result.millis());
        for (LoadedTable table : result.tables()) {
            LOG.info("  {} {} version {} ({} rows, {}, {} ms){}", table.kind(), table.name(), table.version(), table.rows(),
                    table.format(), table.loadMillis(), table.inUse() ? "" : " superseded");
        }
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage() != null ? cause.getMessage() : cause.toString();
    }

    @Override
    public void destroy() {
        if (watcher != null) {
            watcher.close();
        }
    }
}
