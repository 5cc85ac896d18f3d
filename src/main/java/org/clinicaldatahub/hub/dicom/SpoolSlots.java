package org.clinicaldatahub.hub.dicom;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Preallocated files of the spool, each holding one instance: a header (magic, sequence number,
 * the entry's JSON description) and, from {@link #HEADER} on, the Part 10 bytes. A slot file exists,
 * is written with zeros up to its capacity and forced (file and directory) before it is first
 * handed out, so placing an instance into it changes no file system metadata: one
 * {@code fdatasync} makes data and description durable, with no new file, no rename and no
 * directory sync (on ext4 no journal commit either), where a new spool file needs all of those
 * before its C-STORE-RSP. An instance larger than the capacity grows the slot; that is still
 * correct (the sync then also commits the new size), only slower, and the slot shrinks back when
 * it is freed.
 *
 * <p>A slot is free (its header has no magic), claimed by one association that is receiving into
 * it, or kept (header written and forced). Freeing a kept slot clears its magic and forces it, so a
 * drained instance never comes back after a crash. Crash safety of the header itself (torn or
 * stale) is checked by {@link DicomSpool} with the SHA-256 the description records.
 */
final class SpoolSlots implements AutoCloseable {

    /** Bytes before the instance's data in a slot: magic, sequence number, length, description. */
    static final int HEADER = 4096;
    private static final byte[] MAGIC = "HUBSLOT1".getBytes(StandardCharsets.US_ASCII);
    private static final int FIXED = MAGIC.length + Long.BYTES + Integer.BYTES;
    private static final Logger LOG = LoggerFactory.getLogger(SpoolSlots.class);

    enum State { FREE, CLAIMED, KEPT }

    /** One slot file, open for reading and writing while the spool runs. */
    static final class Slot {
        final int index;
        final Path file;
        final FileChannel channel;
        final AtomicReference<State> state = new AtomicReference<>(State.FREE);
        /**
         * Counts the claims: whoever claimed a slot gives it back by its claim number, so a late
         * give-back never frees a slot that was kept, drained and claimed by another association since.
         */
        final AtomicLong claims = new AtomicLong();

        Slot(int index, Path file, FileChannel channel) {
            this.index = index;
            this.file = file;
            this.channel = channel;
        }
    }

    /** What a kept slot's header says. */
    record Header(long sequence, byte[] description) {
    }

    private final Path dir;
    private final long capacity;
    private final List<Slot> slots = new ArrayList<>();
    private final Map<Path, Slot> byFile = new ConcurrentHashMap<>();
    private final Map<Integer, Slot> byIndex = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Slot> free = new ConcurrentLinkedQueue<>();

    /**
     * Opens the slot files that exist in {@code dir} (all in state FREE: the spool reads their
     * headers before it hands any out); {@link #create} adds the missing ones.
     */
    SpoolSlots(Path dir, int count, long capacity) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.capacity = capacity;
        for (int i = 0; i < count; i++) {
            Path file = fileOf(i);
            if (Files.exists(file)) {
                add(new Slot(i, file, open(file)));
            }
        }
    }

    private Path fileOf(int index) {
        return dir.resolve(String.format("%05d.slot", index));
    }

    private static FileChannel open(Path file) throws IOException {
        return FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    private void add(Slot slot) {
        synchronized (slots) {
            slots.add(slot);
        }
        byFile.put(slot.file, slot);
        byIndex.put(slot.index, slot);
    }

    /** The slot files opened by the constructor. */
    List<Slot> existing() {
        synchronized (slots) {
            return List.copyOf(slots);
        }
    }

    /** Slots created so far. */
    int count() {
        return byIndex.size();
    }

    /**
     * Creates the slot files missing up to {@code count}, each written with zeros and forced, the
     * directory forced after each, and hands each out once it is whole on disk. Runs in the
     * background at start-up (until it is done, more instances go the file way).
     */
    void create(int count) throws IOException {
        // One page per write: the page cache sizes its folios by the write that creates them, and a
        // header rewritten into a clean 1 MB folio would make its fdatasync write the whole folio.
        ByteBuffer zeros = ByteBuffer.allocateDirect(4096);
        for (int i = 0; i < count; i++) {
            if (byIndex.containsKey(i)) {
                continue;
            }
            Path file = fileOf(i);
            Path tmp = dir.resolve(file.getFileName() + ".tmp");
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                // written, not fallocate'd: unwritten extents would be converted (metadata) on first use
                for (long at = 0; at < HEADER + capacity; ) {
                    zeros.clear().limit((int) Math.min(zeros.capacity(), HEADER + capacity - at));
                    at += channel.write(zeros, at);
                }
                channel.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            forceDirectory();
            Slot slot = new Slot(i, file, open(file));
            add(slot);
            free.add(slot);
        }
    }

    private void forceDirectory() throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /** A free slot for one association to receive into, or null when all are in use. */
    Slot claim() {
        Slot slot = free.poll();
        if (slot != null) {
            slot.claims.incrementAndGet();
            slot.state.set(State.CLAIMED);
        }
        return slot;
    }

    /** Hands a free slot out again (its header holds no magic). */
    void release(Slot slot) {
        slot.state.set(State.FREE);
        free.add(slot);
    }

    /** Writes the header of a claimed slot (not forced: the caller forces data and header with one sync). */
    void writeHeader(Slot slot, long sequence, byte[] description) throws IOException {
        if (FIXED + description.length > HEADER) {
            throw new IOException("DICOM spool description of " + description.length + " bytes does not fit a slot");
        }
        ByteBuffer header = ByteBuffer.allocate(FIXED + description.length);
        header.put(MAGIC).putLong(sequence).putInt(description.length).put(description).flip();
        while (header.hasRemaining()) {
            slot.channel.write(header, header.position());
        }
    }

    /** The header of a slot, or null when it holds no entry (no magic, or a length that cannot be). */
    Header readHeader(Slot slot) throws IOException {
        ByteBuffer fixed = ByteBuffer.allocate(FIXED);
        while (fixed.hasRemaining() && slot.channel.read(fixed, fixed.position()) > 0) {
            // read on
        }
        if (fixed.hasRemaining() || !Arrays.equals(Arrays.copyOf(fixed.array(), MAGIC.length), MAGIC)) {
            return null;
        }
        fixed.position(MAGIC.length);
        long sequence = fixed.getLong();
        int length = fixed.getInt();
        if (length <= 0 || FIXED + length > HEADER) {
            return null;
        }
        ByteBuffer description = ByteBuffer.allocate(length);
        while (description.hasRemaining() && slot.channel.read(description, FIXED + description.position()) > 0) {
            // read on
        }
        return description.hasRemaining() ? null : new Header(sequence, description.array());
    }

    /**
     * Clears a slot's magic; {@code durably}: forced too (a drained instance must not come back
     * after a crash, or it would be uploaded again over a newer resend), and shrunk back to its
     * capacity if an instance had grown it.
     */
    void clear(Slot slot, boolean durably) throws IOException {
        ByteBuffer none = ByteBuffer.allocate(MAGIC.length);
        while (none.hasRemaining()) {
            slot.channel.write(none, none.position());
        }
        if (durably) {
            if (slot.channel.size() > HEADER + capacity) {
                slot.channel.truncate(HEADER + capacity);
            }
            slot.channel.force(true);
        }
    }

    /** Copies the instance held in a slot ({@code size} bytes) into a file of its own. */
    void copyOut(Slot slot, long size, Path target) throws IOException {
        try (FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (long done = 0; done < size; ) {
                long n = slot.channel.transferTo(HEADER + done, size - done, out);
                if (n <= 0) {
                    throw new IOException("slot " + slot.index + " is shorter than its instance");
                }
                done += n;
            }
        }
    }

    /** The slot of a file, or null if it is not one of these slots. */
    Slot slotOf(Path file) {
        return byFile.get(file);
    }

    /** The slot of an index, or null. */
    Slot byIndex(int index) {
        return byIndex.get(index);
    }

    /** True when a slot file (as written by this class) holds an entry: for tests and benchmarks watching a spool. */
    static boolean holdsEntry(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer magic = ByteBuffer.allocate(MAGIC.length);
            while (magic.hasRemaining() && channel.read(magic) > 0) {
                // read on
            }
            return !magic.hasRemaining() && Arrays.equals(magic.array(), MAGIC);
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        synchronized (slots) {
            for (Slot slot : slots) {
                try {
                    slot.channel.close();
                } catch (IOException e) {
                    LOG.debug("closing spool slot {} failed", slot.index, e);
                }
            }
        }
    }
}
