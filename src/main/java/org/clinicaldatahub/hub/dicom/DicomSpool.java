package org.clinicaldatahub.hub.dicom;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
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
import org.clinicaldatahub.hub.DaemonThreads;
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
 *
 * <p>Slots: under {@code acknowledge-after: spooled} instances are received straight into
 * preallocated slot files ({@link SpoolSlots}), and keeping one is a header write and a single
 * {@code fdatasync} of the slot (no new file, rename or directory sync). The same rules hold: the
 * entry is whole on disk before the C-STORE-RSP; after a crash a slot whose header or data do not
 * check out (description parses, data of the recorded size and SHA-256) was never answered and
 * is cleared; the drain uploads a copy of the slot's instance and frees the slot (cleared and
 * forced) only after the upload and event, so a crash in between uploads again to the same key.
 * Entries carry a sequence number, so a resend (a slot or a file of its own, whichever was free) is
 * drained after the entry it replaces. While no slot is free, instances are files of their own.
 */
public final class DicomSpool implements AutoCloseable {

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
            DaemonThreads.named("dicom-spool-sync"), new ThreadPoolExecutor.CallerRunsPolicy());
    /** Renames and deletions in {@link #pendingDir}, counted; the directory sync covers them up to {@link #directorySynced}. */
    private final AtomicLong directoryChanges = new AtomicLong();
    private final Object directorySync = new Object();
    private long directorySynced;
    /**
     * {@link #pendingDir}, open for its syncs (one per instance: not opened each time), or null
     * where a directory cannot be opened.
     */
    private final FileChannel directory;

    /** Preallocated slots (null: none), and the kept ones by slot index. */
    private final SpoolSlots slots;
    private final Map<Integer, KeptSlot> kept = new ConcurrentHashMap<>();
    /** Where the drain gets a slot's instance as a file of its own (transient copies). */
    private final Path drainDir;
    /** Orders entries across both layouts (a resend is drained after what it replaces): microseconds since the epoch, or more. */
    private final AtomicLong sequence = new AtomicLong();

    public DicomSpool(Path spoolDir) {
        this(spoolDir, 0, 0);
    }

    /**
     * @param slotCount preallocated slots ({@link SpoolSlots}) for instances received straight into
     *                  the spool ({@code acknowledge-after: spooled}); 0: none, every instance is a file
     *                  of its own. Missing slot files are created in the background.
     * @param slotSize  instance bytes a slot holds without growing
     */
    public DicomSpool(Path spoolDir, int slotCount, long slotSize) {
        try {
            this.pendingDir = Files.createDirectories(spoolDir.resolve("pending"));
            this.drainDir = Files.createDirectories(spoolDir.resolve("drain"));
            try (DirectoryStream<Path> copies = Files.newDirectoryStream(drainDir)) {
                for (Path copy : copies) {
                    Files.deleteIfExists(copy);
                }
            }
            this.slots = slotCount <= 0 ? null : new SpoolSlots(spoolDir.resolve("slots"), slotCount, slotSize);
            if (slots != null) {
                recoverSlots();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the DICOM spool in " + spoolDir, e);
        }
        this.directory = openDirectory(pendingDir);
        if (slots != null && slots.count() < slotCount) {
            Thread creator = new Thread(() -> {
                try {
                    slots.create(slotCount);
                } catch (IOException | RuntimeException e) {
                    LOG.error("DICOM spool slots not created ({}): instances are spooled as files", e.toString());
                }
            }, "dicom-spool-slots");
            creator.setDaemon(true);
            creator.start();
        }
    }

    /** A slot holding an answered instance until the drain removes it. */
    private record KeptSlot(SpoolSlots.Slot slot, long sequence, ReceivedInstance instance) {
    }

    /**
     * Slots of an earlier run: a whole entry (header parses, data of the recorded size and
     * SHA-256) is kept for the drain; anything else was never answered (the answer waits for the
     * slot's sync) and is cleared.
     */
    private void recoverSlots() throws IOException {
        for (SpoolSlots.Slot slot : slots.existing()) {
            SpoolSlots.Header header = slots.readHeader(slot);
            Entry entry = null;
            if (header != null) {
                try {
                    entry = JSON.readValue(header.description(), Entry.class);
                } catch (IOException unreadable) {
                    entry = null;
                }
            }
            if (entry != null && slot.channel.size() >= SpoolSlots.HEADER + entry.instance().size()
                    && sha256Of(slot.channel, SpoolSlots.HEADER, entry.instance().size())
                            .equals(entry.instance().sha256())) {
                ReceivedInstance instance = withFile(entry.instance(), slot.file);
                slot.state.set(SpoolSlots.State.KEPT);
                kept.put(slot.index, new KeptSlot(slot, header.sequence(), instance));
                sequence.accumulateAndGet(header.sequence(), Math::max);
                continue;
            }
            if (header != null) {
                LOG.warn("DICOM spool slot {} from an earlier run is incomplete (never acknowledged); dropped",
                        slot.index);
            }
            slots.clear(slot, true);
            slots.release(slot);
        }
    }

    /**
     * A free slot to receive an instance into, or null (no slots, or all in use: the instance
     * becomes a file of its own). The receiver writes its Part 10 bytes from
     * {@link SpoolSlots#HEADER} on; {@link #keep} then makes it an entry, {@link #release} gives
     * it back if it never gets there.
     */
    SpoolSlots.Slot claimSlot() {
        return slots == null ? null : slots.claim();
    }

    /**
     * Gives back a slot claimed as claim number {@code claim} unless it was kept meanwhile
     * (reception failed, the instance was refused or not spooled; a kept one is the drain's).
     */
    void release(SpoolSlots.Slot slot, long claim) throws IOException {
        synchronized (slot) {
            if (slot.state.get() != SpoolSlots.State.CLAIMED || slot.claims.get() != claim) {
                return;
            }
            // a header may have been written before a failed sync: not forced, checked by SHA-256 after a crash
            slots.clear(slot, false);
            slots.release(slot);
        }
    }

    /** Copies a claimed slot's instance into a file of its own (a refused instance goes to quarantine from there). */
    void copyOut(SpoolSlots.Slot slot, long size, Path target) throws IOException {
        slots.copyOut(slot, size, target);
    }

    private long nextSequence() {
        long now = System.currentTimeMillis() * 1000;
        return sequence.updateAndGet(last -> Math.max(last + 1, now));
    }

    /** Instances waiting in a spool directory (files and slots), for tests and benchmarks watching a hub. */
    public static long countOnDisk(Path spoolDir) throws IOException {
        long count = 0;
        for (String sub : List.of("pending", "slots")) {
            Path dir = spoolDir.resolve(sub);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                for (Path file : files) {
                    String name = file.getFileName().toString();
                    if (name.endsWith(".json") || name.endsWith(".slot") && SpoolSlots.holdsEntry(file)) {
                        count++;
                    }
                }
            }
        }
        return count;
    }

    private static FileChannel openDirectory(Path dir) {
        try {
            return FileChannel.open(dir, StandardOpenOption.READ);
        } catch (IOException e) {
            return null; // some file systems cannot open (or sync) a directory; the renames still follow the data
        }
    }

    /** Closes the spool directory's channel (the application context closes the spool). */
    @Override
    public void close() throws IOException {
        if (directory != null) {
            directory.close();
        }
        if (slots != null) {
            slots.close();
        }
    }

    /** Description of a spooled instance, written beside its Part 10 file. */
    record Entry(ReceivedInstance instance, String objectKey, long sequence) {
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
        try (FileChannel data = FileChannel.open(instance.file(), StandardOpenOption.WRITE)) {
            return keep(instance, objectKey, data, whilePlaced);
        }
    }

    /**
     * As {@link #keep(ReceivedInstance, String, Runnable)} with the received file still open
     * ({@code data}, open for writing; the caller closes it): forced through that channel, one
     * open less on the way to the C-STORE-RSP.
     */
    public ReceivedInstance keep(ReceivedInstance instance, String objectKey, FileChannel data, Runnable whilePlaced)
            throws IOException {
        SpoolSlots.Slot slot = slots == null ? null : slots.slotOf(instance.file());
        if (slot != null) {
            return keepInSlot(slot, instance, objectKey, whilePlaced);
        }
        String name = instance.sopInstanceUid();
        Path file = pendingDir.resolve(name + ".dcm");
        Path description = pendingDir.resolve(name + ".json");
        ReceivedInstance spooled = withFile(instance, file);
        Path tmp = pendingDir.resolve(name + "." + UUID.randomUUID() + ".json.tmp");
        boolean placed = false;
        // written and later forced through one channel: a file opened once, not written, closed and opened again
        try (FileChannel entry = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer bytes = ByteBuffer.wrap(JSON.writeValueAsBytes(new Entry(spooled, objectKey, nextSequence())));
            while (bytes.hasRemaining()) {
                entry.write(bytes);
            }
            // The channels stay open across the renames: they force these files even if the drain
            // has uploaded and removed the entry meanwhile.
            long change = -1;
            synchronized (lock) {
                if (!Files.exists(description)) {
                    change = place(instance.file(), file, tmp, description);
                }
            }
            placed = change >= 0;
            if (change < 0) {
                // a resend replaces an entry that may have been answered already: the
                // replacement must be whole on disk before it takes the old one's place
                forceBoth(data, entry);
                synchronized (lock) {
                    change = place(instance.file(), file, tmp, description);
                }
                placed = true;
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
        } finally {
            if (!placed) {
                Files.deleteIfExists(tmp);
            }
        }
        return spooled;
    }

    /**
     * Makes a claimed slot, with the instance received into it, an entry: header written, then data
     * and header forced with one sync (no metadata changes inside the preallocated size). A resend
     * of an instance still spooled is an entry of its own with a later sequence number, drained
     * after the one it replaces. The drain sees the entry only once it is forced.
     */
    private ReceivedInstance keepInSlot(SpoolSlots.Slot slot, ReceivedInstance instance, String objectKey,
            Runnable whilePlaced) throws IOException {
        long entrySequence = nextSequence();
        slots.writeHeader(slot, entrySequence, JSON.writeValueAsBytes(new Entry(instance, objectKey, entrySequence)));
        if (whilePlaced != null) {
            whilePlaced.run();
        }
        slot.channel.force(false);
        synchronized (slot) {
            slot.state.set(SpoolSlots.State.KEPT);
        }
        kept.put(slot.index, new KeptSlot(slot, entrySequence, instance));
        return instance;
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

    /**
     * Spooled instances, oldest first (by sequence number; entries of older versions by time), at
     * most a batch, each SOP Instance UID at most once. An instance kept in a slot is copied into
     * a file of its own for the upload.
     */
    public List<ReceivedInstance> pending() throws IOException {
        List<Path> descriptions = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(pendingDir, "*.json")) {
            entries.forEach(descriptions::add);
        }
        Map<Path, Long> modified = new HashMap<>();
        for (Path description : descriptions) {
            try {
                modified.put(description, Files.getLastModifiedTime(description).to(TimeUnit.MICROSECONDS));
            } catch (IOException gone) {
                modified.put(description, Long.MAX_VALUE);
            }
        }
        descriptions.sort(Comparator.comparing(modified::get));
        List<Map.Entry<Long, ReceivedInstance>> candidates = new ArrayList<>();
        for (Path description : descriptions.subList(0, Math.min(DRAIN_BATCH, descriptions.size()))) {
            Optional<Entry> entry = fromEarlierRun(description) ? recovered(description)
                    : Optional.of(JSON.readValue(description.toFile(), Entry.class));
            if (entry.isEmpty()) {
                continue;
            }
            if (Files.exists(entry.get().instance().file())) {
                long order = entry.get().sequence() > 0 ? entry.get().sequence() : modified.get(description);
                candidates.add(Map.entry(order, entry.get().instance()));
            } else {
                LOG.error("DICOM spool entry {} has no file; removed", description.getFileName());
                Files.deleteIfExists(description);
            }
        }
        List<KeptSlot> inSlots = new ArrayList<>(kept.values());
        inSlots.sort(Comparator.comparingLong(KeptSlot::sequence));
        for (KeptSlot entry : inSlots.subList(0, Math.min(DRAIN_BATCH, inSlots.size()))) {
            candidates.add(Map.entry(entry.sequence(), entry.instance()));
        }
        candidates.sort(Map.Entry.comparingByKey());
        List<ReceivedInstance> instances = new ArrayList<>();
        Set<String> inBatch = new HashSet<>();
        for (Map.Entry<Long, ReceivedInstance> candidate : candidates) {
            if (instances.size() == DRAIN_BATCH) {
                break;
            }
            ReceivedInstance instance = candidate.getValue();
            // the drain uploads a batch in parallel: a newer copy of an instance waits for the
            // next batch, so it can never be overwritten by the older one finishing later
            if (!inBatch.add(instance.sopInstanceUid())) {
                continue;
            }
            SpoolSlots.Slot slot = slots == null ? null : slots.slotOf(instance.file());
            if (slot != null) {
                Path copy = drainDir.resolve(slot.index + "-" + candidate.getKey() + ".dcm");
                if (!Files.exists(copy)) {
                    slots.copyOut(slot, instance.size(), copy);
                }
                instance = withFile(instance, copy);
            }
            instances.add(instance);
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
            return (int) files.filter(p -> p.toString().endsWith(".json")).count() + kept.size();
        }
    }

    /** True when instances wait in the spool. */
    public boolean hasPending() throws IOException {
        if (!kept.isEmpty()) {
            return true;
        }
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
        if (instance.file().getParent().equals(drainDir)) {
            removeFromSlot(instance.file());
            return;
        }
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

    /**
     * Frees the slot of a drained copy ({@code <index>-<sequence>.dcm}) unless a newer entry took
     * it meanwhile: cleared and forced before it is handed out again.
     */
    private void removeFromSlot(Path copy) throws IOException {
        String name = copy.getFileName().toString();
        int dash = name.indexOf('-');
        int index = Integer.parseInt(name.substring(0, dash));
        long entrySequence = Long.parseLong(name.substring(dash + 1, name.length() - ".dcm".length()));
        KeptSlot entry = kept.get(index);
        if (entry != null && entry.sequence() == entrySequence && kept.remove(index, entry)) {
            slots.clear(entry.slot(), true);
            slots.release(entry.slot());
        }
        Files.deleteIfExists(copy);
    }

    private static String sha256Of(FileChannel channel, long from, long size) throws IOException {
        MessageDigest digest = Sha256.newDigest();
        ByteBuffer buffer = ByteBuffer.allocate(65536);
        for (long at = from; at < from + size; ) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), from + size - at));
            int n = channel.read(buffer, at);
            if (n <= 0) {
                break;
            }
            digest.update(buffer.array(), 0, n);
            at += n;
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static String sha256Of(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return sha256Of(channel, 0, channel.size());
        }
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
            forceDirectory();
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

    private void forceDirectory() {
        if (directory == null) {
            return;
        }
        try {
            directory.force(true);
        } catch (IOException e) {
            // some file systems cannot sync a directory; the renames are still ordered after the data
        }
    }
}
