package org.clinicaldatahub.hub.dicom.net;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;

import org.clinicaldatahub.hub.dicom.data.DicomReader;
import org.clinicaldatahub.hub.dicom.data.DicomWriter;
import org.clinicaldatahub.hub.dicom.data.ElementDictionary;
import org.clinicaldatahub.hub.dicom.data.Tag;
import org.clinicaldatahub.hub.dicom.data.TransferSyntax;
import org.clinicaldatahub.hub.dicom.data.Vr;

/**
 * A DIMSE command set (PS3.7 Section 9.3 and 9.1.1): group 0000 elements, always Implicit VR
 * Little Endian, with Command Group Length first. Values are {@link Integer} (US, UL) or
 * {@link String} (UI, AE, LO).
 */
public final class DimseCommand {

    public static final int AFFECTED_SOP_CLASS_UID = 0x00000002;
    public static final int COMMAND_FIELD = 0x00000100;
    public static final int MESSAGE_ID = 0x00000110;
    public static final int MESSAGE_ID_BEING_RESPONDED_TO = 0x00000120;
    public static final int PRIORITY = 0x00000700;
    public static final int COMMAND_DATA_SET_TYPE = 0x00000800;
    public static final int STATUS = 0x00000900;
    public static final int ERROR_COMMENT = 0x00000902;
    public static final int AFFECTED_SOP_INSTANCE_UID = 0x00001000;
    public static final int MOVE_ORIGINATOR_AE_TITLE = 0x00001030;
    public static final int MOVE_ORIGINATOR_MESSAGE_ID = 0x00001031;

    public static final int C_STORE_RQ = 0x0001;
    public static final int C_STORE_RSP = 0x8001;
    public static final int C_ECHO_RQ = 0x0030;
    public static final int C_ECHO_RSP = 0x8030;
    public static final int C_CANCEL_RQ = 0x0FFF;

    /** Command Data Set Type value meaning "no data set" (PS3.7 E.1). */
    public static final int NO_DATA_SET = 0x0101;

    /** Verification SOP Class (PS3.4 A.4). */
    public static final String VERIFICATION_SOP_CLASS = "1.2.840.10008.1.1";

    private final Map<Integer, Object> elements = new TreeMap<>(Integer::compareUnsigned);

    public DimseCommand put(int tag, Object value) {
        if (value != null) {
            elements.put(tag, value);
        }
        return this;
    }

    public Integer getInt(int tag) {
        return elements.get(tag) instanceof Integer i ? i : null;
    }

    public String getString(int tag) {
        return elements.get(tag) instanceof String s ? s : null;
    }

    public int commandField() {
        Integer field = getInt(COMMAND_FIELD);
        return field == null ? -1 : field;
    }

    public boolean hasDataSet() {
        Integer type = getInt(COMMAND_DATA_SET_TYPE);
        return type != null && type != NO_DATA_SET;
    }

    /** A response to this request: same SOP class and instance, Message ID Being Responded To, status. */
    public DimseCommand response(int status) {
        return new DimseCommand()
                .put(AFFECTED_SOP_CLASS_UID, getString(AFFECTED_SOP_CLASS_UID))
                .put(COMMAND_FIELD, commandField() | 0x8000)
                .put(MESSAGE_ID_BEING_RESPONDED_TO, getInt(MESSAGE_ID))
                .put(COMMAND_DATA_SET_TYPE, NO_DATA_SET)
                .put(STATUS, status)
                .put(AFFECTED_SOP_INSTANCE_UID, getString(AFFECTED_SOP_INSTANCE_UID));
    }

    /** The command set in Implicit VR Little Endian with its group length. */
    public byte[] encode() {
        try {
            ByteArrayOutputStream body = new ByteArrayOutputStream(256);
            DicomWriter writer = new DicomWriter(body, TransferSyntax.IMPLICIT_LE);
            for (Map.Entry<Integer, Object> e : elements.entrySet()) {
                int tag = e.getKey();
                if (tag == 0) {
                    continue;
                }
                Vr vr = ElementDictionary.standard().vrOf(tag);
                if (e.getValue() instanceof Integer value) {
                    if (vr == Vr.UL) {
                        writer.writeUL(tag, value & 0xFFFFFFFFL);
                    } else {
                        writer.writeUS(tag, value);
                    }
                } else {
                    writer.writeAscii(tag, vr, (String) e.getValue());
                }
            }
            ByteArrayOutputStream all = new ByteArrayOutputStream(body.size() + 12);
            DicomWriter head = new DicomWriter(all, TransferSyntax.IMPLICIT_LE);
            head.writeUL(0, body.size());
            body.writeTo(all);
            return all.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses a command set; throws {@link PduException} when it is not one. */
    public static DimseCommand decode(byte[] bytes) throws PduException {
        DimseCommand command = new DimseCommand();
        try (DicomReader reader = new DicomReader(new ByteArrayInputStream(bytes), TransferSyntax.IMPLICIT_LE)) {
            for (DicomReader.Event e = reader.next(); e != DicomReader.Event.END; e = reader.next()) {
                if (e != DicomReader.Event.ELEMENT || Tag.group(reader.tag()) != 0 || reader.depth() != 0) {
                    throw new PduException(Pdus.ABORT_INVALID_PARAMETER, "DICOM_MALFORMED_COMMAND",
                            "command set holds " + Tag.toString(reader.tag()));
                }
                byte[] value = reader.readValue();
                Vr vr = reader.vr();
                if (vr == Vr.US && value.length == 2) {
                    command.put(reader.tag(), (value[0] & 0xFF) | (value[1] & 0xFF) << 8);
                } else if (vr == Vr.UL && value.length == 4) {
                    command.put(reader.tag(), (value[0] & 0xFF) | (value[1] & 0xFF) << 8 | (value[2] & 0xFF) << 16
                            | (value[3] & 0xFF) << 24);
                } else if (vr.isText()) {
                    command.put(reader.tag(), reader.readString().trim());
                }
            }
        } catch (PduException e) {
            throw e;
        } catch (IOException e) {
            throw new PduException(Pdus.ABORT_INVALID_PARAMETER, "DICOM_MALFORMED_COMMAND",
                    "command set does not parse: " + e.getMessage());
        }
        if (command.getInt(COMMAND_FIELD) == null) {
            throw new PduException(Pdus.ABORT_INVALID_PARAMETER, "DICOM_MALFORMED_COMMAND",
                    "command set without Command Field (0000,0100)");
        }
        return command;
    }

    @Override
    public String toString() {
        return String.format("DIMSE[field=%04X, msg=%s, status=%s]", commandField(), getInt(MESSAGE_ID),
                getInt(STATUS) == null ? "-" : String.format("%04X", getInt(STATUS)));
    }
}
