package org.clinicaldatahub.hub.audit;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import org.apache.camel.Exchange;
import org.apache.camel.support.ExchangeHelper;
import org.clinicaldatahub.hub.audit.internal.ExchangeAuditMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The audit trail as routes and capabilities see it: the bean {@code auditRecorder}. It opens
 * the node's {@link AuditLog} at start-up (loading the signing key from the keystore, or making
 * the development key when allowed), exports the public key for verifiers, and closes the log
 * with its final checkpoint at shutdown. {@link AuditEventNotifier} records the steps every
 * route has; routes call this bean for the steps only they know, e.g. from YAML:
 * <pre>- bean:
 *     ref: auditRecorder
 *     method: "recordStep(*, 'deidentified')"</pre>
 * A channel that acknowledges receipt calls {@link #recordStepDurably} before its ACK, so the
 * receipt is on disk before the sender forgets the message. If the trail cannot write,
 * every method throws {@link AuditUnavailableException} and the channel answers negatively.
 */
@Component("auditRecorder")
public class AuditRecorder implements DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(AuditRecorder.class);

    private final AuditLog log;
    private final java.util.Set<String> routesRecordingOwnReceipts;
    private final AuditProperties.ForceBeforeAnswer forceBeforeAnswer;

    public AuditRecorder(AuditProperties properties) throws IOException {
        this.routesRecordingOwnReceipts = java.util.Set.copyOf(properties.getRoutesRecordingOwnReceipts());
        this.forceBeforeAnswer = properties.getForceBeforeAnswer();
        if (!properties.isEnabled()) {
            LOG.warn("AUDIT TRAIL DISABLED (hub.audit.enabled=false): nothing this hub does is audited");
            this.log = null;
            return;
        }
        AuditSigningKeys keys = loadKeys(properties);
        keys.exportPublicKey(properties.resolvedPublicKeyFile());
        this.log = AuditLog.builder(properties.auditDir(), properties.getNodeId(), keys)
                .fsync(properties.getFsync())
                .batchMaxDelay(properties.getBatchMaxDelay())
                .commitDelay(properties.getCommitDelay())
                .segmentBytes(properties.getSegmentSize().toBytes())
                .checkpointEvery(properties.getCheckpointIntervalEvents(), properties.getCheckpointInterval())
                .open();
        if (keys.wasGenerated()) {
            log.append(AuditEvent.builder(AuditStep.KEY_GENERATED).actor("clinical-data-hub")
                    .ref(AuditRef.KEY_ID, keys.keyId()));
        }
        LOG.info("audit trail of node {} open at seq {} in {} (fsync {}, key {}, public key {})",
                log.nodeId(), log.lastSeq(), log.segmentsDir(), properties.getFsync(), keys.keyId(),
                properties.resolvedPublicKeyFile());
    }

    /** Records an event; durable per the fsync policy. Returns its sequence number, or -1 when disabled. */
    public long record(AuditEvent.Builder event) {
        return log == null ? -1 : log.append(event);
    }

    /** Records an event and returns once it is on disk. */
    public long recordDurably(AuditEvent.Builder event) {
        return log == null ? -1 : log.appendDurably(event);
    }

    /** Records an event; the future completes once it is on disk. */
    public CompletableFuture<Long> recordDurablyAsync(AuditEvent.Builder event) {
        return log == null ? CompletableFuture.completedFuture(-1L) : log.appendAsync(event);
    }

    /**
     * Records a step of the current route from the exchange's {@code hub*} reference headers
     * (never the body). For YAML routes: {@code method: "recordStep(*, 'mapped')"}.
     *
     * Returns nothing, so a bean step in a route leaves the message body as it was.
     *
     * @param step a step name such as {@code deidentified}, {@code mapped}, {@code read}
     */
    public void recordStep(Exchange exchange, String step) {
        remember(exchange, record(ExchangeAuditMapper.toEvent(AuditStep.fromWireName(step), exchange, routeId(exchange))));
    }

    /**
     * Records a step of one record of a batch. A route that consumes records in batches (one
     * exchange whose body is the list of the records' exchanges) records each record's steps with
     * this, so the trail keeps one event per record and step, in the route of the batch.
     *
     * @param record   the record's own exchange (its {@code hub*} reference headers and id are used)
     * @param step     a step name such as {@code received}, {@code deidentified}, {@code published}
     * @param routeId  the route handling the batch
     * @param endpoint the outside endpoint the record came from or went to ({@code kafka:hub.deid.hl7}), or null
     */
    public void recordStep(Exchange record, String step, String routeId, String endpoint) {
        AuditEvent.Builder event = ExchangeAuditMapper.toEvent(AuditStep.fromWireName(step), record, routeId);
        if (endpoint != null) {
            event.ref(AuditRef.ENDPOINT, endpoint);
        }
        remember(record, record(event));
    }

    /**
     * Exchange property a batch route sets on its batch exchange once it records every record's
     * steps itself ({@link #recordStep(Exchange, String, String, String)}): the event notifier
     * then adds no batch-level {@code published}/{@code stored} event for the batch's sends.
     */
    public static final String AUDITED_PER_RECORD = "hubAuditedPerRecord";

    /** The endpoint as audit events name it: without query parameters and user info. */
    public static String endpointReference(org.apache.camel.Endpoint endpoint) {
        return ExchangeAuditMapper.endpointReference(endpoint);
    }

    /**
     * True for routes that record their own {@code received} event after parsing (with control id
     * and checksum); the event notifier then does not add a second, reference-less one.
     */
    public boolean recordsOwnReceipts(String routeId) {
        return routesRecordingOwnReceipts.contains(routeId);
    }

    /** Exchange property: the future of the receipt's background commit, set by {@link #recordReceipt}. */
    public static final String RECEIPT_DURABLE_PROPERTY = "hubAuditReceiptDurable";

    /**
     * Records the {@code received} step of a channel that answers its sender (from YAML:
     * {@code method: recordReceipt}) and starts forcing it to disk at once, in the background, so
     * that the fsync runs while the route publishes the message instead of after it.
     * {@link #awaitDurable} then waits for that commit before the answer.
     */
    public void recordReceipt(Exchange exchange) {
        long seq = record(ExchangeAuditMapper.toEvent(AuditStep.RECEIVED, exchange, routeId(exchange)));
        remember(exchange, seq);
        if (log != null && forceBeforeAnswer == AuditProperties.ForceBeforeAnswer.RECEIPT) {
            exchange.setProperty(RECEIPT_DURABLE_PROPERTY, log.whenDurable(seq));
        }
    }

    /** Exchange property holding the sequence number of the exchange's latest audit event. */
    public static final String LAST_SEQ_PROPERTY = "hubAuditSeq";

    /** Notes on the exchange that an event of it was recorded as {@code seq}. */
    public static void remember(Exchange exchange, long seq) {
        Long previous = exchange.getProperty(LAST_SEQ_PROPERTY, Long.class);
        if (previous == null || seq > previous) {
            exchange.setProperty(LAST_SEQ_PROPERTY, seq);
        }
    }

    /**
     * A channel calls this right before its positive answer (AA, C-STORE success, HTTP 2xx), so
     * that an answered message is never missing from the trail. Returns once every audit event
     * recorded for this exchange so far is on disk: forced, or, after {@link #recordReceipt} under
     * {@code hub.audit.force-before-answer=receipt}, the receipt forced and the later events
     * written to the segment (they survive a crash of the process and are forced by the next
     * group commit, within {@code batch-max-delay}).
     */
    public void awaitDurable(Exchange exchange) {
        Long seq = exchange.getProperty(LAST_SEQ_PROPERTY, Long.class);
        if (log == null || seq == null || seq <= 0) {
            return;
        }
        @SuppressWarnings("unchecked")
        CompletableFuture<Long> receipt = exchange.getProperty(RECEIPT_DURABLE_PROPERTY, CompletableFuture.class);
        if (receipt == null) {
            log.awaitDurable(seq);
            return;
        }
        if (!receipt.isDone()) {
            log.hurry();
        }
        AuditLog.await(receipt);
        log.awaitWritten(seq);
    }

    /** Like {@link #recordStep} but returns only once the event is on disk (before an ACK). */
    public void recordStepDurably(Exchange exchange, String step) {
        recordDurably(ExchangeAuditMapper.toEvent(AuditStep.fromWireName(step), exchange, routeId(exchange)));
    }

    /** Writes, signs and forces everything recorded so far. */
    public void flush() {
        if (log != null) {
            log.flush();
        }
    }

    public boolean isEnabled() {
        return log != null;
    }

    /** True when enabled and able to write. */
    public boolean isAvailable() {
        return log != null && log.isAvailable();
    }

    /** Events recorded but not shipped yet; 0 when disabled. */
    public long unshippedCount() {
        return log == null ? 0 : log.unshippedCount();
    }

    /** The underlying log, for shippers and health checks; null when disabled. */
    public AuditLog log() {
        return log;
    }

    @Override
    public void destroy() {
        if (log != null) {
            log.close();
        }
    }

    private static String routeId(Exchange exchange) {
        String at = ExchangeHelper.getAtRouteId(exchange);
        return at != null ? at : exchange.getFromRouteId();
    }

    private static AuditSigningKeys loadKeys(AuditProperties properties) {
        if (properties.getKeystorePath() != null) {
            String password = properties.getKeystorePassword();
            if (password == null) {
                throw new IllegalStateException("hub.audit.keystore-password is required with hub.audit.keystore-path");
            }
            return AuditSigningKeys.fromKeystore(properties.getKeystorePath(), password.toCharArray(),
                    properties.getKeystoreAlias(), properties.getKeystoreType());
        }
        if (!properties.isAllowDevelopmentKey()) {
            throw new IllegalStateException("no audit signing key: set hub.audit.keystore-path (and -password, -alias) "
                    + "or allow the development key with hub.audit.allow-development-key=true");
        }
        return AuditSigningKeys.developmentKey(properties.auditDir());
    }
}
