package org.clinicaldatahub.hub.dicom.net;

import java.io.IOException;
import java.io.InputStream;

/**
 * The data set of one DIMSE message as a stream: the data PDVs of one presentation context, in
 * order, ending after the PDV flagged last (PS3.8 E.2). Anything else arriving in between (a
 * command PDV, another context, A-ABORT, A-RELEASE-RQ, a closed connection) ends the stream with
 * an exception and marks it broken, so the association aborts instead of answering.
 */
final class PDataInputStream extends InputStream {

    private final PduChannel channel;
    private final int contextId;
    private int offset;
    private boolean started;
    private boolean last;
    private IOException failure;

    PDataInputStream(PduChannel channel, int contextId) {
        this.channel = channel;
        this.contextId = contextId;
    }

    /** The exception that broke the stream (the association), or null. */
    IOException failure() {
        return failure;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (failure != null) {
            throw failure;
        }
        if (len == 0) {
            return 0;
        }
        while (!started || offset >= channel.pdvLength()) {
            if (started && last) {
                return -1;
            }
            advance();
        }
        int n = channel.copyPdv(offset, b, off, len);
        offset += n;
        return n;
    }

    private void advance() throws IOException {
        try {
            if (!channel.nextPdv()) {
                int type = channel.pduType();
                if (type == Pdus.A_ABORT) {
                    throw new PeerAbortException("DICOM_PEER_ABORT", "peer aborted inside a data set");
                }
                throw new PduException(Pdus.ABORT_UNEXPECTED_PDU, "DICOM_UNEXPECTED_PDU",
                        "PDU type " + type + " inside a data set");
            }
            if (channel.pdvIsCommand() || channel.pdvContextId() != contextId) {
                throw new PduException(Pdus.ABORT_UNEXPECTED_PARAMETER, "DICOM_UNEXPECTED_PDV",
                        "command PDV or other presentation context inside a data set");
            }
        } catch (java.io.EOFException e) {
            failure = new PeerAbortException("DICOM_CONNECTION_LOST", "connection closed inside a data set");
            throw failure;
        } catch (IOException e) {
            failure = e;
            throw e;
        }
        started = true;
        offset = 0;
        last = channel.pdvIsLast();
    }

    /** Reads to the last fragment, discarding, so the response follows the whole message. */
    void drain() throws IOException {
        byte[] sink = new byte[16384];
        while (read(sink, 0, sink.length) >= 0) {
            // discard
        }
    }
}
