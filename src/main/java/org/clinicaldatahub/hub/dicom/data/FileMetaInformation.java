package org.clinicaldatahub.hub.dicom.data;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The DICOM File Meta Information (PS3.10 Section 7.1): 128-byte preamble, {@code DICM}, and
 * group 0002 in Explicit VR Little Endian with its group length. What the hub writes in front of
 * every data set it stores, and reads in front of every file it sends.
 *
 * @param mediaStorageSopClassUid    (0002,0002)
 * @param mediaStorageSopInstanceUid (0002,0003)
 * @param transferSyntaxUid          (0002,0010) of the data set that follows
 * @param implementationClassUid     (0002,0012)
 * @param implementationVersionName  (0002,0013), may be null
 * @param sourceAeTitle              (0002,0016) the AE that sent the instance, may be null
 */
public record FileMetaInformation(String mediaStorageSopClassUid, String mediaStorageSopInstanceUid,
        String transferSyntaxUid, String implementationClassUid, String implementationVersionName,
        String sourceAeTitle) {

    private static final byte[] VERSION = {0x00, 0x01};

    /** Writes preamble, prefix and group 0002; the data set is to follow. Returns the bytes written. */
    public int writeTo(OutputStream out) throws IOException {
        ByteArrayOutputStream group = new ByteArrayOutputStream(256);
        DicomWriter writer = new DicomWriter(group, TransferSyntax.EXPLICIT_LE);
        writer.writeElement(Tag.FILE_META_VERSION, Vr.OB, VERSION);
        writer.writeAscii(Tag.MEDIA_STORAGE_SOP_CLASS_UID, Vr.UI, mediaStorageSopClassUid);
        writer.writeAscii(Tag.MEDIA_STORAGE_SOP_INSTANCE_UID, Vr.UI, mediaStorageSopInstanceUid);
        writer.writeAscii(Tag.TRANSFER_SYNTAX_UID, Vr.UI, transferSyntaxUid);
        writer.writeAscii(Tag.IMPLEMENTATION_CLASS_UID, Vr.UI, implementationClassUid);
        if (implementationVersionName != null && !implementationVersionName.isEmpty()) {
            writer.writeAscii(Tag.IMPLEMENTATION_VERSION_NAME, Vr.SH, implementationVersionName);
        }
        if (sourceAeTitle != null && !sourceAeTitle.isEmpty()) {
            writer.writeAscii(Tag.SOURCE_APPLICATION_ENTITY_TITLE, Vr.AE, sourceAeTitle);
        }
        writer.finish();
        ByteArrayOutputStream all = new ByteArrayOutputStream(group.size() + 144);
        all.write(new byte[128]);
        all.write("DICM".getBytes(StandardCharsets.US_ASCII));
        DicomWriter head = new DicomWriter(all, TransferSyntax.EXPLICIT_LE);
        head.writeUL(Tag.FILE_META_GROUP_LENGTH, group.size());
        head.finish();
        group.writeTo(all);
        all.writeTo(out);
        return all.size();
    }

    /**
     * Reads preamble, prefix and group 0002 from a Part 10 file, leaving {@code in} at the first
     * byte of the data set. Uses the group length when present, else reads while the group is 0002.
     */
    public static FileMetaInformation readFrom(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        byte[] preamble = new byte[132];
        data.readFully(preamble);
        if (!Arrays.equals(Arrays.copyOfRange(preamble, 128, 132), "DICM".getBytes(StandardCharsets.US_ASCII))) {
            throw new DicomParseException("not a DICOM Part 10 file: no DICM prefix at offset 128");
        }
        byte[] header = new byte[12];
        data.readFully(header, 0, 8);
        if (le16(header, 0) != 0x0002 || le16(header, 2) != 0x0000) {
            throw new DicomParseException("File Meta Information does not start with (0002,0000)");
        }
        int valueLength = le16(header, 6);
        byte[] lengthValue = new byte[valueLength];
        data.readFully(lengthValue);
        long groupLength = (lengthValue[0] & 0xFFL) | (lengthValue[1] & 0xFFL) << 8 | (lengthValue[2] & 0xFFL) << 16
                | (lengthValue[3] & 0xFFL) << 24;
        byte[] group = new byte[(int) groupLength];
        data.readFully(group);
        String[] values = new String[0x17];
        try (DicomReader reader = new DicomReader(new java.io.ByteArrayInputStream(group), TransferSyntax.EXPLICIT_LE)) {
            for (DicomReader.Event e = reader.next(); e != DicomReader.Event.END; e = reader.next()) {
                int element = Tag.element(reader.tag());
                if (e == DicomReader.Event.ELEMENT && Tag.group(reader.tag()) == 2 && element < values.length
                        && reader.vr() != Vr.OB) {
                    values[element] = reader.readString().trim();
                }
            }
        } catch (EOFException e) {
            throw new DicomParseException("File Meta Information shorter than its group length");
        }
        if (values[0x10] == null) {
            throw new DicomParseException("File Meta Information without Transfer Syntax UID (0002,0010)");
        }
        return new FileMetaInformation(values[0x02], values[0x03], values[0x10], values[0x12], values[0x13],
                values[0x16]);
    }

    private static int le16(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
    }
}
