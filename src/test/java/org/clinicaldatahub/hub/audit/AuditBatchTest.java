package org.clinicaldatahub.hub.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.clinicaldatahub.hub.audit.AuditTestSupport.logIn;
import static org.clinicaldatahub.hub.audit.AuditTestSupport.segments;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.clinicaldatahub.hub.audit.internal.RecordHead;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shipping reads lines as bytes in blocks and their heads from the line's tail: same result as the full reading. */
class AuditBatchTest {

    @TempDir
    Path dir;

    private final AuditSigningKeys keys = AuditSigningKeys.ephemeral();

    @Test
    void theShippingHeadOfEveryLineTheHubWritesEqualsTheJsonParse() throws Exception {
        Random random = new Random(42);
        try (AuditLog log = logIn(dir, keys).checkpointEvery(37, Duration.ofHours(1)).open()) {
            for (int i = 0; i < 2_000; i++) {
                AuditEvent.Builder event = AuditEvent.builder(AuditStep.values()[random.nextInt(AuditStep.values().length)])
                        .route("route-" + random.nextInt(5));
                // reference values that look like the keys the tail is read by, quotes and all
                event.ref(AuditRef.CONTROL_ID, random.nextBoolean() ? ",\"seq\":" + random.nextInt(1000) + ",\"x" : "C" + i);
                if (random.nextBoolean()) {
                    event.ref(AuditRef.OBJECT_KEY, "a/\"to\":5,\"type\":\"checkpoint\",\"v\":1}");
                }
                if (random.nextInt(4) == 0) {
                    event.reason("R_" + i);
                }
                log.append(event);
                if (i % 50 == 49) {
                    log.flush(); // signs a checkpoint
                }
            }
            log.flush();
        }
        int events = 0;
        int checkpoints = 0;
        for (Path segment : segments(dir)) {
            for (String text : Files.readAllLines(segment, StandardCharsets.UTF_8)) {
                if (text.isEmpty() || text.charAt(0) == 0) {
                    continue;
                }
                byte[] line = text.getBytes(StandardCharsets.UTF_8);
                RecordHead parsed = RecordHead.read(line);
                RecordHead shipping = RecordHead.readShipping(line);
                assertThat(shipping.type()).isEqualTo(parsed.type());
                if (parsed.isCheckpoint()) {
                    assertThat(shipping.to()).isEqualTo(parsed.to());
                    checkpoints++;
                } else {
                    assertThat(shipping.seq()).isEqualTo(parsed.seq());
                    events++;
                }
            }
        }
        assertThat(events).isGreaterThan(2_000);
        assertThat(checkpoints).isGreaterThanOrEqualTo(40);
    }

    @Test
    void linesThatAreNotTheHubsCanonicalShapeAreReadByTheParser() {
        byte[] reordered = "{\"v\":1,\"type\":\"event\",\"seq\":12}".getBytes(StandardCharsets.US_ASCII);
        assertThat(RecordHead.readShipping(reordered).seq()).isEqualTo(12);
        byte[] spaced = "{\"seq\": 7,\"step\":\"received\",\"type\":\"event\",\"v\":1}".getBytes(StandardCharsets.US_ASCII);
        assertThat(RecordHead.readShipping(spaced).seq()).isEqualTo(7);
        assertThat(RecordHead.readShipping("not json,\"type\":\"event\",\"v\":1}".getBytes(StandardCharsets.US_ASCII))).isNull();
    }

    @Test
    void blocksKeepEveryLineInOrderAcrossBlockBoundariesAndCutBackToAMark() throws Exception {
        Random random = new Random(7);
        List<String> lines = new ArrayList<>();
        AuditBatch.Blocks blocks = new AuditBatch.Blocks();
        AuditBatch.Blocks.Mark mark = null;
        int keep = 0;
        for (int i = 0; i < 3_000; i++) {
            // mostly event-sized lines, some longer than a block
            int length = random.nextInt(50) == 0 ? 150_000 + random.nextInt(100_000) : 100 + random.nextInt(900);
            StringBuilder line = new StringBuilder(length);
            for (int c = 0; c < length; c++) {
                line.append((char) ('a' + random.nextInt(26)));
            }
            byte[] bytes = ("#" + i + line).getBytes(StandardCharsets.UTF_8);
            blocks.add(bytes, 0, bytes.length);
            lines.add("#" + i + line);
            if (i == 2_500) {
                mark = blocks.mark();
                keep = lines.size();
            }
        }
        blocks.truncate(mark);
        List<String> kept = lines.subList(0, keep);
        AuditBatch batch = AuditBatch.of("n", 1, keep, blocks);
        assertThat(batch.lineCount()).isEqualTo(keep);
        assertThat(batch.lines()).isEqualTo(kept);
        assertThat(batch.firstLine()).isEqualTo(kept.get(0));
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (String line : kept) {
            expected.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        }
        assertThat(batch.toBytes()).isEqualTo(expected.toByteArray());
        assertThat(batch.byteSize()).isEqualTo(expected.size());
        List<String> visited = new ArrayList<>();
        batch.forEachLine((bytes, offset, length) -> visited.add(new String(bytes, offset, length, StandardCharsets.UTF_8)));
        assertThat(visited).isEqualTo(kept);
    }
}
