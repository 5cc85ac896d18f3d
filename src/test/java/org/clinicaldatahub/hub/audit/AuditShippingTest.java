package org.clinicaldatahub.hub.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.clinicaldatahub.hub.audit.AuditTestSupport.logIn;
import static org.clinicaldatahub.hub.audit.AuditTestSupport.received;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The backlog a shipper sends: whole signed ranges after the cursor, the same bytes as the log. */
class AuditShippingTest {

    @TempDir
    Path dir;

    private final AuditSigningKeys keys = AuditSigningKeys.ephemeral();
    private final List<AuditBatch> shipped = new ArrayList<>();

    @Test
    void backlogIsShippedInSignedBatchesThatVerifyLikeTheLog(@TempDir Path bucket) throws Exception {
        try (AuditLog log = logIn(dir, keys).checkpointEvery(100, Duration.ofHours(1)).open()) {
            for (int i = 1; i <= 1000; i++) {
                log.append(received(i));
            }
            log.flush();
            assertThat(log.unshippedCount()).isEqualTo(1001);

            long events = log.shipPending(shipped::add, 250);

            AuditBatch first = shipped.get(0);
            assertThat(events).isEqualTo(first.eventCount()).isGreaterThanOrEqualTo(250);
            assertThat(first.fromSeq()).isEqualTo(1);
            assertThat(first.lines().get(first.lines().size() - 1)).contains("\"type\":\"checkpoint\"", "\"to\":" + first.toSeq() + ",");
            assertThat(log.shippedSeq()).isEqualTo(first.toSeq());
            assertThat(log.unshippedCount()).isEqualTo(1001 - first.toSeq());
            while (log.shipPending(shipped::add, 250) > 0) {
                assertThat(shipped.get(shipped.size() - 1).fromSeq()).isEqualTo(shipped.get(shipped.size() - 2).toSeq() + 1);
            }
            assertThat(log.unshippedCount()).isZero();
        }
        try (AuditLog reopened = logIn(dir, keys).open()) {
            assertThat(reopened.shippedSeq()).as("cursor survives a restart").isEqualTo(1001);
            assertThat(reopened.unshippedCount()).isEqualTo(reopened.lastSeq() - 1001);
            reopened.append(received(1001));
            reopened.flush();
            assertThat(reopened.shipPending(shipped::add, 10_000)).isEqualTo(reopened.lastSeq() - 1001);
        }
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (AuditBatch batch : shipped) {
            all.write(batch.toBytes());
        }
        Path copy = bucket.resolve(AuditTestSupport.segments(dir).get(0).getFileName());
        Files.write(copy, all.toByteArray());
        AuditVerificationResult result = new AuditVerifier(keys.publicKey()).allowOpenTail(true).verify(bucket);
        assertThat(result.intact()).as(result.summary()).isTrue();
        assertThat(result.unsignedTail()).isZero();
        byte[] local = Files.readAllBytes(AuditTestSupport.segments(dir).get(0));
        assertThat(new String(local)).startsWith(new String(all.toByteArray()));
    }

    @Test
    void aFailingShipperLeavesTheCursorWhereItWas() throws IOException {
        try (AuditLog log = logIn(dir, keys).open()) {
            log.append(received(1));
            log.flush();
            assertThatThrownBy(() -> log.shipPending(batch -> {
                throw new IOException("bucket unreachable");
            }, 100)).hasMessage("bucket unreachable");
            assertThat(log.shippedSeq()).isZero();
            assertThat(log.readAfter(0, 100).lines()).hasSize(3);
        }
    }

    @Test
    void nothingUnsignedIsShipped() throws IOException {
        try (AuditLog log = logIn(dir, keys).open()) {
            log.appendDurably(received(1));
            assertThat(log.readAfter(0, 100).isEmpty()).isTrue();
            log.flush();
            assertThat(log.readAfter(0, 100).toSeq()).isEqualTo(2);
        }
    }
}
