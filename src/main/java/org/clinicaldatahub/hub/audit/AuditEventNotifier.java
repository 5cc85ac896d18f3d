package org.clinicaldatahub.hub.audit;

import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.ExchangeEvent;
import org.apache.camel.spi.CamelEvent.ExchangeSentEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.camel.support.ExchangeHelper;
import org.clinicaldatahub.hub.HubHeaders;
import org.clinicaldatahub.hub.audit.internal.ExchangeAuditMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Audits every route without the route doing anything: Camel's event notifier SPI reports each
 * exchange, and this bean ({@code auditEventNotifier}, picked up by Camel Spring Boot as an
 * {@link org.apache.camel.spi.EventNotifier}) turns the relevant ones into audit events:
 * <ul>
 * <li>ExchangeCreated by a route consumer from an outside system: {@code received}. It is
 * recorded when the consumer creates the exchange, before the route has parsed anything, so it
 * names the endpoint and the exchange id; the later steps of the exchange carry the hub
 * references and the same exchange id. Hand-offs inside the hub ({@code direct}, {@code seda},
 * ...), clock triggers, exchanges made by a producer template and copies made by splitter,
 * multicast and wire tap are not receipts.</li>
 * <li>ExchangeSent without failure: {@code published} to {@code kafka}, {@code stored} to
 * {@code aws2-s3}, {@code received} for a camel-fhir read (search, page, read, history) from an
 * outside FHIR server, {@code forwarded} to any other outside system; sends to internal components
 * (direct, seda, log, bean, mock, ...) are not audited, nor the sends of a batch exchange whose
 * route records each record's steps itself ({@link AuditRecorder#AUDITED_PER_RECORD}).</li>
 * <li>ExchangeFailureHandled with the failure handled (a NAK or quarantine was produced):
 * {@code rejected}; ExchangeFailed: {@code error}. The reason is the {@code hubReasonCode}
 * header, else the exception's simple class name (never its message, which may hold PHI).</li>
 * </ul>
 * Everything else is switched off with the {@code setIgnore*} flags, so Camel does not even
 * create those event objects. Exchanges of routes whose id starts with {@code audit-} are
 * skipped, so the audit routes cannot feed themselves. Events are recorded with the log's
 * batch durability (on disk within {@code hub.audit.batch-max-delay}); a channel that must have
 * its receipt, with control id and checksum, on disk before the ACK calls
 * {@link AuditRecorder#recordStepDurably} after parsing. If the trail cannot record a receipt, the exchange is
 * failed with {@link AuditUnavailableException} so the channel's error handling answers negatively.
 */
@Component("auditEventNotifier")
public class AuditEventNotifier extends EventNotifierSupport {

    private static final Logger LOG = LoggerFactory.getLogger(AuditEventNotifier.class);

    /**
     * Components that move data inside the hub, only process it, or trigger a route on a clock:
     * neither a receipt from nor a send to an outside system.
     */
    static final Set<String> INTERNAL_SCHEMES = Set.of("direct", "seda", "vm", "disruptor", "disruptor-vm", "stub",
            "log", "bean", "class", "language", "validator", "controlbus", "mock", "dataset", "dataformat",
            "xslt", "xslt-saxon", "xj", "jslt", "jsonata", "jolt", "velocity", "freemarker", "mustache", "ref",
            "browse", "micrometer", "metrics", "timer", "scheduler", "quartz", "cron");

    private static final String AUDIT_ROUTE_PREFIX = "audit-";

    private final AuditRecorder recorder;
    private final AtomicLong failures = new AtomicLong();

    public AuditEventNotifier(AuditRecorder recorder) {
        this.recorder = recorder;
        setIgnoreCamelContextEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreStepEvents(true);
        // Sending events are accepted (and dropped in notify): Camel only measures and reports
        // ExchangeSent when some notifier took the matching ExchangeSending event.
        setIgnoreExchangeCompletedEvent(true);
        setIgnoreExchangeRedeliveryEvents(true);
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        if (!recorder.isEnabled()) {
            return false;
        }
        CamelEvent.Type type = event.getType();
        return type == CamelEvent.Type.ExchangeCreated || type == CamelEvent.Type.ExchangeSending
                || type == CamelEvent.Type.ExchangeSent
                || type == CamelEvent.Type.ExchangeFailed || type == CamelEvent.Type.ExchangeFailureHandled;
    }

    @Override
    public void notify(CamelEvent event) {
        if (event.getType() == CamelEvent.Type.ExchangeSending) {
            return;
        }
        Exchange exchange = ((ExchangeEvent) event).getExchange();
        String routeId = routeId(exchange);
        if (isAuditRoute(routeId) || isAuditRoute(exchange.getFromRouteId())) {
            return;
        }
        AuditEvent.Builder audit = switch (event.getType()) {
            case ExchangeCreated -> received(exchange);
            case ExchangeSent -> sent(exchange, ((ExchangeSentEvent) event).getEndpoint(), routeId);
            case ExchangeFailureHandled -> exchange.getExchangeExtension().isErrorHandlerHandled()
                    ? failure(AuditStep.REJECTED, exchange, routeId) : null;
            case ExchangeFailed -> failure(AuditStep.ERROR, exchange, routeId);
            default -> null;
        };
        if (audit == null) {
            return;
        }
        try {
            AuditRecorder.remember(exchange, recorder.record(audit));
        } catch (AuditUnavailableException e) {
            if (event.getType() == CamelEvent.Type.ExchangeCreated) {
                exchange.setException(e);
            }
            if (failures.getAndIncrement() % 1000 == 0) {
                LOG.error("audit event of route {} not recorded ({} so far): {}", routeId, failures.get(), e.getMessage());
            }
        } catch (RuntimeException e) {
            if (failures.getAndIncrement() % 1000 == 0) {
                LOG.error("audit event of route {} not recorded ({} so far): {}", routeId, failures.get(), e.toString());
            }
        }
    }

    /**
     * camel-fhir APIs that only read from the FHIR server (fhir://search/..., fhir://load-page/...):
     * the data comes in, nothing is sent to the server, so the step is {@code received}.
     */
    static final Set<String> FHIR_READ_APIS = Set.of("search", "load-page", "read", "history", "capabilities");

    /**
     * Step for a send to this endpoint URI: a camel-fhir read from an outside FHIR server is a
     * receipt; otherwise as {@link #stepForScheme}.
     */
    static AuditStep stepForEndpoint(String endpointUri) {
        int colon = endpointUri.indexOf(':');
        String scheme = colon < 0 ? endpointUri : endpointUri.substring(0, colon);
        if ("fhir".equals(scheme)) {
            String rest = endpointUri.substring(colon + 1);
            while (rest.startsWith("/")) {
                rest = rest.substring(1);
            }
            int end = 0;
            while (end < rest.length() && rest.charAt(end) != '/' && rest.charAt(end) != '?') {
                end++;
            }
            if (FHIR_READ_APIS.contains(rest.substring(0, end))) {
                return AuditStep.RECEIVED;
            }
        }
        return stepForScheme(scheme);
    }

    /** Step for a send to an endpoint with this scheme, or null for a component internal to the hub. */
    static AuditStep stepForScheme(String scheme) {
        if ("kafka".equals(scheme)) {
            return AuditStep.PUBLISHED;
        }
        if ("aws2-s3".equals(scheme)) {
            return AuditStep.STORED;
        }
        return INTERNAL_SCHEMES.contains(scheme) ? null : AuditStep.FORWARDED;
    }

    private AuditEvent.Builder received(Exchange exchange) {
        Endpoint from = exchange.getFromEndpoint();
        String route = exchange.getFromRouteId();
        if (from == null || route == null || recorder.recordsOwnReceipts(route) || exchange.getProperty(ExchangePropertyKey.CORRELATION_ID) != null
                || INTERNAL_SCHEMES.contains(ExchangeAuditMapper.scheme(from))) {
            return null;
        }
        return ExchangeAuditMapper.toEvent(AuditStep.RECEIVED, exchange, route)
                .ref(AuditRef.ENDPOINT, ExchangeAuditMapper.endpointReference(from));
    }

    private static AuditEvent.Builder sent(Exchange exchange, Endpoint endpoint, String routeId) {
        if (exchange.isFailed() || endpoint == null
                || Boolean.TRUE.equals(exchange.getProperty(AuditRecorder.AUDITED_PER_RECORD, Boolean.class))) {
            return null;
        }
        AuditStep step = stepForEndpoint(endpoint.getEndpointUri());
        if (step == null) {
            return null;
        }
        return ExchangeAuditMapper.toEvent(step, exchange, routeId)
                .ref(AuditRef.ENDPOINT, ExchangeAuditMapper.endpointReference(endpoint));
    }

    private static AuditEvent.Builder failure(AuditStep step, Exchange exchange, String routeId) {
        AuditEvent.Builder event = ExchangeAuditMapper.toEvent(step, exchange, routeId);
        if (exchange.getMessage().getHeader(HubHeaders.REASON_CODE) == null) {
            Throwable cause = exchange.getException() != null ? exchange.getException()
                    : exchange.getProperty(ExchangePropertyKey.EXCEPTION_CAUGHT, Throwable.class);
            if (cause != null && AuditEvent.Builder.isValidReason(cause.getClass().getSimpleName())) {
                event.reason(cause.getClass().getSimpleName());
            }
        }
        if (step == AuditStep.ERROR) {
            event.outcome(AuditOutcome.ERROR);
        }
        return event;
    }

    private static String routeId(Exchange exchange) {
        String at = ExchangeHelper.getAtRouteId(exchange);
        return at != null ? at : exchange.getFromRouteId();
    }

    private static boolean isAuditRoute(String routeId) {
        return routeId != null && routeId.startsWith(AUDIT_ROUTE_PREFIX);
    }
}
