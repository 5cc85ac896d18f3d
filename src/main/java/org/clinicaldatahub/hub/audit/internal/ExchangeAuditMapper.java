package org.clinicaldatahub.hub.audit.internal;

import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.clinicaldatahub.hub.HubHeaders;
import org.clinicaldatahub.hub.audit.AuditEvent;
import org.clinicaldatahub.hub.audit.AuditOutcome;
import org.clinicaldatahub.hub.audit.AuditRef;
import org.clinicaldatahub.hub.audit.AuditStep;

/**
 * Turns an exchange into an audit event using only the {@link HubHeaders} reference headers
 * (control id, object key, bucket, checksum, actor, channel, reason code, patient pseudonym,
 * message type, outcome) and the exchange id. The body, every other header and exception
 * messages are never read, so PHI on the exchange cannot reach the trail. A header value the
 * event builder refuses (control characters, too long, not a token) is left out rather than
 * failing the route; an unusable reason code becomes {@code INVALID_REASON_CODE}.
 */
public final class ExchangeAuditMapper {

    /** Reason recorded when the {@code hubReasonCode} header is not a valid code. */
    public static final String INVALID_REASON = "INVALID_REASON_CODE";

    private ExchangeAuditMapper() {
    }

    public static AuditEvent.Builder toEvent(AuditStep step, Exchange exchange, String routeId) {
        AuditEvent.Builder event = AuditEvent.builder(step);
        if (AuditEvent.Builder.isValidRoute(routeId)) {
            event.route(routeId);
        }
        Message in = exchange.getMessage();
        String actor = text(in, HubHeaders.ACTOR);
        if (actor != null) {
            try {
                event.actor(actor);
            } catch (IllegalArgumentException e) {
                // left out: not a usable actor reference
            }
        }
        ref(event, AuditRef.CONTROL_ID, in, HubHeaders.CONTROL_ID);
        ref(event, AuditRef.MESSAGE_TYPE, in, HubHeaders.MESSAGE_TYPE);
        ref(event, AuditRef.CHANNEL, in, HubHeaders.CHANNEL);
        ref(event, AuditRef.BUCKET, in, HubHeaders.BUCKET);
        ref(event, AuditRef.OBJECT_KEY, in, HubHeaders.OBJECT_KEY);
        ref(event, AuditRef.PATIENT_PSEUDONYM, in, HubHeaders.PATIENT_PSEUDONYM);
        event.ref(AuditRef.EXCHANGE_ID, exchange.getExchangeId());
        String checksum = text(in, HubHeaders.SHA256);
        if (checksum != null) {
            try {
                event.checksum(checksum);
            } catch (IllegalArgumentException e) {
                // left out: not a SHA-256
            }
        }
        String reason = text(in, HubHeaders.REASON_CODE);
        if (reason != null) {
            event.reason(AuditEvent.Builder.isValidReason(reason) ? reason : INVALID_REASON);
        }
        String outcome = text(in, HubHeaders.OUTCOME);
        if (outcome != null) {
            try {
                event.outcome(AuditOutcome.fromWireName(outcome));
            } catch (IllegalArgumentException e) {
                // left out: the step's default outcome applies
            }
        }
        return event;
    }

    /** The endpoint without query parameters and user info: {@code kafka:hub.hl7.adt}, {@code aws2-s3://raw}. */
    public static String endpointReference(Endpoint endpoint) {
        String uri = endpoint.getEndpointBaseUri();
        int query = uri.indexOf('?');
        if (query >= 0) {
            uri = uri.substring(0, query);
        }
        int scheme = uri.indexOf("://");
        int at = uri.indexOf('@');
        if (scheme >= 0 && at > scheme) {
            int slash = uri.indexOf('/', scheme + 3);
            if (slash < 0 || at < slash) {
                uri = uri.substring(0, scheme + 3) + uri.substring(at + 1);
            }
        }
        return uri;
    }

    /** The scheme of an endpoint URI, {@code kafka} for {@code kafka:topic}. */
    public static String scheme(Endpoint endpoint) {
        String uri = endpoint.getEndpointUri();
        int colon = uri.indexOf(':');
        return colon < 0 ? uri : uri.substring(0, colon);
    }

    private static void ref(AuditEvent.Builder event, AuditRef ref, Message in, String header) {
        String value = text(in, header);
        if (value != null) {
            try {
                event.ref(ref, value);
            } catch (IllegalArgumentException e) {
                // left out: a reference with control characters or over-long is not a reference
            }
        }
    }

    /** Strings and numbers only: no type conversion of arbitrary objects (which could be a parsed message). */
    private static String text(Message in, String header) {
        Object value = in.getHeader(header);
        if (value instanceof CharSequence || value instanceof Number) {
            String s = value.toString();
            return s.isEmpty() ? null : s;
        }
        return null;
    }
}
