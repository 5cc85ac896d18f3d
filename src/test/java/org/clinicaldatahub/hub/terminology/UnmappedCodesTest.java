package org.clinicaldatahub.hub.terminology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.clinicaldatahub.hub.HubHeaders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The work queue and metrics as the mapper fills them: counts, first/last seen, the reasons, the
 * sending system, only codes (the fixtures carry fake PHI that must not appear), a bound on the
 * number of distinct codes, and the Kafka record layout.
 */
class UnmappedCodesTest {

    private static TerminologyTestSupport terminology;

    @BeforeAll
    static void start() {
        terminology = TerminologyTestSupport.shipped().start();
    }

    @AfterAll
    static void stop() {
        terminology.stop();
    }

    @Test
    void everySightingIsCountedPerCodeWithReasonAndSenderButNoPatientData() throws Exception {
        for (int i = 0; i < 3; i++) {
            map("oru-r01-local-lab");
        }
        map("adt-a08-icd9-icd10");
        List<UnmappedCode> open = terminology.unmappedCodes.open();
        UnmappedCode mystery = find(open, "XYZ");
        assertThat(mystery.count()).isEqualTo(3);
        assertThat(mystery.reason()).isEqualTo("unmapped");
        assertThat(mystery.display()).isEqualTo("Mystery test");
        assertThat(mystery.sources()).containsExactly("LAB^NORTH");
        assertThat(mystery.firstSeen()).isBeforeOrEqualTo(mystery.lastSeen());
        assertThat(find(open, "PANEL").targetSystem()).isEqualTo("http://loinc.org");
        assertThat(find(open, "428.0")).extracting(UnmappedCode::reason, UnmappedCode::candidates)
                .containsExactly("ambiguous", List.of("I50814", "I509"));
        assertThat(find(open, "073.0").candidates()).containsExactly("A70+J17");
        assertThat(find(open, "365.70").reason()).isEqualTo("no-map");
        assertThat(find(open, "E11.999").reason()).isEqualTo("unknown-code");
        String json = new ObjectMapper().findAndRegisterModules().writeValueAsString(open);
        assertThat(json).doesNotContain("TESTPATIENT", "PAT001", "PAT002", "FAKE STREET", "19700101", "haemolysed");

        Counter mapped = terminology.registry.find(TerminologyMetrics.NAME).tag("source", "LAB^NORTH").tag("outcome", "mapped")
                .tag("system", "http://north-hospital.example.org/fhir/CodeSystem/lab").counter();
        assertThat(mapped.count()).isEqualTo(6.0); // GLU and K, three times
        Counter unmapped = terminology.registry.find(TerminologyMetrics.NAME).tag("source", "LAB^NORTH").tag("result", "unmapped")
                .tag("system", "http://north-hospital.example.org/fhir/CodeSystem/lab").counter();
        assertThat(unmapped.count()).isEqualTo(6.0); // XYZ and PANEL
        assertThat(terminology.registry.find(TerminologyMetrics.NAME).tag("source", "ADT^NORTH").tag("outcome", "combination")
                .counter().count()).isEqualTo(1.0);
    }

    @Test
    void changedEntriesAreDrainedOnceAndBecomeKafkaRecordsKeyedByNodeAndCode() throws Exception {
        Clock clock = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);
        UnmappedCodes queue = new UnmappedCodes(10, "node-a", clock);
        Translation unmapped = Translation.of(MappingOutcome.UNMAPPED, "http://loinc.org", List.of());
        queue.record(new SourceCoding("urn:x", "C1", "Code one"), unmapped, "APP^FAC");
        queue.record(new SourceCoding("urn:x", "C1", "Code one"), unmapped, "APP^FAC");
        assertThat(queue.drainChanged()).hasSize(1);
        assertThat(queue.drainChanged()).isEmpty();
        queue.record(new SourceCoding("urn:x", "C1", "Code one"), unmapped, "APP^FAC");
        UnmappedCode changed = queue.drainChanged().get(0);
        assertThat(changed.count()).isEqualTo(3);

        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setBody(changed);
        queue.toKafkaRecord(exchange);
        assertThat(exchange.getMessage().getHeader(KafkaConstants.KEY)).isEqualTo("node-a|urn:x|C1|http://loinc.org");
        JsonNode value = new ObjectMapper().readTree(exchange.getMessage().getBody(byte[].class));
        assertThat(value.get("count").asLong()).isEqualTo(3);
        assertThat(value.get("firstSeen").asText()).isEqualTo("2026-11-22T10:00:00Z");
        assertThat(value.get("open").asBoolean()).isTrue();

        UnmappedCodes restarted = new UnmappedCodes(10, "node-a", clock);
        restarted.record(new SourceCoding("urn:x", "C1", "Code one"), unmapped, "OTHER^FAC");
        restarted.restore(UnmappedCodes.fromJson(exchange.getMessage().getBody(byte[].class)));
        UnmappedCode merged = restarted.open().get(0);
        assertThat(merged.count()).as("restored 3 + 1 since the restart").isEqualTo(4);
        assertThat(merged.sources()).containsExactly("APP^FAC", "OTHER^FAC");
    }

    @Test
    void theQueueIsBoundedButKeepsCountingKnownCodes() {
        UnmappedCodes queue = new UnmappedCodes(2, "node-a", Clock.systemUTC());
        Translation unmapped = Translation.of(MappingOutcome.UNMAPPED, "http://loinc.org", List.of());
        for (String code : new String[] {"A", "B", "C", "A"}) {
            queue.record(new SourceCoding("urn:x", code, "x".repeat(500)), unmapped, "S");
        }
        assertThat(queue.open()).extracting(UnmappedCode::code).containsExactly("A", "B");
        assertThat(queue.droppedCount()).isEqualTo(1);
        assertThat(queue.open().get(0).display()).hasSize(UnmappedCodes.MAX_DISPLAY);
    }

    private static UnmappedCode find(List<UnmappedCode> codes, String code) {
        return codes.stream().filter(c -> c.code().equals(code)).findFirst().orElseThrow(() -> new AssertionError(code + " not queued"));
    }

    private static void map(String fixture) throws Exception {
        Path input = Path.of("src/test/resources/fixtures/terminology", fixture, "input.hl7");
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setBody(Files.readString(input).replace("\n", "\r").getBytes(StandardCharsets.UTF_8));
        exchange.getMessage().setHeader(HubHeaders.CHARSET, "UTF-8");
        terminology.mapTerminology.process(exchange);
    }
}
