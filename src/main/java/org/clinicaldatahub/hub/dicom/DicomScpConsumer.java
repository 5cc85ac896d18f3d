package org.clinicaldatahub.hub.dicom;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;
import org.clinicaldatahub.hub.HubHeaders;
import org.clinicaldatahub.hub.audit.AuditEvent;
import org.clinicaldatahub.hub.audit.AuditRecorder;
import org.clinicaldatahub.hub.audit.AuditRef;
import org.clinicaldatahub.hub.audit.AuditStep;
import org.clinicaldatahub.hub.dicom.data.TransferSyntax;
import org.clinicaldatahub.hub.dicom.net.AcceptorPolicy;
import org.clinicaldatahub.hub.dicom.net.CallerRule;
import org.clinicaldatahub.hub.dicom.net.DicomServer;
import org.clinicaldatahub.hub.dicom.net.DimseStatus;
import org.clinicaldatahub.hub.dicom.net.HubImplementation;
import org.clinicaldatahub.hub.dicom.net.StoreHandler;
import org.clinicaldatahub.hub.dicom.net.StoreRequest;
import org.clinicaldatahub.hub.storage.StoredObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link DicomServer} while its route runs. Each C-STORE: the data set is received into a
 * Part 10 file (checked, hashed), the receipt is audited, then an exchange carrying the
 * {@link ReceivedInstance} goes through the route on the association's thread; the C-STORE-RSP
 * is success only if the route completed (the instance is durably stored and its event published),
 * otherwise A700. Refused data sets (C000, A900) are quarantined and audited without a route run.
 */
public class DicomScpConsumer extends DefaultConsumer implements StoreHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DicomScpConsumer.class);

    private final String aeTitle;
    private final DicomScpSettings settings;
    private DicomServer server;

    DicomScpConsumer(DicomScpEndpoint endpoint, Processor processor, String aeTitle, DicomScpSettings settings) {
        super(endpoint, processor);
        this.aeTitle = aeTitle;
        this.settings = settings;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        DicomProperties properties = settings.properties();
        server = new DicomServer(policy(properties, aeTitle), this, settings.audit());
        InetAddress bind = InetAddress.getByName(properties.getHost());
        int port = server.listen(bind, properties.getPort());
        if (properties.getTls().isEnabled()) {
            server.listenTls(bind, properties.getTls().getPort(), DicomTls.serverSocketFactory(properties.getTls()),
                    properties.getTls().getTruststorePath() != null);
        }
        ((DicomScpComponent) getEndpoint().getComponent()).listening(port);
        LOG.info("DICOM C-STORE SCP {} on port {}", aeTitle, port);
    }

    @Override
    protected void doStop() throws Exception {
        if (server != null) {
            server.close();
            server = null;
            ((DicomScpComponent) getEndpoint().getComponent()).listening(-1);
        }
        super.doStop();
    }

    static AcceptorPolicy policy(DicomProperties properties, String aeTitle) {
        List<String> syntaxes = properties.getTransferSyntaxes().isEmpty()
                ? TransferSyntax.known().stream().map(TransferSyntax::uid).toList()
                : properties.getTransferSyntaxes();
        return new AcceptorPolicy(aeTitle, properties.getAllowedCallers().stream().map(CallerRule::parse).toList(),
                StorageSopClasses.load(properties.getSopClassesFile()).keySet(), syntaxes,
                properties.getMaxPduLength().toBytes(), HubImplementation.CLASS_UID, HubImplementation.VERSION_NAME,
                (int) properties.getArtimTimeout().toMillis(), (int) properties.getIdleTimeout().toMillis(),
                properties.getMaxAssociations());
    }

    @Override
    public DimseStatus store(StoreRequest request, InputStream dataSet) throws IOException {
        settings.pacing().receptionStarted();
        try {
            return receiveAndRoute(request, dataSet);
        } finally {
            settings.pacing().receptionEnded();
        }
    }

    private DimseStatus receiveAndRoute(StoreRequest request, InputStream dataSet) throws IOException {
        OpenReceivedInstance received;
        try {
            received = settings.receiver().receiveOpen(request, dataSet);
        } catch (InstanceRejectedException e) {
            refuse(request, e);
            return e.status();
        }
        ReceivedInstance instance = received.instance();
        Exchange exchange = createExchange(false);
        // closing deletes the received file (moved into the spool or uploaded by now) or frees its spool slot
        try (received) {
            Message message = exchange.getMessage();
            message.setBody(instance);
            message.setHeader(DicomInstanceStore.INSTANCE_HEADER, instance);
            // the spool forces the file through it instead of opening it again
            message.setHeader(DicomHeaders.OPEN_FILE, received.channel());
            message.setHeader(HubHeaders.CHANNEL, DicomAudit.ROUTE);
            message.setHeader(HubHeaders.ACTOR, DicomAudit.printable(instance.callingAeTitle()));
            message.setHeader(HubHeaders.SHA256, instance.sha256());
            message.setHeader(DicomHeaders.SOP_CLASS_UID, instance.sopClassUid());
            message.setHeader(DicomHeaders.SOP_INSTANCE_UID, instance.sopInstanceUid());
            message.setHeader(DicomHeaders.STUDY_INSTANCE_UID, instance.studyInstanceUid());
            message.setHeader(DicomHeaders.SERIES_INSTANCE_UID, instance.seriesInstanceUid());
            message.setHeader(DicomHeaders.TRANSFER_SYNTAX_UID, instance.transferSyntaxUid());
            AuditRecorder.remember(exchange, settings.recorder().record(receipt(exchange, instance)));
            getProcessor().process(exchange);
        } catch (Exception e) {
            exchange.setException(e);
        }
        try {
            if (exchange.getException() != null) {
                LOG.warn("DICOM instance from {} not stored: {}", DicomAudit.printable(instance.callingAeTitle()),
                        exchange.getException().getClass().getSimpleName());
                return DimseStatus.of(DimseStatus.OUT_OF_RESOURCES, "instance could not be stored");
            }
            return DimseStatus.OK;
        } finally {
            releaseExchange(exchange, false);
        }
    }

    private AuditEvent.Builder receipt(Exchange exchange, ReceivedInstance instance) {
        AuditEvent.Builder event = AuditEvent.builder(AuditStep.RECEIVED).route(DicomAudit.ROUTE)
                .ref(AuditRef.CHANNEL, DicomAudit.ROUTE)
                .ref(AuditRef.ENDPOINT, "dicom-scp://" + aeTitle)
                .ref(AuditRef.SOP_INSTANCE_UID, instance.sopInstanceUid())
                .ref(AuditRef.STUDY_INSTANCE_UID, instance.studyInstanceUid())
                .ref(AuditRef.PATIENT_PSEUDONYM, instance.patientPseudonym())
                .ref(AuditRef.EXCHANGE_ID, exchange.getExchangeId())
                .checksum(instance.sha256());
        String actor = DicomAudit.printable(instance.callingAeTitle());
        if (!actor.isEmpty()) {
            event.actor(actor);
        }
        return event;
    }

    private void refuse(StoreRequest request, InstanceRejectedException e) throws IOException {
        String quarantineKey = null;
        String sha256 = null;
        if (e.receivedFile() != null) {
            try {
                if (Files.size(e.receivedFile()) <= 64L << 20) {
                    byte[] bytes = Files.readAllBytes(e.receivedFile());
                    StoredObject kept = settings.quarantine().keep(DicomAudit.ROUTE, e.reasonCode(), bytes);
                    quarantineKey = kept.key();
                    sha256 = kept.sha256();
                }
            } catch (RuntimeException | IOException failure) {
                LOG.error("quarantine of a refused DICOM instance failed: {}", failure.getClass().getSimpleName());
            } finally {
                Files.deleteIfExists(e.receivedFile());
            }
        }
        LOG.info("DICOM instance from {} refused: {}", DicomAudit.printable(request.association().callingAeTitle()),
                e.reasonCode());
        settings.audit().instanceRejected(request, e.reasonCode(), quarantineKey, sha256);
    }

    Map<String, Object> status() {
        return Map.of("activeAssociations", server == null ? 0 : server.activeAssociations());
    }
}
