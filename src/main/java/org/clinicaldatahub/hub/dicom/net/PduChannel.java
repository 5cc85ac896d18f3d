package org.clinicaldatahub.hub.dicom.net;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;

/**
 * One TCP connection carrying PDUs (PS3.8 Section 9): reads PDU headers and bodies with a size
 * limit, walks the PDVs of P-DATA-TF PDUs (9.3.5, Annex E: item length, presentation context id,
 * message control header), and sends P-DATA fragmented to the peer's maximum PDU length.
 * Not thread-safe: one association thread owns it.
 */
final class PduChannel {

    /** Limit of an association-negotiation PDU, which the max-length negotiation does not cover. */
    static final int MAX_CONTROL_PDU = 1 << 20;
    private static final int HEADER = 6;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final byte[] header = new byte[HEADER];

    private long maxReceivePdu;
    private long maxSendPdu = 16384;

    private int pduType = -1;
    private byte[] body = new byte[0];
    private int bodyLength;
    private int pdvPos;

    // current PDV
    private int pdvContextId;
    private int pdvControl;
    private int pdvDataStart;
    private int pdvDataLength;

    PduChannel(Socket socket, long maxReceivePdu) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(new java.io.BufferedInputStream(socket.getInputStream(), 65536));
        this.out = new BufferedOutputStream(socket.getOutputStream(), 65536);
        this.maxReceivePdu = maxReceivePdu;
    }

    Socket socket() {
        return socket;
    }

    void maxSendPdu(long peerMaxReceive) {
        // 0 = unlimited (PS3.8 D.1); still send in bounded pieces
        this.maxSendPdu = peerMaxReceive == 0 ? 1 << 20 : Math.min(peerMaxReceive, 1 << 24);
    }

    void maxReceivePdu(long max) {
        this.maxReceivePdu = max;
    }

    /**
     * Reads the next PDU whole (P-DATA-TF up to the negotiated maximum, other PDUs up to
     * {@link #MAX_CONTROL_PDU}) and returns its type.
     *
     * @throws PduException    unknown PDU type or a length over the limit
     * @throws EOFException    the peer closed the connection at a PDU boundary
     */
    int readPdu() throws IOException {
        try {
            in.readFully(header, 0, 1);
        } catch (EOFException e) {
            throw e;
        }
        try {
            in.readFully(header, 1, HEADER - 1);
        } catch (EOFException e) {
            throw new PeerAbortException("DICOM_CONNECTION_LOST", "connection closed inside a PDU header");
        }
        int type = header[0] & 0xFF;
        long length = ((header[2] & 0xFFL) << 24) | ((header[3] & 0xFFL) << 16) | ((header[4] & 0xFFL) << 8)
                | (header[5] & 0xFFL);
        if (type < Pdus.A_ASSOCIATE_RQ || type > Pdus.A_ABORT) {
            throw new PduException(Pdus.ABORT_UNRECOGNIZED_PDU, "DICOM_UNRECOGNIZED_PDU",
                    "unrecognized PDU type 0x" + Integer.toHexString(type));
        }
        long limit = type == Pdus.P_DATA_TF ? (maxReceivePdu == 0 ? Integer.MAX_VALUE - 16 : maxReceivePdu)
                : MAX_CONTROL_PDU;
        if (length > limit) {
            throw new PduException(Pdus.ABORT_INVALID_PARAMETER, "DICOM_PDU_TOO_LARGE",
                    "PDU of type " + type + " with length " + length + " over the limit " + limit);
        }
        if (body.length < length) {
            body = new byte[(int) Math.max(length, Math.min(limit, 65536))];
        }
        try {
            in.readFully(body, 0, (int) length);
        } catch (EOFException e) {
            throw new PeerAbortException("DICOM_CONNECTION_LOST", "connection closed inside a PDU");
        }
        pduType = type;
        bodyLength = (int) length;
        pdvPos = 0;
        return type;
    }

    int pduType() {
        return pduType;
    }

    /** Body of the current PDU (valid until the next read). */
    byte[] body() {
        return java.util.Arrays.copyOf(body, bodyLength);
    }

    /** Bytes 3 and 4 of an A-ABORT or A-ASSOCIATE-RJ body. */
    int bodyByte(int index) {
        return index < bodyLength ? body[index] & 0xFF : -1;
    }

    /**
     * Advances to the next PDV, reading the next PDU when the current one is used up. Returns
     * false when the next PDU is not a P-DATA-TF (its type is then {@link #pduType()}).
     */
    boolean nextPdv() throws IOException {
        while (pduType != Pdus.P_DATA_TF || pdvPos >= bodyLength) {
            if (readPdu() != Pdus.P_DATA_TF) {
                return false;
            }
            if (bodyLength == 0) {
                throw new PduException(Pdus.ABORT_INVALID_PARAMETER, "DICOM_MALFORMED_PDU", "P-DATA-TF without PDV");
            }
        }
        if (bodyLength - pdvPos < 6) {
            throw new PduException(Pdus.ABORT_INVALID_PARAMETER, "DICOM_MALFORMED_PDU", "truncated PDV item header");
        }
        long itemLength = ((body[pdvPos] & 0xFFL) << 24) | ((body[pdvPos + 1] & 0xFFL) << 16)
                | ((body[pdvPos + 2] & 0xFFL) << 8) | (body[pdvPos + 3] & 0xFFL);
        if (itemLength < 2 || pdvPos + 4 + itemLength > bodyLength) {
            throw new PduException(Pdus.ABORT_INVALID_PARAMETER, "DICOM_MALFORMED_PDU",
                    "PDV item length " + itemLength + " does not fit its PDU");
        }
        pdvContextId = body[pdvPos + 4] & 0xFF;
        pdvControl = body[pdvPos + 5] & 0xFF;
        pdvDataStart = pdvPos + 6;
        pdvDataLength = (int) itemLength - 2;
        pdvPos += 4 + (int) itemLength;
        return true;
    }

    int pdvContextId() {
        return pdvContextId;
    }

    boolean pdvIsCommand() {
        return (pdvControl & 0x01) != 0;
    }

    boolean pdvIsLast() {
        return (pdvControl & 0x02) != 0;
    }

    int pdvLength() {
        return pdvDataLength;
    }

    /** Copies up to {@code len} bytes of the current PDV from {@code offset} within its data. */
    int copyPdv(int offset, byte[] target, int targetOffset, int len) {
        int n = Math.min(len, pdvDataLength - offset);
        System.arraycopy(body, pdvDataStart + offset, target, targetOffset, n);
        return n;
    }

    // --- sending ---------------------------------------------------------------------------

    void write(byte[] pdu) throws IOException {
        out.write(pdu);
        out.flush();
    }

    /** Sends a command or data set as PDVs of one context, each in its own P-DATA-TF within the peer's limit. */
    void sendPData(int contextId, boolean command, byte[] data) throws IOException {
        sendPData(contextId, command, new java.io.ByteArrayInputStream(data), data.length);
    }

    void sendPData(int contextId, boolean command, InputStream data, long length) throws IOException {
        int chunk = (int) Math.max(1, maxSendPdu - 6);
        byte[] buffer = new byte[(int) Math.min(chunk, Math.max(length, 1))];
        long left = length;
        do {
            int n = (int) Math.min(chunk, left);
            int read = 0;
            while (read < n) {
                int r = data.read(buffer, read, n - read);
                if (r < 0) {
                    throw new EOFException("data source ended " + (left - read) + " bytes early");
                }
                read += r;
            }
            left -= n;
            int control = (command ? 1 : 0) | (left == 0 ? 2 : 0);
            writePduHeader(Pdus.P_DATA_TF, n + 6);
            writeInt(n + 2);
            out.write(contextId);
            out.write(control);
            out.write(buffer, 0, n);
        } while (left > 0);
        out.flush();
    }

    private void writePduHeader(int type, long length) throws IOException {
        out.write(type);
        out.write(0);
        writeInt(length);
    }

    private void writeInt(long v) throws IOException {
        out.write((int) (v >>> 24));
        out.write((int) (v >>> 16));
        out.write((int) (v >>> 8));
        out.write((int) v);
    }

    void close() {
        try {
            out.flush();
        } catch (IOException e) {
            // closing anyway
        }
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    /** Waits up to {@code millis} for the peer to close (ARTIM, PS3.8 9.1.5), discarding what arrives. */
    void awaitPeerClose(int millis) {
        try {
            socket.setSoTimeout(millis);
            byte[] sink = new byte[4096];
            InputStream raw = in;
            while (raw.read(sink) >= 0) {
                // discard
            }
        } catch (SocketException e) {
            // closed or reset: done
        } catch (IOException e) {
            // ARTIM expired
        }
    }
}
