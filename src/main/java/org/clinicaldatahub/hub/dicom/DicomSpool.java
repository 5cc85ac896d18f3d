package org.clinicaldatahub.hub.dicom;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.camel.Exchange;
import org.clinicaldatahub.hub.storage.Sha256;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Store and forward for the DICOM channel (DESIGN.md: a site keeps scanning when the WAN drops).
 * When the object store is unreachable an instance is moved into {@code <spool>/pending} with a
 * JSON description beside it, both forced to disk (files and directory) before the C-STORE is
 * answered; under {@code hub.dicom.acknowledge-after: spooled} every instance goes this way. The
 * drain route uploads pending instances once the store answers again, publishes their events, and
 * only then removes them: a crash in between uploads again to the same key.
 *
 * <p>Latency: one association sends one instance at a time, so each sync on the way to its
 * C-STORE-RSP adds up. A new entry is renamed into place first and then its file, its description
 * and the directory are forced at the same time, so one journal commit usually carries them all;
 * the directory sync is a group commit across associations. A crash before those forces finish
 * can leave an incomplete entry that was never answered: entries of an earlier run are checked
 * (size, SHA-256) before the drain takes them, and incomplete ones dropped. A resend that replaces
 * an existing entry (maybe answered already) keeps the strict order: forced, then renamed.
 */
public final class DicomSpool {

    private static final Logger LOG = LoggerFactory.getLogger(DicomSpool.class);
    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();
    private static final int DRAIN_BATCH = 100;

    private final Path pendingDir;
    /**
     * Entries described before this instant were left by an earlier run and are checked once. A
     * second before the spool opened: file times come from the kernel's coarse clock, which can
     * stamp a file written just after this instant a few milliseconds before it, and no hub
     * restarts within a second of a crash.
     */
    private final Instant openedAt = Instant.now().minusSeconds(1);
    private final Set<String> verified = ConcurrentHashMap.newKeySet();
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
     * Moves the received file into the spool, durably; returns the spooled instance once file,
     * description and directory are forced (a resend of the same SOP Instance replaces the entry,
     * under the lock that {@link #remove} takes).
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
        Path description = pendingDir.resolve(name + ".json");
        ReceivedInstance spooled = withFile(instance, file);
        Path tmp = pendingDir.resolve(name + "." + UUID.randomUUID() + ".json.tmp");
        try {
            Files.write(tmp, JSON.writeValueAsBytes(new Entry(spooled, objectKey)));
            // Channels opened before the renames: they force these files even if the drain has
            // uploaded and removed the entry meanwhile.
            try (FileChannel data = FileChannel.open(instance.file(), StandardOpenOption.WRITE);
                    FileChannel entry = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                long change = -1;
                synchronized (lock) {
                    if (!Files.exists(description)) {
                        change = place(instance.file(), file, tmp, description);
                    }
                }
                if (change < 0) {
                    // a resend replaces an entry that may have been answered already: the
                    // replacement must be whole on disk before it takes the old one's place
                    forceBoth(data, entry);
                    synchronized (lock) {
                        change = place(instance.file(), file, tmp, description);
                    }
                    if (whilePlaced != null) {
                        whilePlaced.run();
                    }
                    forceDirectory(change);
                    return spooled;
                }
                // A new entry: renamed first, then file, description and directory forced at once,
                // so one journal commit can carry them all instead of two in a row. A crash before
                // they are done can leave an entry whose file is incomplete; it was never answered
                // (the answer waits for all three), and pending() drops it after a restart.
                if (whilePlaced != null) {
                    whilePlaced.run();
                }
                Future<?> forced = syncs.submit(() -> {
                    forceBoth(data, entry);
                    return null;
                });
                forceDirectory(change);
                await(forced);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        return spooled;
    }

    /** Moves file and description into place (caller holds the lock); returns the directory change. */
    private long place(Path received, Path file, Path tmp, Path description) throws IOException {
        Files.move(received, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.move(tmp, description, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return directoryChanges.incrementAndGet();
    }

    /** Forces the received file and its description at the same time (on ext4 they usually share one commit). */
    private void forceBoth(FileChannel data, FileChannel entry) throws IOException {
        Future<?> dataForced = syncs.submit(() -> {
            data.force(false);
            return null;
        });
        entry.force(false);
        await(dataForced);
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
            Optional<Entry> entry = fromEarlierRun(description) ? recovered(description)
                    : Optional.of(JSON.readValue(description.toFile(), Entry.class));
            if (entry.isEmpty()) {
                continue;
            }
            if (Files.exists(entry.get().instance().file())) {
                instances.add(entry.get().instance());
            } else {
                LOG.error("DICOM spool entry {} has no file; removed", description.getFileName());
                Files.deleteIfExists(description);
            }
        }
        return instances;
    }

    private boolean fromEarlierRun(Path description) throws IOException {
        return !verified.contains(description.getFileName().toString())
                && Files.getLastModifiedTime(description).toInstant().isBefore(openedAt);
    }

    /**
     * An entry left by an earlier run, checked once: a crash between placing a new entry and
     * forcing it can leave its description or file incomplete. Such an entry was never answered
     * (the answer waits for the forces), so the modality sends it again; it is dropped here
     * rather than uploaded. A whole one (description parses, file of the recorded size and
     * SHA-256) goes on as usual.
     */
    private Optional<Entry> recovered(Path description) throws IOException {
        String name = description.getFileName().toString();
        Entry entry;
        try {
            entry = JSON.readValue(description.toFile(), Entry.class);
        } catch (IOException unreadable) {
            LOG.warn("DICOM spool entry {} from an earlier run is incomplete (never acknowledged); dropped", name);
            synchronized (lock) {
                Files.deleteIfExists(pendingDir.resolve(name.substring(0, name.length() - ".json".length()) + ".dcm"));
                Files.deleteIfExists(description);
            }
            return Optional.empty();
        }
        Path file = entry.instance().file();
        if (Files.exists(file) && !(Files.size(file) == entry.instance().size()
                && sha256Of(file).equals(entry.instance().sha256()))) {
            LOG.warn("DICOM spool entry {} from an earlier run has an incomplete file (never acknowledged); dropped",
                    name);
            synchronized (lock) {
                Files.deleteIfExists(file);
                Files.deleteIfExists(description);
            }
            return Optional.empty();
        }
        verified.add(name);
        return Optional.of(entry);
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

    private static String sha256Of(Path file) throws IOException {
        java.security.MessageDigest digest = Sha256.newDigest();
        try (java.io.InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[65536];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        }
        return java.util.HexFormat.of().formatHex(digest.digest());
    }

    static ReceivedInstance withFile(ReceivedInstance i, Path file) {
        return new ReceivedInstance(file, i.size(), i.sha256(), i.dataSetOffset(), i.sopClassUid(), i.sopInstanceUid(),
                i.studyInstanceUid(), i.seriesInstanceUid(), i.modality(), i.transferSyntaxUid(), i.callingAeTitle(),
                i.remoteAddress(), i.associationId(), i.patientPseudonym());
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
