package org.clinicaldatahub.hub.dicom;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.clinicaldatahub.hub.HubHeaders;
import org.clinicaldatahub.hub.audit.AuditEvent;
import org.clinicaldatahub.hub.audit.AuditRecorder;
import org.clinicaldatahub.hub.audit.AuditRef;
import org.clinicaldatahub.hub.audit.AuditStep;
import org.clinicaldatahub.hub.audit.AuditUnavailableException;
import org.clinicaldatahub.hub.storage.StoredObject;
import org.clinicaldatahub.hub.storage.TieredStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The bean {@code dicomInstanceStore}: puts a received instance (the exchange body, a
 * {@link ReceivedInstance}) into its data class under its natural key
 * ({@code hub.dicom.key-layout}, Study/Series/SOP Instance UID), skips the write when the same
 * bytes are already there, and spools it locally when the object store is unreachable. Records
 * the {@code stored} audit event with bucket, key and SHA-256.
 */
public final class DicomInstanceStore {

    /** Header keeping the instance while the body becomes the event. */
    public static final String INSTANCE_HEADER = "hubDicomInstance";
    private static final Logger LOG = LoggerFactory.getLogger(DicomInstanceStore.class);

    private final TieredStore tieredStore;
    private final DicomSpool spool;
    private final AuditRecorder auditRecorder;
    private final String dataClass;
    private final String keyLayout;
    private final DicomProperties.AcknowledgeAfter acknowledgeAfter;
    /** Set by a failed upload of the drain round in progress; its remaining uploads then fail fast. */
    private volatile boolean drainRoundFailed;

    public DicomInstanceStore(TieredStore tieredStore, DicomSpool spool, AuditRecorder auditRecorder,
            DicomProperties properties) {
        this.tieredStore = tieredStore;
        this.spool = spool;
        this.auditRecorder = auditRecorder;
        this.dataClass = properties.getDataClass();
        this.keyLayout = properties.getKeyLayout();
        this.acknowledgeAfter = properties.getAcknowledgeAfter();
    }

    /**
     * Stores the instance of a C-STORE; spools it when the store is unreachable. Under
     * {@code hub.dicom.acknowledge-after: spooled} it only spools it (forced to disk), and the
     * drain stores it and publishes its event.
     */
    public void store(Exchange exchange) throws IOException {
        ReceivedInstance instance = instance(exchange);
        String key = instance.objectKey(keyLayout);
        if (acknowledgeAfter == DicomProperties.AcknowledgeAfter.SPOOLED) {
            spool(exchange, instance, key, "DICOM_SPOOLED_BEFORE_STORE");
            return;
        }
        try {
            put(exchange, instance, key);
        } catch (SdkClientException | S3Exception e) {
            if (e instanceof S3Exception s3 && s3.statusCode() < 500) {
                throw e;
            }
            LOG.warn("object store unreachable ({}): instance spooled locally", e.getClass().getSimpleName());
            spool(exchange, instance, key, "DICOM_SPOOLED");
        }
    }

    /**
     * Spools the instance; returns once it and its {@code stored} audit event (reason
     * {@code reason}) are on disk. The audit event is recorded as soon as the entry is in place and
     * committed while the spool syncs its directory, not after: one instance at a time per
     * association, so the two syncs in a row would both count for each C-STORE-RSP.
     */
    private void spool(Exchange exchange, ReceivedInstance instance, String key, String reason) throws IOException {
        AuditEvent.Builder event = storedEvent(exchange, instance, "", key).reason(reason);
        List<CompletableFuture<Long>> audited = new ArrayList<>(1);
        Runnable whilePlaced = () -> audited.add(auditRecorder.recordDurablyAsync(event));
        FileChannel open = exchange.getMessage().getHeader(DicomHeaders.OPEN_FILE, FileChannel.class);
        ReceivedInstance spooled = open != null && open.isOpen() ? spool.keep(instance, key, open, whilePlaced)
                : spool.keep(instance, key, whilePlaced);
        Message message = exchange.getMessage();
        message.setHeader(INSTANCE_HEADER, spooled);
        message.setHeader(DicomHeaders.SPOOLED, Boolean.TRUE);
        message.setHeader(HubHeaders.OBJECT_KEY, key);
        message.setHeader(HubHeaders.SHA256, instance.sha256());
        AuditRecorder.remember(exchange, durable(audited.get(0)));
    }

    private static long durable(CompletableFuture<Long> audited) {
        try {
            return audited.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw new AuditUnavailableException("audit log failed: " + e.getCause());
        }
    }

    /**
     * Uploads a spooled instance (drain route); throws while the store is still unreachable. Once
     * one upload of a drain round failed, the others of that round fail at once instead of each
     * waiting for the store's timeouts; {@link #storeReachable} starts the next round.
     */
    public void upload(Exchange exchange) throws IOException {
        if (drainRoundFailed) {
            throw new IOException("an earlier upload of this spool drain round failed; left in the spool for the next");
        }
        ReceivedInstance instance = instance(exchange);
        try {
            put(exchange, instance, instance.objectKey(keyLayout));
        } catch (IOException | RuntimeException e) {
            drainRoundFailed = true;
            throw e;
        }
    }

    /** True when the object store answers (the drain route asks before each round). */
    public boolean storeReachable() {
        try {
            tieredStore.storedSha256(dataClass, keyLayout.replace("{study}", "0").replace("{series}", "0")
                    .replace("{instance}", "reachability-probe"));
            drainRoundFailed = false;
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private void put(Exchange exchange, ReceivedInstance instance, String key) throws IOException {
        // same SHA-256 claimed and the same size held: a resend, or an upload whose answer was lost
        // (the store is cut off after it took the object); a partial object is written again
        TieredStore.KeyedPut put = tieredStore.putFileAtKeyUnlessStored(dataClass, key, DicomAudit.ROUTE,
                instance.file(), instance.sha256(), provenance(instance));
        StoredObject stored = put.object();
        boolean alreadyStored = put.alreadyStored();
        Message message = exchange.getMessage();
        message.setHeader(INSTANCE_HEADER, instance);
        message.setHeader(DicomHeaders.ALREADY_STORED, alreadyStored);
        message.setHeader(HubHeaders.BUCKET, stored.bucket());
        message.setHeader(HubHeaders.OBJECT_KEY, stored.key());
        message.setHeader(HubHeaders.SHA256, stored.sha256());
        AuditEvent.Builder event = storedEvent(exchange, instance, stored.bucket(), stored.key());
        if (alreadyStored) {
            event.reason("DICOM_ALREADY_STORED");
        }
        AuditRecorder.remember(exchange, auditRecorder.record(event));
    }

    private static ReceivedInstance instance(Exchange exchange) {
        ReceivedInstance instance = exchange.getMessage().getHeader(INSTANCE_HEADER, ReceivedInstance.class);
        return instance != null ? instance : exchange.getMessage().getBody(ReceivedInstance.class);
    }

    private static Map<String, String> provenance(ReceivedInstance instance) {
        return Map.of("source-system", DicomAudit.printable(instance.callingAeTitle()),
                "sop-class-uid", instance.sopClassUid(),
                "transfer-syntax-uid", instance.transferSyntaxUid(),
                "modality", instance.modality() == null ? "" : DicomAudit.printable(instance.modality()));
    }

    private static AuditEvent.Builder storedEvent(Exchange exchange, ReceivedInstance instance, String bucket,
            String key) {
        AuditEvent.Builder event = AuditEvent.builder(AuditStep.STORED).route(DicomAudit.ROUTE)
                .ref(AuditRef.CHANNEL, DicomAudit.ROUTE)
                .ref(AuditRef.BUCKET, bucket)
                .ref(AuditRef.OBJECT_KEY, key)
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
}
