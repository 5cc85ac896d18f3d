package org.clinicaldatahub.hub.fhir;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.util.FhirTerser;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.clinicaldatahub.hub.HubHeaders;
import org.clinicaldatahub.hub.audit.AuditRecorder;
import org.clinicaldatahub.hub.fhir.internal.PatientKeys;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The steps of the {@code fhir-inbound-poll} route: which searches to run, what a page holds that
 * is new, and committing it with the cursor. A search asks the EHR for one resource type changed
 * since the cursor, oldest first ({@code _lastUpdated=ge...&_sort=_lastUpdated}, FHIR R4
 * search.html#lastUpdated and #_sort), and the route follows the Bundle's {@code next} links.
 */
@Component("fhirPoller")
public class FhirPoller {

    private static final Logger LOG = LoggerFactory.getLogger(FhirPoller.class);

    private final FhirProperties.Poll poll;
    private final FhirPollCommitter committer;
    private final AuditRecorder audit;
    private final FhirContext fhir = FhirContext.forR4Cached();
    private final FhirTerser terser = fhir.newTerser();

    public FhirPoller(FhirProperties properties, FhirPollCommitter committer, AuditRecorder auditRecorder) {
        this.poll = properties.getPoll();
        this.committer = committer;
        this.audit = auditRecorder;
    }

    /** The resource types to search, in the configured order. */
    public List<String> resourceTypes() {
        return List.copyOf(poll.getResourceTypes());
    }

    /** The search for one resource type since its cursor, as a URL relative to the EHR's base. */
    public String searchUrl(Exchange exchange) {
        String type = exchange.getMessage().getBody(String.class);
        Message in = exchange.getMessage();
        in.setHeader(FhirHeaders.RESOURCE_TYPE, type);
        in.setHeader(HubHeaders.CHANNEL, exchange.getFromRouteId());
        in.setHeader(HubHeaders.ACTOR, poll.getSourceName());
        in.setHeader(HubHeaders.MESSAGE_TYPE, type);
        Instant since = committer.cursor(type).lastUpdated().truncatedTo(ChronoUnit.MILLIS);
        return type + "?_lastUpdated=ge" + since + "&_sort=_lastUpdated&_count=" + poll.getPageSize();
    }

    /**
     * Publishes the page's resource versions not committed yet, each as its own record keyed by
     * its patient reference, and advances the cursor, in one Kafka transaction. Entries of other
     * types (an {@code _include}, an OperationOutcome) are not this search's and are left out.
     * Audited as {@code published} once committed.
     */
    public void commitPage(Exchange exchange) {
        Bundle page = exchange.getMessage().getBody(Bundle.class);
        String type = exchange.getMessage().getHeader(FhirHeaders.RESOURCE_TYPE, String.class);
        PollCursor cursor = committer.cursor(type);
        PollCursor next = cursor;
        List<FhirPollCommitter.PolledRecord> records = new ArrayList<>();
        int skipped = 0;
        for (Bundle.BundleEntryComponent entry : page.getEntry()) {
            Resource resource = entry.getResource();
            if (resource == null || !type.equals(resource.fhirType())) {
                continue;
            }
            String id = resource.getIdElement().getIdPart();
            String versionId = resource.getMeta().hasVersionId() ? resource.getMeta().getVersionId()
                    : resource.getIdElement().hasVersionIdPart() ? resource.getIdElement().getVersionIdPart() : "1";
            String version = type + "/" + id + "/_history/" + versionId;
            Instant updated = resource.getMeta().hasLastUpdated() ? resource.getMeta().getLastUpdated().toInstant()
                    : null;
            if (updated != null && cursor.covers(updated, version)) {
                skipped++;
                continue;
            }
            resource.setId(type + "/" + id + "/_history/" + versionId);
            byte[] json = fhir.newJsonParser().encodeResourceToString(resource).getBytes(StandardCharsets.UTF_8);
            records.add(new FhirPollCommitter.PolledRecord(PatientKeys.of(terser, resource), json, Map.of(
                    HubHeaders.CHANNEL, exchange.getFromRouteId(),
                    HubHeaders.ACTOR, poll.getSourceName(),
                    HubHeaders.CHARSET, "UTF-8",
                    FhirHeaders.RESOURCE_TYPE, type,
                    FhirHeaders.RESOURCE_ID, id,
                    FhirHeaders.VERSION_ID, versionId)));
            if (updated != null) {
                next = next.advancedBy(updated, version);
            }
        }
        // the page's receipt was recorded when the search or page load returned (AuditEventNotifier,
        // step received, naming the fhir endpoint)
        if (!records.isEmpty() || !next.equals(cursor)) {
            committer.commit(type, records, next);
            audit.recordStep(exchange, "published");
        }
        exchange.getMessage().setHeader(PUBLISHED, records.size());
        LOG.debug("Polled {} page: {} new versions, {} already committed", type, records.size(), skipped);
    }

    /** True when the page has a {@code next} link to follow. */
    public boolean hasNextPage(Exchange exchange) {
        Bundle page = exchange.getMessage().getBody(Bundle.class);
        return page != null && page.getLink(Bundle.LINK_NEXT) != null;
    }

    /** Ends the paging loop: the body becomes empty. */
    public Object lastPage() {
        return null;
    }

    /**
     * A poll that failed (EHR unreachable, a page it could not read, Kafka down) is reported by
     * reason only, and the committer forgets its state, so the next poll restarts from the durable
     * cursor. Nothing was committed for the failed page.
     */
    public void failed(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String reason = cause == null ? "FHIR_POLL_FAILED" : "FHIR_POLL_" + simpleName(cause);
        exchange.getMessage().setHeader(HubHeaders.REASON_CODE, reason);
        exchange.getMessage().setHeader(HubHeaders.OUTCOME, "error");
        committer.forget();
        // by class only: client exceptions can quote the EHR's answer
        LOG.warn("FHIR poll of {} stopped: {}; next poll resumes from the committed cursor",
                exchange.getMessage().getHeader(FhirHeaders.RESOURCE_TYPE, "-", String.class),
                cause == null ? "-" : cause.getClass().getName());
    }

    private static String simpleName(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String name = root.getClass().getSimpleName().replaceAll("[^A-Za-z0-9]", "");
        return name.isEmpty() ? "FAILED" : name.toUpperCase(java.util.Locale.ROOT);
    }

    /** Header: how many new versions the last page published. */
    public static final String PUBLISHED = "hubFhirPublished";
}
