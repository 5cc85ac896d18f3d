package org.clinicaldatahub.hub.dicom;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.clinicaldatahub.hub.DaemonThreads;
import org.clinicaldatahub.hub.dicom.data.DicomReader;
import org.clinicaldatahub.hub.dicom.data.FileMetaInformation;
import org.clinicaldatahub.hub.dicom.data.Tag;
import org.clinicaldatahub.hub.dicom.data.TransferSyntax;
import org.clinicaldatahub.hub.dicom.net.DimseStatus;
import org.clinicaldatahub.hub.dicom.net.HubImplementation;
import org.clinicaldatahub.hub.dicom.net.StoreRequest;
import org.clinicaldatahub.hub.storage.Sha256;

/**
 * Receives one C-STORE data set into a Part 10 file in one pass: File Meta Information first
 * (PS3.10 7.1), then the data set bytes exactly as they arrive, hashed (SHA-256) on the way to
 * disk while a {@link DicomReader} parses the same bytes to check the data set and pick up its
 * identifying UIDs. Memory stays at a few buffers whatever the instance size.
 */
public final class DicomInstanceReceiver {

    private final Path incomingDir;
    private final PatientPseudonyms pseudonyms;
    private final long writebackStep;
    private final ExecutorService writeback;
    private final DicomSpool spool;

    public DicomInstanceReceiver(Path incomingDir, PatientPseudonyms pseudonyms) throws IOException {
        this(incomingDir, pseudonyms, 0);
    }

    /**
     * @param writebackStep when above 0, received files are forced in the background after every
     *                      this many bytes ({@link EarlyWriteback}): for files that are forced before
     *                      their C-STORE-RSP anyway (the spool)
     */
    public DicomInstanceReceiver(Path incomingDir, PatientPseudonyms pseudonyms, long writebackStep)
            throws IOException {
        this(incomingDir, pseudonyms, writebackStep, null);
    }

    /**
     * @param spool when not null, instances are received straight into its free slots
     *              ({@link DicomSpool#claimSlot}), for a spool that keeps every instance
     *              ({@code acknowledge-after: spooled}); into files of their own while none is free
     */
    public DicomInstanceReceiver(Path incomingDir, PatientPseudonyms pseudonyms, long writebackStep, DicomSpool spool)
            throws IOException {
        this.spool = spool;
        this.incomingDir = Files.createDirectories(incomingDir);
        this.pseudonyms = pseudonyms;
        this.writebackStep = writebackStep;
        this.writeback = writebackStep <= 0 ? null
                : Executors.newCachedThreadPool(DaemonThreads.named("dicom-early-writeback"));
    }

    /**
     * Receives the instance and closes its file.
     *
     * @see #receiveOpen
     */
    public ReceivedInstance receive(StoreRequest request, InputStream dataSet)
            throws IOException, InstanceRejectedException {
        OpenReceivedInstance received = receiveOpen(request, dataSet, false);
        received.channel().close();
        return received.instance();
    }

    /**
     * Receives the instance and leaves its file open, for the spool to force it without opening
     * it again; the caller closes it.
     *
     * @throws InstanceRejectedException the data set cannot be parsed (C000) or does not match
     *                                   its request or SOP class (A900); the file is kept (closed) for quarantine
     * @throws IOException               the association broke mid-instance; nothing is kept
     */
    public OpenReceivedInstance receiveOpen(StoreRequest request, InputStream dataSet)
            throws IOException, InstanceRejectedException {
        return receiveOpen(request, dataSet, spool != null);
    }

    private OpenReceivedInstance receiveOpen(StoreRequest request, InputStream dataSet, boolean intoSlot)
            throws IOException, InstanceRejectedException {
        TransferSyntax syntax = TransferSyntax.of(request.transferSyntaxUid());
        SpoolSlots.Slot slot = intoSlot ? spool.claimSlot() : null;
        Path file;
        FileChannel channel;
        if (slot != null) {
            file = slot.file;
            channel = slot.channel;
        } else {
            file = incomingDir.resolve(UUID.randomUUID() + ".dcm");
            channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }
        Path received = file;
        long claim = slot == null ? 0 : slot.claims.get();
        Closeable discard = slot != null ? () -> spool.release(slot, claim) : () -> {
            channel.close();
            Files.deleteIfExists(received);
        };
        if (slot != null) {
            try {
                channel.position(SpoolSlots.HEADER);
            } catch (IOException e) {
                discard.close();
                throw e;
            }
        }
        // without early writeback (step 0) the file is never forced here
        EarlyWriteback sink = new EarlyWriteback(channel, writeback == null ? Long.MAX_VALUE : writebackStep, writeback);
        MessageDigest digest = Sha256.newDigest();
        Tee tee = new Tee(dataSet);
        Found found = new Found();
        long dataSetOffset;
        InstanceRejectedException rejection = null;
        try (OutputStream out = new DigestOutputStream(new BufferedOutputStream(sink, 65536), digest)) {
            dataSetOffset = new FileMetaInformation(request.sopClassUid(), request.sopInstanceUid(),
                    request.transferSyntaxUid(), HubImplementation.CLASS_UID, HubImplementation.VERSION_NAME,
                    request.association().callingAeTitle()).writeTo(out);
            tee.target = out;
            try (DicomReader reader = new DicomReader(tee, syntax)) {
                parse(reader, found);
            } catch (IOException e) {
                if (tee.failure != null || tee.writeFailure != null) {
                    throw e;
                }
                // the bytes arrived whole but are not a data set (DicomParseException, EOF, bad deflate)
                rejection = new InstanceRejectedException(DimseStatus.CANNOT_UNDERSTAND, "DICOM_DATA_SET_UNPARSEABLE",
                        "data set does not parse");
            }
            tee.drain();
        } catch (IOException | RuntimeException e) {
            discard.close();
            throw e;
        }
        if (rejection == null) {
            rejection = check(request, found);
        }
        if (rejection != null) {
            if (slot == null) {
                channel.close();
                throw rejection.withReceivedFile(file);
            }
            // quarantined from a file of its own; the slot is free again at once
            Path copy = incomingDir.resolve(UUID.randomUUID() + ".dcm");
            try {
                spool.copyOut(slot, sink.written(), copy);
            } finally {
                discard.close();
            }
            throw rejection.withReceivedFile(copy);
        }
        String sha256 = HexFormat.of().formatHex(digest.digest());
        String pseudonym = pseudonyms == null ? null : pseudonyms.pseudonym(found.patientId, found.issuer);
        try {
            // the bytes written (the stream is flushed), without asking the file system for its size
            return new OpenReceivedInstance(new ReceivedInstance(file, sink.written(), sha256, dataSetOffset,
                    request.sopClassUid(), request.sopInstanceUid(), found.study, found.series, found.modality,
                    request.transferSyntaxUid(), request.association().callingAeTitle(),
                    request.association().remoteAddress(), request.association().id(), pseudonym), channel, discard);
        } catch (RuntimeException e) {
            discard.close();
            throw e;
        }
    }

    private static void parse(DicomReader reader, Found found) throws IOException {
        for (DicomReader.Event e = reader.next(); e != DicomReader.Event.END; e = reader.next()) {
            if (e != DicomReader.Event.ELEMENT || reader.depth() != 0) {
                continue;
            }
            switch (reader.tag()) {
                case Tag.SOP_CLASS_UID -> found.sopClass = reader.readString();
                case Tag.SOP_INSTANCE_UID -> found.sopInstance = reader.readString();
                case Tag.STUDY_INSTANCE_UID -> found.study = reader.readString();
                case Tag.SERIES_INSTANCE_UID -> found.series = reader.readString();
                case Tag.MODALITY -> found.modality = reader.readString();
                case Tag.PATIENT_ID -> found.patientId = reader.readString();
                case Tag.ISSUER_OF_PATIENT_ID -> found.issuer = reader.readString();
                default -> {
                    // not needed: skipped (still copied to the file)
                }
            }
        }
    }

    private static InstanceRejectedException check(StoreRequest request, Found found) {
        if (found.sopClass == null || !found.sopClass.equals(request.sopClassUid())) {
            return new InstanceRejectedException(DimseStatus.DATA_SET_DOES_NOT_MATCH_SOP_CLASS,
                    "DICOM_SOP_CLASS_MISMATCH", "SOP Class UID differs from the request");
        }
        if (found.sopInstance == null || !found.sopInstance.equals(request.sopInstanceUid())) {
            return new InstanceRejectedException(DimseStatus.DATA_SET_DOES_NOT_MATCH_SOP_CLASS,
                    "DICOM_SOP_INSTANCE_MISMATCH", "SOP Instance UID differs from the request");
        }
        if (!isUid(found.study) || !isUid(found.series)) {
            return new InstanceRejectedException(DimseStatus.DATA_SET_DOES_NOT_MATCH_SOP_CLASS,
                    "DICOM_MISSING_STUDY_OR_SERIES_UID", "Study or Series Instance UID missing or invalid");
        }
        if (!isUid(found.sopInstance)) {
            return new InstanceRejectedException(DimseStatus.DATA_SET_DOES_NOT_MATCH_SOP_CLASS,
                    "DICOM_INVALID_SOP_INSTANCE_UID", "SOP Instance UID invalid");
        }
        return null;
    }

    /** PS3.5 9.1: digits and dots, at most 64 characters; also keeps object keys safe. */
    static boolean isUid(String uid) {
        return uid != null && !uid.isEmpty() && uid.length() <= 64 && uid.matches("[0-9]+(\\.[0-9]+)*");
    }

    private static final class Found {
        String sopClass;
        String sopInstance;
        String study;
        String series;
        String modality;
        String patientId;
        String issuer;
    }

    /** Copies every byte read through it to {@link #target}; remembers a failure of the source. */
    private static final class Tee extends FilterInputStream {
        OutputStream target;
        IOException failure;
        IOException writeFailure;

        Tee(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n;
            try {
                n = in.read(b, off, len);
            } catch (IOException e) {
                failure = e;
                throw e;
            }
            if (n > 0) {
                try {
                    target.write(b, off, n);
                } catch (IOException e) {
                    writeFailure = e;
                    throw e;
                }
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] sink = new byte[(int) Math.min(n, 65536)];
            int read = read(sink, 0, sink.length);
            return Math.max(read, 0);
        }

        void drain() throws IOException {
            byte[] sink = new byte[65536];
            while (read(sink, 0, sink.length) >= 0) {
                // copied by read
            }
        }
    }
}
