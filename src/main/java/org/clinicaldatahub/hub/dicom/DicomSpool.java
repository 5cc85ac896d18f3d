package org.clinicaldatahub.hub.dicom;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Store and forward for the DICOM channel (DESIGN.md: a site keeps scanning when the WAN drops).
 * When the object store is unreachable an instance is moved into {@code <spool>/pending} with a
 * JSON description beside it, both forced to disk (files, then directory) before the C-STORE is
 * answered; under {@code hub.dicom.acknowledge-after: spooled} every instance goes this way. The
 * drain route uploads pending instances once the store answers again, publishes their events, and
 * only then removes them: a crash in between uploads again to the same key.
 *
 * <p>Latency: one association sends one instance at a time, so each sync on the way to its
 * C-STORE-RSP adds up. The file and its description are forced at the same time (on ext4 the two
 * usually share one journal commit), and the directory sync is a group commit: one sync covers
 * every rename made before it started, whichever association made it.
 */
public final class DicomSpool {

    private static final Logger LOG = LoggerFactory.getLogger(DicomSpool.class);
    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();
    private static final int DRAIN_BATCH = 100;

    private final Path pendingDir;
    private final Object lock = new Object();
    /** Forces received files while the caller forces their descriptions; more at once run in the caller. */
    private final ExecutorService syncs = new ThreadPoolExecutor(0, 8, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
            runnable -> {
                Thread thread = new Thread(runnable, "dicom-spool-sync");
                thread.setDaemon(true);
                return thread;
            }, new ThreadPoolExecutor.CallerRunsPolicy());
    /** Renames and deletions in {@link #pendingDir}, counted; the directory sync covers them up to {@link #directorySynced}. */
    private final AtomicLong directoryChanges = new AtomicLong();
    private final Object directorySync = new Object();
    private long directorySynced;

    public DicomSpool(Path spoolDir) {
        try {
            this.pendingDir = Files.createDirectories(spoolDir.resolve("pending"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the DICOM spool in " + spoolDir, e);
        }
    }

    /** Description of a spooled instance, written beside its Part 10 file. */
    record Entry(ReceivedInstance instance, String objectKey) {
    }

    /**
     * Moves the received file into the spool, durably; returns the spooled instance. The file and
     * its description are forced (at the same time) before they are renamed into place (a resend
     * of the same SOP Instance replaces the entry, under the lock that {@link #remove} takes), then
     * the directory.
     */
    public ReceivedInstance keep(ReceivedInstance instance, String objectKey) throws IOException {
        return keep(instance, objectKey, null);
    }

    /**
     * As {@link #keep(ReceivedInstance, String)}; {@code whilePlaced} runs once the entry is in
     * place, before the directory sync, so a caller can start a commit of its own (the audit
     * event of the spooling) alongside that sync instead of after it.
     */
    public ReceivedInstance keep(ReceivedInstance instance, String objectKey, Runnable whilePlaced) throws IOException {
        String name = instance.sopInstanceUid();
        Path file = pendingDir.resolve(name + ".dcm");
        ReceivedInstance spooled = withFile(instance, file);
        Path tmp = pendingDir.resolve(name + "." + UUID.randomUUID() + ".json.tmp");
        long change;
        try {
            Files.write(tmp, JSON.writeValueAsBytes(new Entry(spooled, objectKey)));
            Future<?> fileForced = syncs.submit(() -> {
                force(instance.file());
                return null;
            });
            force(tmp);
            await(fileForced);
            synchronized (lock) {
                Files.move(instance.file(), file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                Files.move(tmp, pendingDir.resolve(name + ".json"), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
                change = directoryChanges.incrementAndGet();
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        if (whilePlaced != null) {
            whilePlaced.run();
        }
        forceDirectory(change);
        return spooled;
    }

    /** Spooled instances, oldest first, at most a batch. */
    public List<ReceivedInstance> pending() throws IOException {
        List<Path> descriptions = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(pendingDir, "*.json")) {
            entries.forEach(descriptions::add);
        }
        descriptions.sort((a, b) -> {
            try {
                return Files.getLastModifiedTime(a).compareTo(Files.getLastModifiedTime(b));
            } catch (IOException e) {
                return 0;
            }
        });
        List<ReceivedInstance> instances = new ArrayList<>();
        for (Path description : descriptions.subList(0, Math.min(DRAIN_BATCH, descriptions.size()))) {
            Entry entry = JSON.readValue(description.toFile(), Entry.class);
            if (Files.exists(entry.instance().file())) {
                instances.add(entry.instance());
            } else {
                LOG.error("DICOM spool entry {} has no file; removed", description.getFileName());
                Files.deleteIfExists(description);
            }
        }
        return instances;
    }

    public int size() throws IOException {
        try (var files = Files.list(pendingDir)) {
            return (int) files.filter(p -> p.toString().endsWith(".json")).count();
        }
    }

    /** True when instances wait in the spool. */
    public boolean hasPending() throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(pendingDir, "*.json")) {
            return entries.iterator().hasNext();
        }
    }

    /**
     * Removes a drained instance (the exchange body), after its upload and event; an entry that a
     * resend replaced in the meantime (other bytes) stays for the next round.
     */
    public void remove(Exchange exchange) throws IOException {
        ReceivedInstance instance = exchange.getMessage().getHeader(DicomInstanceStore.INSTANCE_HEADER,
                ReceivedInstance.class);
        Path description = pendingDir.resolve(instance.sopInstanceUid() + ".json");
        long change;
        synchronized (lock) {
            if (Files.exists(description)
                    && !JSON.readValue(description.toFile(), Entry.class).instance().sha256().equals(instance.sha256())) {
                return;
            }
            Files.deleteIfExists(description);
            Files.deleteIfExists(instance.file());
            change = directoryChanges.incrementAndGet();
        }
        forceDirectory(change);
    }

    static ReceivedInstance withFile(ReceivedInstance i, Path file) {
        return new ReceivedInstance(file, i.size(), i.sha256(), i.dataSetOffset(), i.sopClassUid(), i.sopInstanceUid(),
                i.studyInstanceUid(), i.seriesInstanceUid(), i.modality(), i.transferSyntaxUid(), i.callingAeTitle(),
                i.remoteAddress(), i.associationId(), i.patientPseudonym());
    }

    private static void force(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(false);
        }
    }

    /**
     * Returns once the directory is synced with change {@code change} in it: a sync that started
     * after that change covers it, so of several associations waiting one syncs for all (group commit).
     */
    private void forceDirectory(long change) {
        synchronized (directorySync) {
            if (directorySynced >= change) {
                return;
            }
            long covered = directoryChanges.get();
            forceDirectory(pendingDir);
            directorySynced = covered;
        }
    }

    private static void await(Future<?> sync) throws IOException {
        try {
            sync.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while forcing a spooled file");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("forcing a spooled file failed", e.getCause());
        }
    }

    private static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // some file systems cannot sync a directory; the renames are still ordered after the data
        }
    }
}
