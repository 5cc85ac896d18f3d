package org.clinicaldatahub.hub.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.clinicaldatahub.hub.HubHeaders;
import org.clinicaldatahub.hub.audit.internal.CanonicalJson;
import org.clinicaldatahub.hub.audit.internal.ExchangeAuditMapper;
import org.junit.jupiter.api.Test;

/** An event built from an exchange serialises the hub reference headers and nothing else. */
class AuditPhiGuardTest {

    private static final String PREV = "7d509f78e1ed91b8070ed1ca16d1f82ecc3750ab68af0952eb9f128ae9f5883e";

    @Test
    void onlyTheHubReferenceHeadersReachTheLine() throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            Exchange exchange = new DefaultExchange(camel);
            exchange.getMessage().setBody("PID|||123-45-6789||DOE^JOHN||19450704");
            exchange.getMessage().setHeader(HubHeaders.CONTROL_ID, "MSG0001");
            exchange.getMessage().setHeader(HubHeaders.BUCKET, "raw");
            exchange.getMessage().setHeader(HubHeaders.REASON_CODE, "HL7_NO_MSH");
            exchange.getMessage().setHeader("PatientName", "DOE^JOHN");
            exchange.getMessage().setHeader("PatientSsn", "123-45-6789");
            exchange.getMessage().setHeader("hubPatientName", "DOE^JOHN");
            exchange.getMessage().setHeader("CamelFileName", "DOE_JOHN_19450704.hl7");
            exchange.getMessage().setHeader(HubHeaders.PATIENT_PSEUDONYM, List.of("DOE^JOHN"));
            exchange.setException(new IllegalStateException("patient DOE^JOHN 123-45-6789 unknown"));

            byte[] line = ExchangeAuditMapper.toEvent(AuditStep.REJECTED, exchange, "hl7-inbound-mllp")
                    .build("hub-1", 7, PREV, Instant.now()).toCanonicalJson();

            String text = new String(line, StandardCharsets.UTF_8);
            assertThat(text).doesNotContain("DOE", "JOHN", "123-45-6789", "19450704", "PatientName", "Ssn", "PID");
            JsonNode event = CanonicalJson.readTree(text);
            assertThat(names(event)).containsExactly("id", "node", "outcome", "prev", "reason", "refs", "route", "seq",
                    "step", "time", "type", "v");
            assertThat(names(event.get("refs"))).containsExactly("bucket", "controlId", "exchangeId");
            assertThat(event.get("reason").asText()).isEqualTo("HL7_NO_MSH");
        }
    }

    @Test
    void aReasonHeaderHoldingFreeTextIsReplacedByAMarker() throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            Exchange exchange = new DefaultExchange(camel);
            exchange.getMessage().setHeader(HubHeaders.REASON_CODE, "Patient DOE^JOHN has no MRN");

            String text = new String(ExchangeAuditMapper.toEvent(AuditStep.REJECTED, exchange, "r")
                    .build("hub-1", 1, PREV, Instant.now()).toCanonicalJson(), StandardCharsets.UTF_8);

            assertThat(text).contains("\"reason\":\"" + ExchangeAuditMapper.INVALID_REASON + "\"").doesNotContain("DOE");
        }
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
