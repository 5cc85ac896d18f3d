package org.clinicaldatahub.hub.dicom.net;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The acceptor side of one association (PS3.8 Section 9.2 state machine, acceptor states): ARTIM
 * while waiting for the A-ASSOCIATE-RQ, negotiation, then DIMSE messages (C-ECHO, C-STORE) one at
 * a time (asynchronous operations window 1/1) until A-RELEASE or A-ABORT. Protocol errors are
 * answered with A-ABORT (source service-provider) and reported to the {@link AssociationMonitor}.
 */
final class Association implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(Association.class);
    private static final int MAX_COMMAND_BYTES = 65536;

    private final Socket socket;
    private final AcceptorPolicy policy;
    private final StoreHandler storeHandler;
    private final AssociationMonitor monitor;
    private final Semaphore capacity;
    private AssociationInfo info;
    private final Map<Integer, PresentationContext> accepted = new HashMap<>();
    private final Map<Integer, String> abstractSyntaxes = new HashMap<>();
    private boolean established;

    Association(Socket socket, AcceptorPolicy policy, StoreHandler storeHandler, AssociationMonitor monitor,
            Semaphore capacity, String id, boolean tls) {
        this.socket = socket;
        this.policy = policy;
        this.storeHandler = storeHandler;
        this.monitor = monitor;
        this.capacity = capacity;
        this.info = new AssociationInfo(id, socket.getInetAddress().getHostAddress(), "", "", null, null, tls);
    }

    @Override
    public void run() {
        PduChannel channel = null;
        boolean holdsCapacity = false;
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(policy.artimMillis());
            channel = new PduChannel(socket, policy.maxPduLength());
            int type;
            try {
                type = channel.readPdu();
            } catch (EOFException e) {
                return; // connected and closed without a PDU (health check, port scan): nothing to answer
            }
            if (type != Pdus.A_ASSOCIATE_RQ) {
                throw new PduException(Pdus.ABORT_UNEXPECTED_PDU, "DICOM_UNEXPECTED_PDU",
                        "PDU type " + type + " before A-ASSOCIATE-RQ");
            }
            AssociateRequest rq = Pdus.decodeAssociate(channel.body(), false);
            info = info.withRequest(rq);
            AcceptorPolicy.Rejection rejection = policy.check(rq, socket.getInetAddress());
            if (rejection == null && !capacity.tryAcquire()) {
                rejection = new AcceptorPolicy.Rejection(Pdus.RJ_TRANSIENT, Pdus.RJ_SOURCE_PRESENTATION,
                        Pdus.RJ_LOCAL_LIMIT_EXCEEDED, "DICOM_TOO_MANY_ASSOCIATIONS");
            } else if (rejection == null) {
                holdsCapacity = true;
            }
            if (rejection != null) {
                channel.write(Pdus.encodeReject(rejection.result(), rejection.source(), rejection.reason()));
                monitor.rejected(info, rejection.reasonCode());
                channel.awaitPeerClose(policy.artimMillis());
                return;
            }
            accept(channel, rq);
            socket.setSoTimeout(policy.idleMillis());
            serve(channel);
        } catch (PduException e) {
            LOG.debug("association {}: {}", info.id(), e.getMessage());
            sendAbort(channel, e.abortReason());
            monitor.aborted(info, e.reasonCode());
            if (channel != null) {
                channel.awaitPeerClose(policy.artimMillis());
            }
        } catch (PeerAbortException e) {
            monitor.aborted(info, e.reasonCode());
        } catch (SocketTimeoutException e) {
            sendAbort(channel, Pdus.ABORT_NOT_SPECIFIED);
            monitor.aborted(info, established ? "DICOM_IDLE_TIMEOUT" : "DICOM_ARTIM_TIMEOUT");
        } catch (EOFException e) {
            monitor.aborted(info, "DICOM_CONNECTION_LOST");
        } catch (IOException e) {
            LOG.debug("association {}: {}", info.id(), e.toString());
            monitor.aborted(info, "DICOM_CONNECTION_LOST");
        } catch (RuntimeException e) {
            LOG.error("association {} failed: {}", info.id(), e.toString());
            sendAbort(channel, Pdus.ABORT_NOT_SPECIFIED);
            monitor.aborted(info, "DICOM_INTERNAL_ERROR");
        } finally {
            if (holdsCapacity) {
                capacity.release();
            }
            if (channel != null) {
                channel.close();
            } else {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing
                }
            }
        }
    }

    private void accept(PduChannel channel, AssociateRequest rq) throws IOException {
        List<PresentationContext> answers = policy.negotiate(rq);
        for (PresentationContext answer : answers) {
            String abstractSyntax = rq.presentationContext(answer.id()).abstractSyntax();
            if (answer.accepted()) {
                accepted.put(answer.id(), answer);
                abstractSyntaxes.put(answer.id(), abstractSyntax);
            } else {
                monitor.contextRejected(info, abstractSyntax, answer.result());
            }
        }
        UserInformation ours = new UserInformation(policy.maxPduLength(), policy.implementationClassUid(),
                policy.implementationVersionName(),
                rq.userInformation().asyncOpsWindow() == null ? null : new int[] {1, 1},
                policy.answerRoles(rq));
        AssociateRequest ac = new AssociateRequest(1, rq.calledAeTitle(), rq.callingAeTitle(),
                AssociateRequest.DICOM_APPLICATION_CONTEXT, answers, ours);
        channel.write(Pdus.encodeAssociate(ac, true));
        channel.maxSendPdu(rq.userInformation().maxPduLength());
        established = true;
        monitor.accepted(info);
    }

    private void serve(PduChannel channel) throws IOException {
        while (true) {
            if (!channel.nextPdv()) {
                switch (channel.pduType()) {
                    case Pdus.A_RELEASE_RQ -> {
                        channel.write(Pdus.encodeRelease(Pdus.A_RELEASE_RP));
                        monitor.released(info);
                        channel.awaitPeerClose(policy.artimMillis());
                        return;
                    }
                    case Pdus.A_ABORT -> throw new PeerAbortException("DICOM_PEER_ABORT", "peer aborted");
                    default -> throw new PduException(Pdus.ABORT_UNEXPECTED_PDU, "DICOM_UNEXPECTED_PDU",
                            "PDU type " + channel.pduType() + " in an established association");
                }
            }
            int contextId = channel.pdvContextId();
            PresentationContext pc = accepted.get(contextId);
            if (!channel.pdvIsCommand() || pc == null) {
                throw new PduException(Pdus.ABORT_UNEXPECTED_PARAMETER, "DICOM_UNEXPECTED_PDV",
                        pc == null ? "PDV on presentation context " + contextId + " that was not accepted"
                                : "data PDV where a command was expected");
            }
            DimseCommand command = DimseCommand.decode(readCommand(channel, contextId));
            handle(channel, contextId, pc, command);
        }
    }

    private byte[] readCommand(PduChannel channel, int contextId) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        while (true) {
            byte[] chunk = new byte[channel.pdvLength()];
            channel.copyPdv(0, chunk, 0, chunk.length);
            bytes.writeBytes(chunk);
            if (bytes.size() > MAX_COMMAND_BYTES) {
                throw new PduException(Pdus.ABORT_INVALID_PARAMETER, "DICOM_MALFORMED_COMMAND", "command set too large");
            }
            if (channel.pdvIsLast()) {
                return bytes.toByteArray();
            }
            if (!channel.nextPdv()) {
                if (channel.pduType() == Pdus.A_ABORT) {
                    throw new PeerAbortException("DICOM_PEER_ABORT", "peer aborted inside a command");
                }
                throw new PduException(Pdus.ABORT_UNEXPECTED_PDU, "DICOM_UNEXPECTED_PDU", "PDU inside a command");
            }
            if (!channel.pdvIsCommand() || channel.pdvContextId() != contextId) {
                throw new PduException(Pdus.ABORT_UNEXPECTED_PARAMETER, "DICOM_UNEXPECTED_PDV",
                        "data PDV or other context inside a command");
            }
        }
    }

    private void handle(PduChannel channel, int contextId, PresentationContext pc, DimseCommand command)
            throws IOException {
        String abstractSyntax = abstractSyntaxes.get(contextId);
        switch (command.commandField()) {
            case DimseCommand.C_ECHO_RQ -> {
                int status = DimseCommand.VERIFICATION_SOP_CLASS.equals(abstractSyntax)
                        ? DimseStatus.SUCCESS : DimseStatus.SOP_CLASS_NOT_SUPPORTED;
                if (command.hasDataSet()) {
                    new PDataInputStream(channel, contextId).drain();
                }
                respond(channel, contextId, command, DimseStatus.of(status, null));
            }
            case DimseCommand.C_STORE_RQ -> store(channel, contextId, pc, abstractSyntax, command);
            case DimseCommand.C_CANCEL_RQ -> {
                // nothing in progress to cancel: operations are answered one at a time
            }
            default -> {
                if (command.hasDataSet()) {
                    new PDataInputStream(channel, contextId).drain();
                }
                respond(channel, contextId, command, DimseStatus.of(DimseStatus.UNRECOGNIZED_OPERATION, null));
            }
        }
    }

    private void store(PduChannel channel, int contextId, PresentationContext pc, String abstractSyntax,
            DimseCommand command) throws IOException {
        if (!command.hasDataSet()) {
            respond(channel, contextId, command, DimseStatus.of(DimseStatus.CANNOT_UNDERSTAND, "C-STORE without data set"));
            return;
        }
        PDataInputStream dataSet = new PDataInputStream(channel, contextId);
        String sopClass = command.getString(DimseCommand.AFFECTED_SOP_CLASS_UID);
        String sopInstance = command.getString(DimseCommand.AFFECTED_SOP_INSTANCE_UID);
        DimseStatus status;
        if (abstractSyntax.equals(DimseCommand.VERIFICATION_SOP_CLASS) || !abstractSyntax.equals(sopClass)) {
            status = DimseStatus.of(DimseStatus.SOP_CLASS_NOT_SUPPORTED, "SOP class differs from the context");
        } else if (sopInstance == null || sopInstance.isEmpty()) {
            status = DimseStatus.of(DimseStatus.CANNOT_UNDERSTAND, "no Affected SOP Instance UID");
        } else {
            StoreRequest request = new StoreRequest(info, pc.transferSyntax(), sopClass, sopInstance,
                    orZero(command.getInt(DimseCommand.MESSAGE_ID)), orZero(command.getInt(DimseCommand.PRIORITY)),
                    command.getString(DimseCommand.MOVE_ORIGINATOR_AE_TITLE));
            try {
                status = storeHandler.store(request, dataSet);
            } catch (IOException e) {
                if (dataSet.failure() != null) {
                    throw dataSet.failure();
                }
                LOG.warn("association {}: storing an instance failed: {}", info.id(), e.toString());
                status = DimseStatus.of(DimseStatus.OUT_OF_RESOURCES, "storage failed");
            } catch (RuntimeException e) {
                if (dataSet.failure() != null) {
                    throw dataSet.failure();
                }
                LOG.error("association {}: store handler failed: {}", info.id(), e.toString());
                status = DimseStatus.of(DimseStatus.OUT_OF_RESOURCES, "storage failed");
            }
        }
        dataSet.drain();
        respond(channel, contextId, command, status);
    }

    private static int orZero(Integer value) {
        return value == null ? 0 : value;
    }

    private void respond(PduChannel channel, int contextId, DimseCommand request, DimseStatus status)
            throws IOException {
        DimseCommand response = request.response(status.code());
        if (status.errorComment() != null && !status.isSuccess()) {
            response.put(DimseCommand.ERROR_COMMENT, status.errorComment());
        }
        channel.sendPData(contextId, true, response.encode());
    }

    private static void sendAbort(PduChannel channel, int reason) {
        if (channel == null) {
            return;
        }
        try {
            channel.write(Pdus.encodeAbort(Pdus.ABORT_SOURCE_PROVIDER, reason));
        } catch (IOException e) {
            // the peer is gone already
        }
    }
}
