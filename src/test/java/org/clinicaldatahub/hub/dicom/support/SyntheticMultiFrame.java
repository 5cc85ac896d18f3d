package org.clinicaldatahub.hub.dicom.support;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

import org.clinicaldatahub.hub.dicom.data.DicomWriter;
import org.clinicaldatahub.hub.dicom.data.FileMetaInformation;
import org.clinicaldatahub.hub.dicom.data.Tag;
import org.clinicaldatahub.hub.dicom.data.TransferSyntax;
import org.clinicaldatahub.hub.dicom.data.Vr;
import org.clinicaldatahub.hub.dicom.net.HubImplementation;
import org.clinicaldatahub.hub.storage.Sha256;

/**
 * A multi-frame instance of any size (Multi-frame Grayscale Word Secondary Capture, 512 x 512 x
 * 16 bit frames, Explicit VR Little Endian), written as a Part 10 file with the hub's own streaming
 * {@link DicomWriter}: the pixel data never exists in memory, so a test can make a gigabyte in /tmp.
 * Frames are pseudo-random bytes (a block repeated with its frame number stamped in), so a shifted
 * or repeated chunk on the way is caught by the checksum.
 */
public final class SyntheticMultiFrame {

    public static final String SOP_CLASS = "1.2.840.10008.5.1.4.1.1.7.3";
    public static final int FRAME_BYTES = 512 * 512 * 2;

    private SyntheticMultiFrame() {
    }

    /** Writes the file; returns the SHA-256 (hex) of its data set part (after the File Meta Information). */
    public static String write(Path file, String studyUid, String seriesUid, String instanceUid, int frames)
            throws IOException {
        return write(file, SOP_CLASS, studyUid, seriesUid, instanceUid, frames);
    }

    /** The same with another SOP class, e.g. CT Image Storage with one frame (~512 KB, a typical CT slice). */
    public static String write(Path file, String sopClass, String studyUid, String seriesUid, String instanceUid,
            int frames) throws IOException {
        MessageDigest digest = Sha256.newDigest();
        try (OutputStream fileOut = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            new FileMetaInformation(sopClass, instanceUid, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN,
                    HubImplementation.CLASS_UID, HubImplementation.VERSION_NAME, "MODALITY").writeTo(fileOut);
            OutputStream out = new DigestOutputStream(fileOut, digest);
            DicomWriter writer = new DicomWriter(out, TransferSyntax.EXPLICIT_LE);
            writer.writeAscii(Tag.SOP_CLASS_UID, Vr.UI, sopClass);
            writer.writeAscii(Tag.SOP_INSTANCE_UID, Vr.UI, instanceUid);
            boolean secondaryCapture = sopClass.startsWith("1.2.840.10008.5.1.4.1.1.7");
            writer.writeAscii(Tag.MODALITY, Vr.CS, secondaryCapture ? "OT" : "CT");
            if (secondaryCapture) {
                writer.writeAscii(0x00080064, Vr.CS, "WSD");
            }
            writer.writeAscii(Tag.PATIENT_NAME, Vr.PN, "Testperson^Large");
            writer.writeAscii(Tag.PATIENT_ID, Vr.LO, SyntheticCt.FAKE_PATIENT_ID);
            writer.writeAscii(Tag.STUDY_INSTANCE_UID, Vr.UI, studyUid);
            writer.writeAscii(Tag.SERIES_INSTANCE_UID, Vr.UI, seriesUid);
            writer.writeUS(0x00280002, 1);
            writer.writeAscii(0x00280004, Vr.CS, "MONOCHROME2");
            if (frames > 1 || secondaryCapture) {
                writer.writeAscii(0x00280008, Vr.IS, Integer.toString(frames));
            }
            writer.writeUS(0x00280010, 512);
            writer.writeUS(0x00280011, 512);
            writer.writeUS(0x00280100, 16);
            writer.writeUS(0x00280101, 16);
            writer.writeUS(0x00280102, 15);
            writer.writeUS(0x00280103, 0);
            writer.writeHeader(Tag.PIXEL_DATA, Vr.OW, (long) frames * FRAME_BYTES);
            byte[] frame = new byte[FRAME_BYTES];
            new Random(frames).nextBytes(frame);
            for (int i = 0; i < frames; i++) {
                frame[0] = (byte) i;
                frame[1] = (byte) (i >>> 8);
                writer.writeValue(frame, 0, frame.length);
            }
            writer.finish();
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** SHA-256 (hex) of the data set part of a Part 10 stream, read through once in small buffers. */
    public static String dataSetSha256(InputStream part10) throws IOException {
        FileMetaInformation.readFrom(part10);
        MessageDigest digest = Sha256.newDigest();
        try (InputStream in = new DigestInputStream(part10, digest)) {
            byte[] buffer = new byte[1 << 16];
            while (in.read(buffer) >= 0) {
                // hashed by the stream
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
