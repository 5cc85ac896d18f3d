package org.clinicaldatahub.hub.dicom.support;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.util.List;

import org.clinicaldatahub.hub.dicom.net.AssociateRequest;
import org.clinicaldatahub.hub.dicom.net.HubImplementation;
import org.clinicaldatahub.hub.dicom.net.Pdus;
import org.clinicaldatahub.hub.dicom.net.PresentationContext;
import org.clinicaldatahub.hub.dicom.net.UserInformation;

/** A hand-driven DICOM connection for negative tests: raw bytes out, raw PDUs in. */
public final class RawAssociation implements AutoCloseable {

    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;

    public RawAssociation(int port) throws IOException {
        socket = new Socket("localhost", port);
        socket.setSoTimeout(15000);
        out = socket.getOutputStream();
        in = new DataInputStream(socket.getInputStream());
    }

    public static byte[] associateRq(String calling, String called, List<PresentationContext> contexts) {
        return Pdus.encodeAssociate(new AssociateRequest(1, called, calling, AssociateRequest.DICOM_APPLICATION_CONTEXT,
                contexts, new UserInformation(16384, HubImplementation.CLASS_UID, "RAWTEST", null, List.of())), false);
    }

    public void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** The next PDU (header included), or null when the hub closed the connection. */
    public byte[] readPdu() throws IOException {
        byte[] header = new byte[6];
        try {
            in.readFully(header);
        } catch (java.io.EOFException e) {
            return null;
        }
        int length = ((header[2] & 0xFF) << 24) | ((header[3] & 0xFF) << 16) | ((header[4] & 0xFF) << 8) | (header[5] & 0xFF);
        byte[] pdu = new byte[6 + length];
        System.arraycopy(header, 0, pdu, 0, 6);
        in.readFully(pdu, 6, length);
        return pdu;
    }

    /** True once the hub has closed the connection (reads EOF). */
    public boolean closedByPeer() {
        try {
            return in.read() < 0;
        } catch (IOException e) {
            return true;
        }
    }

    /** A P-DATA-TF PDU with one PDV. */
    public static byte[] pData(int contextId, boolean command, boolean last, byte[] data) {
        byte[] pdu = new byte[6 + 6 + data.length];
        pdu[0] = Pdus.P_DATA_TF;
        putInt(pdu, 2, 6 + data.length);
        putInt(pdu, 6, 2 + data.length);
        pdu[10] = (byte) contextId;
        pdu[11] = (byte) ((command ? 1 : 0) | (last ? 2 : 0));
        System.arraycopy(data, 0, pdu, 12, data.length);
        return pdu;
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
