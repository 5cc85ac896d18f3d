package org.clinicaldatahub.hub.dicom.net;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.clinicaldatahub.hub.dicom.data.FileMetaInformation;

/**
 * A Storage and Verification SCU (PS3.4 Annex A and B, requestor side of PS3.8): opens an
 * association, sends C-ECHO and C-STORE requests one at a time, releases. Used to forward
 * instances and by the hub's tests and benchmarks.
 */
public final class DicomScu implements Closeable {

    private final PduChannel channel;
    private final AssociateRequest accept;
    private final List<PresentationContext> proposed;
    private int nextMessageId = 1;

    private DicomScu(PduChannel channel, AssociateRequest accept, List<PresentationContext> proposed) {
        this.channel = channel;
        this.accept = accept;
        this.proposed = proposed;
    }

    /**
     * Connects and negotiates.
     *
     * @param proposals presentation contexts to propose (odd ids)
     * @throws AssociationRejectedException when the peer answers A-ASSOCIATE-RJ
     */
    public static DicomScu connect(String host, int port, String callingAe, String calledAe,
            List<PresentationContext> proposals, long maxPduLength, int timeoutMillis) throws IOException {
        Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(host, port), timeoutMillis);
        socket.setSoTimeout(timeoutMillis);
        PduChannel channel = new PduChannel(socket, maxPduLength);
        try {
            UserInformation ours = new UserInformation(maxPduLength, HubImplementation.CLASS_UID,
                    HubImplementation.VERSION_NAME, null, List.of());
            channel.write(Pdus.encodeAssociate(new AssociateRequest(1, calledAe, callingAe,
                    AssociateRequest.DICOM_APPLICATION_CONTEXT, proposals, ours), false));
            int type = channel.readPdu();
            if (type == Pdus.A_ASSOCIATE_RJ) {
                throw new AssociationRejectedException(channel.bodyByte(1), channel.bodyByte(2), channel.bodyByte(3));
            }
            if (type != Pdus.A_ASSOCIATE_AC) {
                throw new PduException(Pdus.ABORT_UNEXPECTED_PDU, "DICOM_UNEXPECTED_PDU",
                        "answer to A-ASSOCIATE-RQ was PDU type " + type);
            }
            AssociateRequest ac = Pdus.decodeAssociate(channel.body(), true);
            channel.maxSendPdu(ac.userInformation().maxPduLength());
            return new DicomScu(channel, ac, List.copyOf(proposals));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** The A-ASSOCIATE-AC as received. */
    public AssociateRequest acceptance() {
        return accept;
    }

    /** The accepted context for this SOP class and transfer syntax, or null. */
    public PresentationContext contextFor(String sopClassUid, String transferSyntaxUid) {
        for (PresentationContext answer : accept.presentationContexts()) {
            PresentationContext proposal = proposed.stream().filter(p -> p.id() == answer.id()).findFirst().orElse(null);
            if (answer.accepted() && proposal != null && proposal.abstractSyntax().equals(sopClassUid)
                    && (transferSyntaxUid == null || answer.transferSyntax().equals(transferSyntaxUid))) {
                return answer;
            }
        }
        return null;
    }

    /** C-ECHO (PS3.7 9.1.5). */
    public DimseStatus echo() throws IOException {
        PresentationContext pc = contextFor(DimseCommand.VERIFICATION_SOP_CLASS, null);
        if (pc == null) {
            throw new IOException("Verification was not accepted");
        }
        DimseCommand rq = new DimseCommand()
                .put(DimseCommand.AFFECTED_SOP_CLASS_UID, DimseCommand.VERIFICATION_SOP_CLASS)
                .put(DimseCommand.COMMAND_FIELD, DimseCommand.C_ECHO_RQ)
                .put(DimseCommand.MESSAGE_ID, nextMessageId++)
                .put(DimseCommand.COMMAND_DATA_SET_TYPE, DimseCommand.NO_DATA_SET);
        channel.sendPData(pc.id(), true, rq.encode());
        return readResponse(pc.id());
    }

    /** C-STORE (PS3.7 9.1.1) of a data set already encoded in {@code transferSyntaxUid}. */
    public DimseStatus store(String sopClassUid, String sopInstanceUid, String transferSyntaxUid, InputStream dataSet,
            long length) throws IOException {
        PresentationContext pc = contextFor(sopClassUid, transferSyntaxUid);
        if (pc == null) {
            throw new IOException("no accepted presentation context for " + sopClassUid + " in " + transferSyntaxUid);
        }
        DimseCommand rq = new DimseCommand()
                .put(DimseCommand.AFFECTED_SOP_CLASS_UID, sopClassUid)
                .put(DimseCommand.COMMAND_FIELD, DimseCommand.C_STORE_RQ)
                .put(DimseCommand.MESSAGE_ID, nextMessageId++)
                .put(DimseCommand.PRIORITY, 0)
                .put(DimseCommand.COMMAND_DATA_SET_TYPE, 0x0000)
                .put(DimseCommand.AFFECTED_SOP_INSTANCE_UID, sopInstanceUid);
        channel.sendPData(pc.id(), true, rq.encode());
        channel.sendPData(pc.id(), false, dataSet, length);
        return readResponse(pc.id());
    }

    /** C-STORE of a Part 10 file: its data set is sent as stored, in the file's transfer syntax. */
    public DimseStatus store(Path file) throws IOException {
        long size = Files.size(file);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 65536)) {
            CountingStream counting = new CountingStream(in);
            FileMetaInformation meta = FileMetaInformation.readFrom(counting);
            return store(meta.mediaStorageSopClassUid(), meta.mediaStorageSopInstanceUid(), meta.transferSyntaxUid(),
                    counting, size - counting.count);
        }
    }

    private DimseStatus readResponse(int contextId) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        while (true) {
            if (!channel.nextPdv()) {
                if (channel.pduType() == Pdus.A_ABORT) {
                    throw new PeerAbortException("DICOM_PEER_ABORT", "peer aborted: source " + channel.bodyByte(2)
                            + ", reason " + channel.bodyByte(3));
                }
                throw new PduException(Pdus.ABORT_UNEXPECTED_PDU, "DICOM_UNEXPECTED_PDU",
                        "PDU type " + channel.pduType() + " instead of a response");
            }
            if (!channel.pdvIsCommand() || channel.pdvContextId() != contextId) {
                throw new PduException(Pdus.ABORT_UNEXPECTED_PARAMETER, "DICOM_UNEXPECTED_PDV", "unexpected PDV");
            }
            byte[] chunk = new byte[channel.pdvLength()];
            channel.copyPdv(0, chunk, 0, chunk.length);
            bytes.writeBytes(chunk);
            if (channel.pdvIsLast()) {
                DimseCommand rsp = DimseCommand.decode(bytes.toByteArray());
                Integer status = rsp.getInt(DimseCommand.STATUS);
                return DimseStatus.of(status == null ? -1 : status, rsp.getString(DimseCommand.ERROR_COMMENT));
            }
        }
    }

    /** A-RELEASE-RQ, waits for A-RELEASE-RP, closes. */
    public void release() throws IOException {
        try {
            channel.write(Pdus.encodeRelease(Pdus.A_RELEASE_RQ));
            int type = channel.readPdu();
            if (type != Pdus.A_RELEASE_RP) {
                throw new PduException(Pdus.ABORT_UNEXPECTED_PDU, "DICOM_UNEXPECTED_PDU",
                        "answer to A-RELEASE-RQ was PDU type " + type);
            }
        } finally {
            channel.close();
        }
    }

    /** A-ABORT (source service-user) and close. */
    public void abort() {
        try {
            channel.write(Pdus.encodeAbort(Pdus.ABORT_SOURCE_USER, 0));
        } catch (IOException e) {
            // closing anyway
        }
        channel.close();
    }

    @Override
    public void close() {
        channel.close();
    }

    /** Proposals for Verification and each SOP class with each transfer syntax in its own context. */
    public static List<PresentationContext> proposals(List<String> sopClasses, List<String> transferSyntaxes) {
        List<PresentationContext> contexts = new ArrayList<>();
        int id = 1;
        contexts.add(PresentationContext.proposal(id, DimseCommand.VERIFICATION_SOP_CLASS,
                List.of("1.2.840.10008.1.2.1", "1.2.840.10008.1.2")));
        for (String sopClass : sopClasses) {
            for (String ts : transferSyntaxes) {
                id += 2;
                contexts.add(PresentationContext.proposal(id, sopClass, List.of(ts)));
            }
        }
        return contexts;
    }

    private static final class CountingStream extends java.io.FilterInputStream {
        long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
