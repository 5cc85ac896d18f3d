package org.clinicaldatahub.hub.fhir;

import java.io.IOException;
import java.io.InputStream;
import java.security.Principal;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.clinicaldatahub.hub.HubHeaders;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The HTTP side of the inbound FHIR endpoint, behind the hub's login: it reads at most
 * {@code hub.fhir.inbound.max-body-bytes + 1} bytes of the body (a larger body is never held in
 * memory whole) and hands the request to the YAML route {@code fhir-inbound-rest}, which decides
 * and answers. Spring MVC is used instead of an HTTP consumer in the route so the endpoint sits
 * under the same Spring Security filter chain as every other HTTP endpoint of the hub.
 */
@RestController
@RequestMapping("/fhir")
public class FhirRestController {

    /** The route the requests are handed to. */
    static final String ROUTE_ENDPOINT = "direct:fhir-inbound-rest";

    private final ProducerTemplate camel;
    private final FhirContext fhir;
    private final int maxBodyBytes;

    public FhirRestController(ProducerTemplate producerTemplate, FhirProperties properties) {
        this.camel = producerTemplate;
        this.fhir = FhirContext.forR4Cached();
        this.maxBodyBytes = properties.getInbound().getMaxBodyBytes();
    }

    /** Batch or transaction Bundle at the base URL. */
    @PostMapping
    public ResponseEntity<byte[]> batch(HttpServletRequest request, Principal user) throws IOException {
        return handOver(request, user, "POST", null, null);
    }

    /** Create: {@code POST /fhir/Patient}. */
    @PostMapping("/{type}")
    public ResponseEntity<byte[]> create(@PathVariable String type, HttpServletRequest request, Principal user)
            throws IOException {
        return handOver(request, user, "POST", type, null);
    }

    /** Update: {@code PUT /fhir/Patient/123}. */
    @PutMapping("/{type}/{id}")
    public ResponseEntity<byte[]> update(@PathVariable String type, @PathVariable String id,
            HttpServletRequest request, Principal user) throws IOException {
        return handOver(request, user, "PUT", type, id);
    }

    private ResponseEntity<byte[]> handOver(HttpServletRequest request, Principal user, String method, String type,
            String id) throws IOException {
        byte[] body = readAtMost(request.getInputStream(), maxBodyBytes + 1);
        Exchange done = camel.send(ROUTE_ENDPOINT, exchange -> {
            var in = exchange.getMessage();
            in.setBody(body);
            in.setHeader(FhirHeaders.METHOD, method);
            in.setHeader(FhirHeaders.PATH_TYPE, type);
            in.setHeader(FhirHeaders.PATH_ID, id);
            in.setHeader(FhirHeaders.CONTENT_TYPE, request.getContentType());
            in.setHeader(FhirHeaders.ACCEPT, request.getHeader(HttpHeaders.ACCEPT));
            in.setHeader(HubHeaders.ACTOR, user == null ? "anonymous" : user.getName());
        });
        var out = done.getMessage();
        Integer status = out.getHeader(FhirHeaders.RESPONSE_STATUS, Integer.class);
        if (done.getException() != null || status == null) {
            // the route's own error handling failed: still answer like a FHIR server
            FhirRejection failed = new FhirRejection("FHIR_INTERNAL_ERROR", 500, "exception",
                    "The hub failed to process the request; nothing was kept");
            return ResponseEntity.status(500).header(HttpHeaders.CONTENT_TYPE, FhirFormat.JSON.mediaType())
                    .body(fhir.newJsonParser().encodeResourceToString(FhirAnswers.operationOutcome(failed))
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        ResponseEntity.BodyBuilder answer = ResponseEntity.status(status)
                .header(HttpHeaders.CONTENT_TYPE, out.getHeader(FhirHeaders.CONTENT_TYPE, String.class));
        String location = out.getHeader(FhirHeaders.LOCATION, String.class);
        if (location != null) {
            answer.header(HttpHeaders.LOCATION, location);
        }
        return answer.body(out.getBody(byte[].class));
    }

    private static byte[] readAtMost(InputStream in, int limit) throws IOException {
        return in.readNBytes(limit);
    }
}
