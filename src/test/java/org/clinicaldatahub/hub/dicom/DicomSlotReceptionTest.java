package org.clinicaldatahub.hub.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.clinicaldatahub.hub.dicom.data.FileMetaInformation;
import org.clinicaldatahub.hub.dicom.data.TransferSyntax;
import org.clinicaldatahub.hub.dicom.net.AcceptorPolicy;
import org.clinicaldatahub.hub.dicom.net.AssociationInfo;
import org.clinicaldatahub.hub.dicom.net.AssociationMonitor;
import org.clinicaldatahub.hub.dicom.net.CallerRule;
import org.clinicaldatahub.hub.dicom.net.DicomServer;
import org.clinicaldatahub.hub.dicom.net.DimseStatus;
import org.clinicaldatahub.hub.dicom.net.HubImplementation;
import org.clinicaldatahub.hub.dicom.support.Dcmtk;
import org.clinicaldatahub.hub.dicom.support.SyntheticCt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The receiver writing straight into spool slots, against DCMTK's storescu as the SCP does under
 * {@code acknowledge-after: spooled} (receive into a slot, keep it, answer): every transfer syntax
 * is drained as the byte-identical Part 10 file dcmdump reads, and a refused data set (A900) goes
 * to quarantine from a file of its own while its slot is free again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DicomSlotReceptionTest {

    @TempDir
    static Path dir;
    private DicomServer server;
    private DicomSpool spool;
    private int port;
    private final Map<String, ReceivedInstance> spooled = new ConcurrentHashMap<>();
    private final Map<String, Path> refused = new ConcurrentHashMap<>();

    @BeforeAll
    void start() throws Exception {
        assumeTrue(Dcmtk.available(), "DCMTK (apt-get install dcmtk) is required");
        spool = new DicomSpool(dir.resolve("spool"), 4, 1 << 20);
        DicomInstanceReceiver receiver = new DicomInstanceReceiver(dir.resolve("spool/incoming"), null, 8L << 20,
                spool);
        AcceptorPolicy policy = new AcceptorPolicy("HUB", List.of(CallerRule.parse("*@localhost")),
                StorageSopClasses.load(null).keySet(),
                TransferSyntax.known().stream().map(TransferSyntax::uid).toList(), 65536,
                HubImplementation.CLASS_UID, HubImplementation.VERSION_NAME, 5000, 10000, 10);
        server = new DicomServer(policy, (request, dataSet) -> {
            try (OpenReceivedInstance received = receiver.receiveOpen(request, dataSet)) {
                ReceivedInstance kept = spool.keep(received.instance(), "key", received.channel(), null);
                spooled.put(kept.sopInstanceUid(), kept);
                return DimseStatus.OK;
            } catch (InstanceRejectedException e) {
                refused.put(request.sopInstanceUid(), e.receivedFile());
                return e.status();
            }
        }, new AssociationMonitor() {
            @Override
            public void rejected(AssociationInfo a, String reason) {
            }

            @Override
            public void aborted(AssociationInfo a, String reason) {
            }
        });
        port = server.listen(InetAddress.getLoopbackAddress(), 0);
        long deadline = System.currentTimeMillis() + 30000;
        while (slotFiles() < 4 && System.currentTimeMillis() < deadline) {
            Thread.sleep(50); // slots are created in the background
        }
        Thread.sleep(200);
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (spool != null) {
            spool.close();
        }
    }

    @Test
    void everyTransferSyntaxIsDrainedByteIdenticalFromItsSlot() throws Exception {
        List<Path> files = Dcmtk.testInstances(dir.resolve("in"), "7101");
        for (Path file : files) {
            FileMetaInformation sent = FileMetaInformation.readFrom(Files.newInputStream(file));
            Dcmtk.Result result = DicomScpDcmtkTest.sendAsModality(file, sent, port);
            if (result != null) {
                assertThat(result.exitCode()).as(file.getFileName() + ":\n" + result.output()).isZero();
                assertThat(result.output()).doesNotContain("Status");
            }
            ReceivedInstance instance = spooled.get(sent.mediaStorageSopInstanceUid());
            assertThat(instance).as(file.getFileName().toString()).isNotNull();
            assertThat(instance.file().getParent()).as("received into a slot").isEqualTo(dir.resolve("spool/slots"));

            List<ReceivedInstance> pending = spool.pending();
            assertThat(pending).hasSize(1);
            Path copy = pending.get(0).file();
            assertThat(DicomScpDcmtkTest.sha256(Files.readAllBytes(copy))).isEqualTo(instance.sha256());
            assertThat(DicomScpDcmtkTest.sha256(DicomScpDcmtkTest.dataSet(copy, instance.dataSetOffset())))
                    .as(file.getFileName().toString())
                    .isEqualTo(DicomScpDcmtkTest.sha256(DicomScpDcmtkTest.onTheWire(file, sent.transferSyntaxUid())));
            Dcmtk.Result dump = Dcmtk.run("dcmdump", "-q", copy.toString());
            assertThat(dump.exitCode()).as(dump.output()).isZero();
            remove(pending.get(0));
        }
        assertThat(spool.hasPending()).isFalse();
    }

    @Test
    void aRefusedDataSetIsQuarantinedFromAFileOfItsOwnAndItsSlotFreed() throws Exception {
        Path file = Dcmtk.testInstances(dir.resolve("in-refused"), "7102").get(0);
        FileMetaInformation sent = FileMetaInformation.readFrom(Files.newInputStream(file));
        String claimed = SyntheticCt.instanceUid("7102", 92);
        assertThat(DicomScpDcmtkTest.storeClaiming(file, sent, claimed, port)).isEqualTo(0xA900);

        Path kept = refused.get(claimed);
        assertThat(kept.getParent()).isEqualTo(dir.resolve("spool/incoming"));
        byte[] bytes = Files.readAllBytes(kept);
        assertThat(DicomScpDcmtkTest.sha256(java.util.Arrays.copyOfRange(bytes,
                (int) DicomScpDcmtkTest.dataSetOffset(kept), bytes.length))).isEqualTo(DicomScpDcmtkTest.sha256(
                DicomScpDcmtkTest.dataSet(file, DicomScpDcmtkTest.dataSetOffset(file))));
        assertThat(spool.hasPending()).isFalse();
        int free = 0;
        for (SpoolSlots.Slot slot = spool.claimSlot(); slot != null; slot = spool.claimSlot()) {
            free++;
        }
        assertThat(free).as("every slot free").isEqualTo(4);
    }

    private static long slotFiles() throws Exception {
        try (var files = Files.list(dir.resolve("spool/slots"))) {
            return files.filter(p -> p.toString().endsWith(".slot")).count();
        }
    }

    private void remove(ReceivedInstance instance) throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            Exchange exchange = new DefaultExchange(camel);
            exchange.getMessage().setHeader(DicomInstanceStore.INSTANCE_HEADER, instance);
            spool.remove(exchange);
        }
    }
}
