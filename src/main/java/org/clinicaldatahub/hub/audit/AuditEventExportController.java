package org.clinicaldatahub.hub.audit;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/audit/AuditEvent?date=ge<instant>&date=lt<instant>&_count=N[&_after=seq]}: this node's audit
 * events in a time range as a FHIR R4 searchset Bundle of AuditEvent resources (BALP-shaped), for
 * a SIEM or a compliance officer. Login required like every hub endpoint; each search is itself
 * recorded as a {@code read} event naming the user.
 */
@RestController
@ConditionalOnProperty(name = "hub.audit.enabled", havingValue = "true", matchIfMissing = true)
public class AuditEventExportController {

    static final String FHIR_JSON = "application/fhir+json";
    private static final int DEFAULT_COUNT = 100;
    private static final int MAX_COUNT = 1000;

    private final AuditRecorder recorder;
    private final FhirContext fhir = FhirContext.forR4Cached();

    public AuditEventExportController(AuditRecorder recorder) {
        this.recorder = recorder;
    }

    @GetMapping(path = "/api/audit/AuditEvent", produces = {FHIR_JSON, MediaType.APPLICATION_JSON_VALUE})
    public ResponseEntity<String> search(@RequestParam(name = "date", required = false) List<String> dates,
            @RequestParam(name = "_count", required = false) Integer count,
            @RequestParam(name = "_after", required = false, defaultValue = "0") long afterSeq,
            Authentication user) throws IOException {
        Instant from = Instant.EPOCH;
        Instant to = Instant.now().plusSeconds(1);
        try {
            for (String date : dates == null ? List.<String>of() : dates) {
                if (date.startsWith("ge")) {
                    from = Instant.parse(date.substring(2));
                } else if (date.startsWith("lt")) {
                    to = Instant.parse(date.substring(2));
                } else {
                    return problem("date must be ge<instant> or lt<instant>, e.g. date=ge2026-11-22T00:00:00Z");
                }
            }
        } catch (DateTimeParseException e) {
            return problem("date is not an ISO-8601 instant, e.g. 2026-11-22T00:00:00Z");
        }
        int limit = count == null ? DEFAULT_COUNT : count;
        if (limit < 1 || limit > MAX_COUNT) {
            return problem("_count must be between 1 and " + MAX_COUNT);
        }
        AuditEventSearch.Page page = new AuditEventSearch(recorder.log().segmentsDir()).find(from, to, afterSeq, limit);
        Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET);
        for (AuditEvent event : page.events()) {
            bundle.addEntry().setResource(FhirAuditEvents.toFhir(event))
                    .getSearch().setMode(Bundle.SearchEntryMode.MATCH);
        }
        if (!page.more()) {
            bundle.setTotal(page.events().size());
        } else {
            // the next page continues after the last sequence number, so events of one millisecond are not repeated
            long last = page.events().get(page.events().size() - 1).seq();
            bundle.addLink().setRelation("next").setUrl("/api/audit/AuditEvent?date=ge" + from + "&date=lt" + to
                    + "&_count=" + limit + "&_after=" + last);
        }
        recorder.record(AuditEvent.builder(AuditStep.READ).route("api-audit-export").actor(user.getName())
                .ref(AuditRef.ENDPOINT, "/api/audit/AuditEvent"));
        return ResponseEntity.ok().contentType(MediaType.parseMediaType(FHIR_JSON))
                .body(fhir.newJsonParser().encodeResourceToString(bundle));
    }

    private ResponseEntity<String> problem(String diagnostics) {
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR)
                .setCode(OperationOutcome.IssueType.INVALID).setDiagnostics(diagnostics);
        return ResponseEntity.status(HttpStatus.BAD_REQUEST).contentType(MediaType.parseMediaType(FHIR_JSON))
                .body(fhir.newJsonParser().encodeResourceToString(outcome));
    }
}
