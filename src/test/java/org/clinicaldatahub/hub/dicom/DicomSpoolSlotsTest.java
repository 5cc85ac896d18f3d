package org.clinicaldatahub.hub.dicom;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.clinicaldatahub.hub.storage.Sha256;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DicomSpool} with preallocated slots ({@link SpoolSlots}): an instance received into a
 * slot is kept with one sync and drained from a copy of its own; a drained slot is free again and
 * does not come back after a restart; after a restart (the crash case: new spool on the same
 * directory) a whole kept slot is drained, and slots a crash left torn or never kept are freed
 * instead of uploaded; a resend is drained after what it replaces, across slots and files, in the
 * next batch (the drain uploads a batch in parallel).
 */
class DicomSpoolSlotsTest {

    @TempDir
    Path dir;

    @Test
    void anInstanceReceivedIntoASlotIsKeptDrainedFromACopyAndTheSlotFreed() throws Exception {
        try (DicomSpool spool = new DicomSpool(dir.resolve("spool"), 2, 1024)) {
            SpoolSlots.Slot slot = claim(spool);
            ReceivedInstance received = intoSlot(slot, "1.2.3.1", "one instance in a slot");

            ReceivedInstance spooled = spool.keep(received, "key-1", slot.channel, null);

            assertThat(spooled.file()).isEqualTo(slot.file);
            assertThat(DicomSpool.countOnDisk(dir.resolve("spool"))).isEqualTo(1);
            assertThat(spool.hasPending()).isTrue();
            List<ReceivedInstance> pending = spool.pending();
            assertThat(pending).hasSize(1);
            assertThat(pending.get(0).file()).hasContent("one instance in a slot");
            assertThat(pending.get(0).sha256()).isEqualTo(received.sha256());

            remove(spool, pending.get(0));

            assertThat(spool.hasPending()).isFalse();
            assertThat(pending.get(0).file()).doesNotExist();
            assertThat(DicomSpool.countOnDisk(dir.resolve("spool"))).isZero();
            assertThat(claimAll(spool)).as("both slots free again").hasSize(2);
        }
    }

    @Test
    void anInstanceLargerThanASlotGrowsItAndTheSlotShrinksWhenDrained() throws Exception {
        try (DicomSpool spool = new DicomSpool(dir.resolve("spool"), 1, 16)) {
            SpoolSlots.Slot slot = claim(spool);
            String content = "an instance of more than sixteen bytes";
            spool.keep(intoSlot(slot, "1.2.3.1", content), "key-1", slot.channel, null);

            List<ReceivedInstance> pending = spool.pending();
            assertThat(pending.get(0).file()).hasContent(content);
            remove(spool, pending.get(0));

            assertThat(Files.size(slot.file)).isEqualTo(SpoolSlots.HEADER + 16);
        }
    }

    @Test
    void afterARestartWholeSlotsAreDrainedAndTornOrUnkeptOnesFreed() throws Exception {
        Path spoolDir = dir.resolve("spool");
        ReceivedInstance whole;
        Path tornFile;
        try (DicomSpool before = new DicomSpool(spoolDir, 4, 1024)) {
            List<SpoolSlots.Slot> slots = claimAll(before);
            whole = before.keep(intoSlot(slots.get(0), "1.2.3.1", "whole instance"), "key-1", slots.get(0).channel,
                    null);
            ReceivedInstance torn = before.keep(intoSlot(slots.get(1), "1.2.3.2", "torn instance"), "key-2",
                    slots.get(1).channel, null);
            tornFile = torn.file();
            // received into, never kept (the crash came before its header): data but no entry
            intoSlot(slots.get(2), "1.2.3.3", "never kept");
            // what a crash before the sync can leave: the header on disk, the data not all of it
            slots.get(1).channel.write(ByteBuffer.wrap("TORN".getBytes(StandardCharsets.US_ASCII)),
                    SpoolSlots.HEADER);
            slots.get(1).channel.force(false);
        }

        try (DicomSpool after = new DicomSpool(spoolDir, 4, 1024)) {
            List<ReceivedInstance> pending = after.pending();
            assertThat(pending).hasSize(1);
            assertThat(pending.get(0).sopInstanceUid()).isEqualTo("1.2.3.1");
            assertThat(pending.get(0).file()).hasContent("whole instance");
            assertThat(pending.get(0).sha256()).isEqualTo(whole.sha256());
            assertThat(SpoolSlots.holdsEntry(tornFile)).as("torn slot cleared").isFalse();
            assertThat(claimAll(after)).as("all but the whole one free").hasSize(3);
            remove(after, pending.get(0));
        }

        try (DicomSpool again = new DicomSpool(spoolDir, 4, 1024)) {
            assertThat(again.hasPending()).as("a drained slot does not come back").isFalse();
            assertThat(claimAll(again)).hasSize(4);
        }
    }

    @Test
    void aResendIsDrainedAfterWhatItReplacesAcrossSlotsAndFiles() throws Exception {
        try (DicomSpool spool = new DicomSpool(dir.resolve("spool"), 1, 1024)) {
            SpoolSlots.Slot slot = claim(spool);
            spool.keep(intoSlot(slot, "1.2.3.7", "first"), "key", slot.channel, null);
            // no slot free: the resend becomes a file of its own
            assertThat(spool.claimSlot()).isNull();
            Path file = Files.createDirectories(dir.resolve("incoming")).resolve("resend.dcm");
            Files.writeString(file, "second");
            spool.keep(instance(file, "1.2.3.7", "second"), "key");

            spool.keep(instance(Files.writeString(dir.resolve("incoming/other.dcm"), "other"), "1.2.3.8", "other"),
                    "other-key");

            // the drain uploads a batch in parallel: the resend waits for the batch after its original
            List<ReceivedInstance> first = spool.pending();
            assertThat(first).extracting(i -> Files.readString(i.file())).containsExactly("first", "other");
            first.forEach(i -> removeUnchecked(spool, i));
            List<ReceivedInstance> second = spool.pending();
            assertThat(second).extracting(i -> Files.readString(i.file())).containsExactly("second");
        }
    }

    @Test
    void aLateGiveBackDoesNotFreeASlotClaimedAgainSince() throws Exception {
        try (DicomSpool spool = new DicomSpool(dir.resolve("spool"), 1, 1024)) {
            SpoolSlots.Slot slot = claim(spool);
            long firstClaim = slot.claims.get();
            spool.keep(intoSlot(slot, "1.2.3.1", "first association"), "key-1", slot.channel, null);
            remove(spool, spool.pending().get(0));
            SpoolSlots.Slot again = claim(spool);
            assertThat(again).isSameAs(slot);

            spool.release(slot, firstClaim);

            assertThat(spool.claimSlot()).as("still the second association's").isNull();
            spool.release(again, again.claims.get());
            assertThat(spool.claimSlot()).isSameAs(slot);
        }
    }

    private static SpoolSlots.Slot claim(DicomSpool spool) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30000;
        SpoolSlots.Slot slot;
        while ((slot = spool.claimSlot()) == null && System.currentTimeMillis() < deadline) {
            Thread.sleep(20); // created in the background
        }
        assertThat(slot).as("a free slot").isNotNull();
        return slot;
    }

    /** Claims every free slot (waiting for those still created in the background), then gives them back. */
    private static List<SpoolSlots.Slot> claimAll(DicomSpool spool) throws Exception {
        Thread.sleep(200);
        List<SpoolSlots.Slot> claimed = new ArrayList<>();
        for (SpoolSlots.Slot slot = spool.claimSlot(); slot != null; slot = spool.claimSlot()) {
            claimed.add(slot);
        }
        for (SpoolSlots.Slot slot : claimed) {
            spool.release(slot, slot.claims.get());
        }
        List<SpoolSlots.Slot> again = new ArrayList<>();
        for (SpoolSlots.Slot slot = spool.claimSlot(); slot != null; slot = spool.claimSlot()) {
            again.add(slot);
        }
        return again;
    }

    /** What the receiver does: the Part 10 bytes from the header on, through the slot's channel. */
    private static ReceivedInstance intoSlot(SpoolSlots.Slot slot, String sopInstanceUid, String content)
            throws Exception {
        ByteBuffer bytes = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
        slot.channel.write(bytes, SpoolSlots.HEADER);
        return instance(slot.file, sopInstanceUid, content);
    }

    private static ReceivedInstance instance(Path file, String sopInstanceUid, String content) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        return new ReceivedInstance(file, bytes.length, Sha256.hexDigest(bytes), 0, "1.2.840.10008.5.1.4.1.1.2",
                sopInstanceUid, "1.2.3", "1.2.3.0", "CT", "1.2.840.10008.1.2.1", "STORESCU", "127.0.0.1", "a1", null);
    }

    private static void removeUnchecked(DicomSpool spool, ReceivedInstance instance) {
        try {
            remove(spool, instance);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void remove(DicomSpool spool, ReceivedInstance instance) throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            Exchange exchange = new DefaultExchange(camel);
            exchange.getMessage().setHeader(DicomInstanceStore.INSTANCE_HEADER, instance);
            spool.remove(exchange);
        }
    }
}
