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

import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Store and forward for the DICOM channel (DESIGN.md: a site keeps scanning when the WAN drops).
 * When the object store is unreachable an instance is moved into {@code <spool>/pending} with a
 * JSON description beside it, both forced to disk (files, then directory) before the C-STORE is
 * answered; under {@code hub.dicom.acknowledge-after: spooled} every instance goes this way. The drain route uploads pending instances once the store answers again, publishes
 * their events, and only then removes them: a crash in between uploads again to the same key.
 */
public final class DicomSpool {

    private static final Logger LOG = LoggerFactory.getLogger(DicomSpool.class);
    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();
    private static final int DRAIN_BATCH = 100;

    private final Path pendingDir;
    private final Object lock = new Object();

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
     * its description are forced before they are renamed into place (a resend of the same SOP
     * Instance replaces the entry, under the lock that {@link #remove} takes), then the directory.
     */
    public ReceivedInstance keep(ReceivedInstance instance, String objectKey) throws IOException {
        String name = instance.sopInstanceUid();
        Path file = pendingDir.resolve(name + ".dcm");
        ReceivedInstance spooled = withFile(instance, file);
        Path tmp = pendingDir.resolve(name + "." + UUID.randomUUID() + ".json.tmp");
        try {
            Files.write(tmp, JSON.writeValueAsBytes(new Entry(spooled, objectKey)));
            force(instance.file());
            force(tmp);
            synchronized (lock) {
                Files.move(instance.file(), file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                Files.move(tmp, pendingDir.resolve(name + ".json"), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        forceDirectory(pendingDir);
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
        synchronized (lock) {
            if (Files.exists(description)
                    && !JSON.readValue(description.toFile(), Entry.class).instance().sha256().equals(instance.sha256())) {
                return;
            }
            Files.deleteIfExists(description);
            Files.deleteIfExists(instance.file());
        }
        forceDirectory(pendingDir);
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

    private static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // some file systems cannot sync a directory; the renames are still ordered after the data
        }
    }
}
