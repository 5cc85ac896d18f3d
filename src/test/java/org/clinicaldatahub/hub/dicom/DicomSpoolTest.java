package org.clinicaldatahub.hub.dicom;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.clinicaldatahub.hub.storage.Sha256;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DicomSpool} on its own: an entry is in place (file and description) before the caller's
 * commit starts, instances kept from several associations at once are all pending, a drained
 * instance leaves the spool, a resend replaces its entry, and after a restart an entry a crash
 * left incomplete (never answered) is dropped instead of uploaded.
 */
class DicomSpoolTest {

    @TempDir
    Path dir;

    @Test
    void keepsFileAndDescriptionBeforeTheCallersCommit() throws Exception {
        DicomSpool spool = new DicomSpool(dir.resolve("spool"));
        ReceivedInstance received = received("1.2.3.1", "one instance");
        AtomicBoolean placedFirst = new AtomicBoolean();

        ReceivedInstance spooled = spool.keep(received, "dicom/1/2/1.2.3.1.dcm", () -> placedFirst.set(
                Files.exists(dir.resolve("spool/pending/1.2.3.1.dcm"))
                        && Files.exists(dir.resolve("spool/pending/1.2.3.1.json"))));

        assertThat(placedFirst).as("file and description in place when the caller's commit starts").isTrue();
        assertThat(received.file()).doesNotExist();
        assertThat(spooled.file()).isEqualTo(dir.resolve("spool/pending/1.2.3.1.dcm")).hasContent("one instance");
        assertThat(spool.pending()).containsExactly(spooled);
        try (var left = Files.list(dir.resolve("spool/pending"))) {
            assertThat(left.map(p -> p.getFileName().toString()))
                    .as("no temporary description left").containsExactlyInAnyOrder("1.2.3.1.dcm", "1.2.3.1.json");
        }
    }

    @Test
    void instancesOfSeveralAssociationsAtOnceAreAllKeptAndDrained() throws Exception {
        DicomSpool spool = new DicomSpool(dir.resolve("spool"));
        ExecutorService associations = Executors.newFixedThreadPool(6);
        try {
            List<Future<ReceivedInstance>> kept = new ArrayList<>();
            for (int i = 1; i <= 30; i++) {
                ReceivedInstance received = received("1.2.3." + i, "instance " + i);
                kept.add(associations.submit(() -> spool.keep(received, "key-" + received.sopInstanceUid())));
            }
            List<ReceivedInstance> spooled = new ArrayList<>();
            for (Future<ReceivedInstance> future : kept) {
                spooled.add(future.get());
            }
            assertThat(spool.size()).isEqualTo(30);
            assertThat(spool.pending()).containsExactlyInAnyOrderElementsOf(spooled);

            try (DefaultCamelContext camel = new DefaultCamelContext()) {
                for (ReceivedInstance instance : spooled) {
                    Exchange exchange = new DefaultExchange(camel);
                    exchange.getMessage().setHeader(DicomInstanceStore.INSTANCE_HEADER, instance);
                    spool.remove(exchange);
                }
            }
            assertThat(spool.hasPending()).isFalse();
            try (var left = Files.list(dir.resolve("spool/pending"))) {
                assertThat(left).isEmpty();
            }
        } finally {
            associations.shutdownNow();
        }
    }

    @Test
    void aResendReplacesTheEntryWithItsOwnBytes() throws Exception {
        DicomSpool spool = new DicomSpool(dir.resolve("spool"));
        spool.keep(received("1.2.3.7", "first"), "key");

        ReceivedInstance again = spool.keep(received("1.2.3.7", "second"), "key");

        assertThat(spool.pending()).containsExactly(again);
        assertThat(again.file()).hasContent("second");
    }

    @Test
    void afterARestartEntriesLeftIncompleteByACrashAreDroppedAndWholeOnesDrained() throws Exception {
        Path spoolDir = dir.resolve("spool");
        DicomSpool before = new DicomSpool(spoolDir);
        ReceivedInstance whole = before.keep(receivedWithDigest("1.2.3.1", "whole instance"), "key-1");
        ReceivedInstance torn = before.keep(receivedWithDigest("1.2.3.2", "torn instance"), "key-2");
        Path pending = spoolDir.resolve("pending");
        // what a crash between placing an entry and forcing it can leave: a short file, a cut description
        Files.writeString(torn.file(), "torn");
        Files.writeString(pending.resolve("1.2.3.3.json"), "{\"instance\":{\"file\":");
        Files.writeString(pending.resolve("1.2.3.3.dcm"), "never described whole");
        FileTime earlier = FileTime.from(Instant.now().minusSeconds(60));
        try (var files = Files.list(pending)) {
            for (Path file : files.toList()) {
                Files.setLastModifiedTime(file, earlier);
            }
        }

        DicomSpool after = new DicomSpool(spoolDir);

        assertThat(after.pending()).containsExactly(whole);
        try (var left = Files.list(pending)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("1.2.3.1.dcm", "1.2.3.1.json");
        }
        assertThat(after.pending()).as("checked once, still there").containsExactly(whole);
    }

    private ReceivedInstance receivedWithDigest(String sopInstanceUid, String content) throws Exception {
        ReceivedInstance r = received(sopInstanceUid, content);
        return new ReceivedInstance(r.file(), r.size(), Sha256.hexDigest(content.getBytes(StandardCharsets.UTF_8)),
                r.dataSetOffset(), r.sopClassUid(), r.sopInstanceUid(), r.studyInstanceUid(), r.seriesInstanceUid(),
                r.modality(), r.transferSyntaxUid(), r.callingAeTitle(), r.remoteAddress(), r.associationId(),
                r.patientPseudonym());
    }

    private ReceivedInstance received(String sopInstanceUid, String content) throws Exception {
        Path file = Files.createDirectories(dir.resolve("incoming")).resolve(sopInstanceUid + ".dcm");
        Files.writeString(file, content);
        return new ReceivedInstance(file, Files.size(file), "sha-" + sopInstanceUid, 0, "1.2.840.10008.5.1.4.1.1.2",
                sopInstanceUid, "1.2.3", "1.2.3.0", "CT", "1.2.840.10008.1.2.1", "STORESCU", "127.0.0.1", "a1", null);
    }
}
