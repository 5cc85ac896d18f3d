package org.clinicaldatahub.hub.terminology.internal;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.clinicaldatahub.hub.DaemonThreads;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls back once after files change: watches directories (with their subdirectories) and
 * single files, and waits for a quiet period so an editor's several writes make one reload.
 */
public final class DirectoryWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DirectoryWatcher.class);

    private final WatchService service;
    private final List<Path> files = new ArrayList<>();
    private final ScheduledExecutorService scheduler;
    private final Duration quietPeriod;
    private final Runnable onChange;
    private ScheduledFuture<?> pending;

    private DirectoryWatcher(WatchService service, Duration quietPeriod, Runnable onChange) {
        this.service = service;
        this.quietPeriod = quietPeriod;
        this.onChange = onChange;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("terminology-reload"));
    }

    /** Watches the given directories and files; a path that does not exist is skipped with a warning. */
    public static DirectoryWatcher start(List<Path> paths, Duration quietPeriod, Runnable onChange) {
        try {
            DirectoryWatcher watcher = new DirectoryWatcher(FileSystems.getDefault().newWatchService(), quietPeriod, onChange);
            for (Path path : paths) {
                Path absolute = path.toAbsolutePath().normalize();
                if (Files.isDirectory(absolute)) {
                    try (Stream<Path> tree = Files.walk(absolute, 4)) {
                        for (Path dir : tree.filter(Files::isDirectory).toList()) {
                            dir.register(watcher.service, StandardWatchEventKinds.ENTRY_CREATE,
                                    StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
                        }
                    }
                } else if (absolute.getParent() != null && Files.isDirectory(absolute.getParent())) {
                    watcher.files.add(absolute);
                    absolute.getParent().register(watcher.service, StandardWatchEventKinds.ENTRY_CREATE,
                            StandardWatchEventKinds.ENTRY_MODIFY);
                } else {
                    LOG.warn("not watching {}: it does not exist", absolute);
                }
            }
            Thread thread = new Thread(watcher::run, "terminology-watch");
            thread.setDaemon(true);
            thread.start();
            return watcher;
        } catch (IOException e) {
            throw new IllegalStateException("cannot watch the terminology files: " + e.getMessage(), e);
        }
    }

    private void run() {
        try {
            while (true) {
                WatchKey key = service.take();
                Path dir = (Path) key.watchable();
                boolean relevant = false;
                for (WatchEvent<?> event : key.pollEvents()) {
                    if (event.context() instanceof Path name) {
                        Path changed = dir.resolve(name);
                        boolean watchedFileDirectory = files.stream().anyMatch(f -> f.getParent().equals(dir));
                        relevant |= !watchedFileDirectory || files.contains(changed);
                    } else {
                        relevant = true; // overflow: something changed, we do not know what
                    }
                }
                key.reset();
                if (relevant) {
                    schedule();
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed at shutdown
        }
    }

    private synchronized void schedule() {
        if (pending != null) {
            pending.cancel(false);
        }
        pending = scheduler.schedule(() -> {
            try {
                onChange.run();
            } catch (RuntimeException e) {
                LOG.error("reload after a file change failed: {}", e.getMessage());
            }
        }, quietPeriod.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            service.close();
        } catch (IOException ignored) {
            // nothing to do at shutdown
        }
    }
}
