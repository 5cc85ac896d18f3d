package org.clinicaldatahub.hub.fhir;

import java.util.Date;

import ca.uhn.fhir.context.FhirContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.clinicaldatahub.hub.HubHeaders;
import org.clinicaldatahub.hub.audit.AuditUnavailableException;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryResponseComponent;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * How the inbound endpoint answers, as a FHIR server would (FHIR R4 http.html): a create answers
 * 201 with the resource and its Location, an update 200; a batch or transaction answers 200 with a
 * {@code batch-response} / {@code transaction-response} Bundle whose entries say {@code 201 Created}
 * or {@code 200 OK} and where each resource now is; anything refused answers 4xx (5xx when the hub
 * itself failed) with an OperationOutcome naming the problem. The answer comes in the format the
 * Accept header asks for, else the request's own.
 */
@Component("fhirAnswers")
public class FhirAnswers {

    private static final Logger LOG = LoggerFactory.getLogger(FhirAnswers.class);

    private final FhirContext fhir;

    public FhirAnswers() {
        this.fhir = FhirContext.forR4Cached();
    }

    /**
     * Turns the caught exception into the reason code and status of the answer, and puts the bytes
     * as received back as the body, so the quarantine keeps what the sender sent.
     */
    public void classify(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        FhirRejection rejection = rejection(cause);
        Message in = exchange.getMessage();
        in.setHeader(HubHeaders.REASON_CODE, rejection.reasonCode());
        in.setHeader(HubHeaders.OUTCOME, rejection.httpStatus() >= 500 ? "error" : "rejected");
        in.setHeader(FhirHeaders.RESPONSE_STATUS, rejection.httpStatus());
        exchange.setProperty(FHIR_REJECTION, rejection);
        byte[] received = exchange.getProperty(FhirHeaders.RECEIVED_BYTES, byte[].class);
        if (received == null) {
            received = in.getBody(byte[].class);
        }
        in.setBody(received == null ? new byte[0] : received);
        if (rejection.httpStatus() >= 500) {
            // by class and reason only: the exception message may quote the payload
            LOG.warn("FHIR request {} not accepted: {} ({})", exchange.getExchangeId(), rejection.reasonCode(),
                    cause == null ? "-" : cause.getClass().getSimpleName());
        }
    }

    /** The OperationOutcome answer for the classified refusal. */
    public void reject(Exchange exchange) {
        FhirRejection rejection = exchange.getProperty(FHIR_REJECTION, FhirRejection.class);
        if (rejection == null) {
            rejection = rejection(null);
        }
        Message in = exchange.getMessage();
        FhirFormat format = answerFormat(in);
        OperationOutcome outcome = operationOutcome(rejection);
        in.setHeader(FhirHeaders.RESPONSE_STATUS, rejection.httpStatus());
        in.setHeader(FhirHeaders.CONTENT_TYPE, format.mediaType() + ";charset=UTF-8");
        in.setBody(format.newParser(fhir).encodeResourceToString(outcome));
    }

    /** The positive answer, once the resources are committed and the trail is on disk. */
    public void accept(Exchange exchange) {
        InboundRequest request = exchange.getProperty(FhirHeaders.REQUEST, InboundRequest.class);
        Message in = exchange.getMessage();
        FhirFormat format = FhirFormat.ofAccept(in.getHeader(FhirHeaders.ACCEPT, String.class), request.format());
        Resource answer;
        int status;
        switch (request.kind()) {
            case CREATE, UPDATE -> {
                InboundRequest.Entry entry = request.entries().get(0);
                answer = entry.resource();
                status = entry.created() ? 201 : 200;
                in.setHeader(FhirHeaders.LOCATION, entry.location());
            }
            default -> {
                answer = responseBundle(request);
                status = 200;
            }
        }
        in.setHeader(FhirHeaders.RESPONSE_STATUS, status);
        in.setHeader(FhirHeaders.CONTENT_TYPE, format.mediaType() + ";charset=UTF-8");
        in.setHeader(HubHeaders.OUTCOME, "success");
        in.setBody(format.newParser(fhir).encodeResourceToString(answer));
    }

    private static Bundle responseBundle(InboundRequest request) {
        Bundle bundle = new Bundle();
        bundle.setType(request.kind() == InboundRequest.Kind.TRANSACTION ? Bundle.BundleType.TRANSACTIONRESPONSE
                : Bundle.BundleType.BATCHRESPONSE);
        bundle.setTimestamp(new Date());
        for (InboundRequest.Entry entry : request.entries()) {
            BundleEntryResponseComponent response = bundle.addEntry().getResponse();
            response.setStatus(entry.created() ? "201 Created" : "200 OK");
            response.setLocation(entry.location());
            response.setLastModified(entry.resource().getMeta().getLastUpdated());
        }
        return bundle;
    }

    static OperationOutcome operationOutcome(FhirRejection rejection) {
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue()
                .setSeverity(rejection.httpStatus() >= 500 ? IssueSeverity.FATAL : IssueSeverity.ERROR)
                .setCode(IssueType.fromCode(rejection.issueCode()))
                .setDiagnostics(rejection.getMessage())
                .getDetails().addCoding().setSystem(REASON_SYSTEM).setCode(rejection.reasonCode());
        return outcome;
    }

    private static FhirFormat answerFormat(Message in) {
        FhirFormat request = FhirFormat.ofContentType(in.getHeader(FhirHeaders.CONTENT_TYPE, String.class))
                .orElse(FhirFormat.JSON);
        return FhirFormat.ofAccept(in.getHeader(FhirHeaders.ACCEPT, String.class), request);
    }

    private static FhirRejection rejection(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof FhirRejection rejection) {
                return rejection;
            }
            if (t instanceof AuditUnavailableException) {
                return new FhirRejection("AUDIT_UNAVAILABLE", 503, "transient",
                        "The hub cannot record the request in its audit trail; retry later");
            }
            if (t instanceof org.apache.kafka.common.KafkaException
                    || t instanceof java.util.concurrent.ExecutionException
                    || t instanceof java.util.concurrent.TimeoutException) {
                return new FhirRejection("FHIR_NOT_COMMITTED", 503, "transient",
                        "The hub could not commit the resources; nothing was kept, retry later");
            }
        }
        return new FhirRejection("FHIR_INTERNAL_ERROR", 500, "exception",
                "The hub failed to process the request; nothing was kept");
    }

    /** Code system of the hub's reason codes in OperationOutcome.issue.details. */
    public static final String REASON_SYSTEM = "urn:clinicaldatahub:reason-code";

    private static final String FHIR_REJECTION = "hubFhirRejection";
}
