package org.clinicaldatahub.hub.deid;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.clinicaldatahub.hub.HubHeaders;
import org.clinicaldatahub.hub.audit.AuditProperties;
import org.clinicaldatahub.hub.audit.AuditRecorder;
import org.clinicaldatahub.hub.storage.Quarantine;
import org.junit.jupiter.api.Test;

/**
 * The batch steps of the HL7 v2 research feed without Kafka: refused records (de-identification
 * or mapping) are quarantined with their reason and audited, the rest of the batch is published
 * in order, every record has its own events, and the commit covers each source partition's last record.
 */
class ResearchFeedTest {

    private static final String ROUTE = "deid-internal-hl7";

    private final CamelContext camel = new DefaultCamelContext();
    private final List<String> events = new ArrayList<>();
    private final List<String> quarantined = new ArrayList<>();
    private final List<String> commits = new ArrayList<>();

    @Test
    void refusalsAreQuarantinedAndTheRestOfTheBatchIsPublishedInOrder() throws Exception {
        String a08 = Files.readString(Path.of("src/test/resources/fixtures/deid/adt-a08/input.hl7"));
        List<Exchange> records = List.of(
                record(a08.replace("4711^^^HOSP^MR", "1001^^^HOSP^MR"), 0, 10),
                record("this is not HL7", 0, 11),
                record(a08.replace("4711^^^HOSP^MR", "1002^^^HOSP^MR"), 1, 7), // mapping fails
                record(a08.replace("4711^^^HOSP^MR", "1003^^^HOSP^MR"), 1, 8),
                record(a08.replace("4711^^^HOSP^MR", "1001^^^HOSP^MR").replace("MSG00002", "SECOND"), 0, 12));
        Exchange batch = new DefaultExchange(camel);
        batch.getExchangeExtension().setFromRouteId(ROUTE);
        batch.getMessage().setBody(records);
        batch.getMessage().setHeader(HubHeaders.CHANNEL, ROUTE);

        ResearchFeed feed = feed();
        feed.deidentifyAndMap(batch, "safe-harbor");

        @SuppressWarnings("unchecked")
        List<Exchange> research = batch.getMessage().getBody(List.class);
        Pseudonymizer pseudonymizer = DeidTestSupport.pseudonymizer();
        assertThat(research).extracting(e -> e.getMessage().getHeader(KafkaConstants.KEY))
                .containsExactly(pseudonymizer.patient("1001", "HOSP"), pseudonymizer.patient("1003", "HOSP"),
                        pseudonymizer.patient("1001", "HOSP"));
        assertThat(research).allSatisfy(e -> {
            assertThat(e.getMessage().getHeader("hubSourceRef", String.class)).startsWith("hub.hl7.inbound/");
            assertThat(e.getMessage().getHeader(HubHeaders.CONTROL_ID)).isNull();
            assertThat(new String(e.getMessage().getBody(byte[].class), StandardCharsets.UTF_8)).doesNotContain("^^^HOSP^MR");
        });
        assertThat(quarantined).containsExactly("DEID_UNPARSEABLE:this is not HL7", "MAPPING_FAILED:identified");
        assertThat(batch.getProperty(AuditRecorder.AUDITED_PER_RECORD, Boolean.class)).isTrue();

        feed.published(batch, "hub.deid.hl7");
        feed.commit(batch);

        assertThat(events).containsExactly(
                "received", "deidentified", "mapped",
                "received", "rejected DEID_UNPARSEABLE",
                "received", "deidentified", "rejected MAPPING_FAILED",
                "received", "deidentified", "mapped",
                "received", "deidentified", "mapped",
                "published kafka:hub.deid.hl7", "published kafka:hub.deid.hl7", "published kafka:hub.deid.hl7");
        assertThat(commits).as("each partition up to its last record of the batch").containsExactly("0@12", "1@8");
    }

    private ResearchFeed feed() throws Exception {
        Deidentifier deidentifier = new Deidentifier(DeidTestSupport.profiles(), DeidTestSupport.hl7(),
                new FhirDeidentifier(DeidTestSupport.pseudonymizer(), DeidTestSupport.CLOCK), new DeidStatistics(), "test");
        Processor mapping = exchange -> {
            if ("C7".equals(exchange.getMessage().getHeader(HubHeaders.CONTROL_ID))) {
                throw new IllegalArgumentException("terminology mapping: the HL7 v2 body does not parse (HL7Exception)");
            }
        };
        Quarantine quarantine = new Quarantine(null) {
            @Override
            public void keep(Exchange exchange) {
                String body = exchange.getMessage().getBody(String.class);
                quarantined.add(exchange.getMessage().getHeader(HubHeaders.REASON_CODE) + ":"
                        + (body.contains("^^^HOSP^MR") ? "identified" : body));
            }
        };
        AuditProperties off = new AuditProperties();
        off.setEnabled(false);
        AuditRecorder audit = new AuditRecorder(off) {
            @Override
            public void recordStep(Exchange record, String step, String routeId, String endpoint) {
                assertThat(routeId).isEqualTo(ROUTE);
                String reason = record.getMessage().getHeader(HubHeaders.REASON_CODE, String.class);
                events.add(step + ("rejected".equals(step) ? " " + reason : "") + (endpoint == null ? "" : " " + endpoint));
            }
        };
        return new ResearchFeed(deidentifier, mapping, quarantine, audit);
    }

    private Exchange record(String text, int partition, long offset) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getExchangeExtension().setFromRouteId(ROUTE);
        exchange.getMessage().setBody(text.getBytes(StandardCharsets.UTF_8));
        exchange.getMessage().setHeader(HubHeaders.CONTROL_ID, "C" + offset);
        exchange.getMessage().setHeader(KafkaConstants.TOPIC, "hub.hl7.inbound");
        exchange.getMessage().setHeader(KafkaConstants.PARTITION, partition);
        exchange.getMessage().setHeader(KafkaConstants.OFFSET, offset);
        exchange.getMessage().setHeader(KafkaConstants.KEY, "MRN");
        KafkaManualCommit commit = () -> commits.add(partition + "@" + offset);
        exchange.getMessage().setHeader(KafkaConstants.MANUAL_COMMIT, commit);
        return exchange;
    }
}
