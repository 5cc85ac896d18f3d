package org.clinicaldatahub.hub.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import com.fasterxml.jackson.databind.JsonNode;
import org.clinicaldatahub.hub.audit.internal.CanonicalJson;
import org.junit.jupiter.api.Test;

/** The event line: canonical form and what may (not) go into it. */
class AuditEventTest {

    private static final String PREV = "7d509f78e1ed91b8070ed1ca16d1f82ecc3750ab68af0952eb9f128ae9f5883e";

    @Test
    void lineIsCanonicalJsonWithSortedKeysAndNoNulls() throws Exception {
        AuditEvent event = AuditEvent.builder(AuditStep.STORED)
                .route("dicom-inbound-cstore")
                .actor("MODALITY_CT1")
                .ref(AuditRef.SOP_INSTANCE_UID, "1.2.840.113619.2.55.3.604688119")
                .ref(AuditRef.BUCKET, "raw")
                .ref(AuditRef.OBJECT_KEY, "dicom/2026/11/03/1.2.840.113619.2.55.3.604688119.dcm")
                .at(Instant.parse("2026-11-03T10:15:30Z"))
                .build("hub-1", 42, PREV, Instant.now());

        String line = new String(event.toCanonicalJson(), StandardCharsets.UTF_8);

        assertThat(line).doesNotContain(" ", "\n", "null").startsWith("{\"actor\":\"MODALITY_CT1\",\"id\":\"");
        assertThat(line).contains("\"refs\":{\"bucket\":\"raw\",\"objectKey\":\"dicom/2026/11/03/"
                + "1.2.840.113619.2.55.3.604688119.dcm\",\"sopInstanceUid\":\"1.2.840.113619.2.55.3.604688119\"}");
        assertThat(line).contains("\"time\":\"2026-11-03T10:15:30.000Z\"", "\"seq\":42", "\"outcome\":\"success\"",
                "\"step\":\"stored\"", "\"type\":\"event\",\"v\":1}");
        assertThat(keys(CanonicalJson.readTree(line))).isSorted()
                .containsExactly("actor", "id", "node", "outcome", "prev", "refs", "route", "seq", "step", "time", "type", "v");
        assertThat(event.id()).matches("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        assertThat(AuditEvent.parse(line).toCanonicalJson()).isEqualTo(event.toCanonicalJson());
    }

    /**
     * The log renders lines with a hand-written writer (outside its lock) and reads them with
     * Jackson: both must agree byte for byte, or verification would fail on the next read.
     */
    @Test
    void renderedLineIsExactlyWhatTheJsonLibraryWritesForTheSameEvent() throws Exception {
        java.util.Random random = new java.util.Random(20261206);
        String[] texts = {"LAB^HOSP", "a\\b", "quote\"inside", "Zürich – Ünïcödé", "emoji \uD83D\uDE00 ok", "",
                "MODALITY_CT1", "x".repeat(1024), "/path?with=query&and#fragment", "<script>"};
        AuditStep[] steps = AuditStep.values();
        AuditRef[] refs = AuditRef.values();
        for (int n = 0; n < 2_000; n++) {
            AuditEvent.Builder builder = AuditEvent.builder(steps[random.nextInt(steps.length)]);
            if (random.nextBoolean()) {
                builder.route("route-" + random.nextInt(50));
            }
            if (random.nextBoolean()) {
                builder.actor(texts[random.nextInt(texts.length)]);
            }
            if (random.nextBoolean()) {
                builder.checksum(PREV);
            }
            if (random.nextInt(4) == 0) {
                builder.reason("REASON_" + random.nextInt(9));
            }
            if (random.nextInt(5) == 0) {
                builder.outcome(AuditOutcome.values()[random.nextInt(AuditOutcome.values().length)]);
            }
            for (int r = random.nextInt(4); r > 0; r--) {
                builder.ref(refs[random.nextInt(refs.length)], texts[random.nextInt(texts.length)]);
            }
            Instant at = Instant.ofEpochMilli(1_700_000_000_000L + random.nextInt(1_000_000_000));
            builder.at(at);
            long seq = 1 + random.nextInt(Integer.MAX_VALUE);

            byte[] rendered = builder.template("hub-1", Instant.now()).line(seq, PREV);
            AuditEvent parsed = AuditEvent.parse(new String(rendered, StandardCharsets.UTF_8));

            assertThat(new String(rendered, StandardCharsets.UTF_8))
                    .isEqualTo(new String(CanonicalJson.write(parsed), StandardCharsets.UTF_8));
            assertThat(parsed.seq()).isEqualTo(seq);
            assertThat(parsed.prev()).isEqualTo(PREV);
            assertThat(parsed.time()).isEqualTo(java.time.format.DateTimeFormatter
                    .ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(java.time.ZoneOffset.UTC).format(at));
        }
    }

    @Test
    void outcomeFollowsTheStepUnlessGiven() {
        assertThat(AuditEvent.builder(AuditStep.REJECTED).build("n", 1, PREV, Instant.now()).outcome())
                .isEqualTo(AuditOutcome.REJECTED);
        assertThat(AuditEvent.builder(AuditStep.ERROR).build("n", 1, PREV, Instant.now()).outcome())
                .isEqualTo(AuditOutcome.ERROR);
        assertThat(AuditEvent.builder(AuditStep.FORWARDED).outcome(AuditOutcome.ERROR).build("n", 1, PREV, Instant.now())
                .outcome()).isEqualTo(AuditOutcome.ERROR);
    }

    @Test
    void valuesThatCouldCarryFreeTextAreRefusedWithoutEchoingThem() {
        String phi = "DOE^JOHN\r123-45-6789";
        assertThatThrownBy(() -> AuditEvent.builder(AuditStep.RECEIVED).ref(AuditRef.CONTROL_ID, phi))
                .isInstanceOf(IllegalArgumentException.class).message().doesNotContain("DOE", "6789");
        assertThatThrownBy(() -> AuditEvent.builder(AuditStep.REJECTED).reason("Patient DOE JOHN not found"))
                .isInstanceOf(IllegalArgumentException.class).message().doesNotContain("DOE");
        assertThatThrownBy(() -> AuditEvent.builder(AuditStep.RECEIVED).route("route with spaces"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AuditEvent.builder(AuditStep.RECEIVED).checksum("not-a-sha256"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AuditEvent.builder(AuditStep.RECEIVED).actor("x".repeat(2000)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AuditRef.fromWireName("patientName")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void routeIdsAndReasonCodesAreTokensOfTheirOwnAlphabetAndLength() {
        assertThat(AuditEvent.Builder.isValidRoute("hl7-inbound-mllp")).isTrue();
        assertThat(AuditEvent.Builder.isValidRoute("a.b_c:d/e-F9")).isTrue();
        assertThat(AuditEvent.Builder.isValidRoute("r".repeat(200))).isTrue();
        assertThat(AuditEvent.Builder.isValidRoute("r".repeat(201))).isFalse();
        assertThat(AuditEvent.Builder.isValidRoute("")).isFalse();
        assertThat(AuditEvent.Builder.isValidRoute(null)).isFalse();
        assertThat(AuditEvent.Builder.isValidRoute("route with spaces")).isFalse();
        assertThat(AuditEvent.Builder.isValidRoute("müller")).isFalse();
        assertThat(AuditEvent.Builder.isValidRoute("a\nb")).isFalse();

        assertThat(AuditEvent.Builder.isValidReason("HL7_PARSE_ERROR:MSH-9.x")).isTrue();
        assertThat(AuditEvent.Builder.isValidReason("c".repeat(64))).isTrue();
        assertThat(AuditEvent.Builder.isValidReason("c".repeat(65))).isFalse();
        // a slash belongs to route ids (paths of REST routes), not to reason codes
        assertThat(AuditEvent.Builder.isValidReason("a/b")).isFalse();
        assertThat(AuditEvent.Builder.isValidReason("")).isFalse();
        assertThatThrownBy(() -> AuditEvent.builder(AuditStep.REJECTED).reason("a/b"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void checksumIsNormalisedToLowerCase() {
        String upper = "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08";
        assertThat(AuditEvent.builder(AuditStep.RECEIVED).checksum(upper).build("n", 1, PREV, Instant.now()).checksum())
                .isEqualTo(upper.toLowerCase());
    }

    @Test
    void stepsParseFromTheirWireNames() {
        assertThat(AuditStep.fromWireName("key-generated")).isEqualTo(AuditStep.KEY_GENERATED);
        assertThat(AuditStep.fromWireName("DEIDENTIFIED")).isEqualTo(AuditStep.DEIDENTIFIED);
        assertThatThrownBy(() -> AuditStep.fromWireName("deleted")).isInstanceOf(IllegalArgumentException.class);
    }

    private static List<String> keys(JsonNode node) {
        List<String> keys = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            keys.add(it.next());
        }
        return keys;
    }
}
