package org.clinicaldatahub.hub.hl7.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MllpClientTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void oneMessageGetsItsAckWithSenderAndReceiverSwapped() throws Exception {
        SyntheticHl7.Message m = new SyntheticHl7(1, 10).next("2.5.1", "ADT^A01");
        try (AckServer server = new AckServer(AckServer.Mode.NORMAL);
                MllpClient client = MllpClient.connect("localhost", server.port(), WAIT)) {
            Ack ack = MllpClient.parseAck(client.request(m.bytes(), WAIT), StandardCharsets.US_ASCII);

            assertThat(ack.code()).isEqualTo("AA");
            assertThat(ack.accepted()).isTrue();
            assertThat(ack.ackedControlId()).isEqualTo(m.controlId());
            assertThat(ack.version()).isEqualTo("2.5.1");
            assertThat(ack.sendingApplication()).isEqualTo("CDH");
            assertThat(ack.sendingFacility()).isEqualTo("HUB");
            assertThat(ack.receivingApplication()).isEqualTo(m.sendingApplication());
            assertThat(ack.receivingFacility()).isEqualTo(m.sendingFacility());
            assertThat(ack.hasErr()).isFalse();
            assertThat(server.received()).hasSize(1);
            assertThat(server.received().get(0)).isEqualTo(m.bytes());
        }
    }

    @Test
    void pipelinedFramesGoOutInOneWriteAndAcksComeBackInOrder() throws Exception {
        SyntheticHl7 gen = new SyntheticHl7(2, 50);
        List<SyntheticHl7.Message> sent = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            sent.add(gen.next());
        }
        try (AckServer server = new AckServer(AckServer.Mode.NORMAL)) {
            CountingSocket socket = new CountingSocket();
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
            try (MllpClient client = new MllpClient(socket)) {
                client.sendPipelined(sent.stream().map(SyntheticHl7.Message::bytes).toList());
                assertThat(socket.writes.get()).as("write calls").isEqualTo(1);
                assertThat(socket.flushes.get()).as("flush calls").isEqualTo(1);

                for (SyntheticHl7.Message m : sent) {
                    Ack ack = Ack.parse(client.readFrame(WAIT), StandardCharsets.US_ASCII);
                    assertThat(ack.ackedControlId()).isEqualTo(m.controlId());
                    assertThat(ack.code()).isEqualTo("AA");
                }
            }
            assertThat(server.received()).hasSize(10);
            for (int i = 0; i < 10; i++) {
                assertThat(server.received().get(i)).isEqualTo(sent.get(i).bytes());
            }
            // one write of about 8 KB on loopback reaches the server in one read
            assertThat(server.framesPerRead().get(0)).isGreaterThan(1);
        }
    }

    @Test
    void acksArrivingInPiecesAreReassembled() throws Exception {
        SyntheticHl7 gen = new SyntheticHl7(3, 50);
        try (AckServer server = new AckServer(AckServer.Mode.SPLIT);
                MllpClient client = MllpClient.connect("localhost", server.port(), WAIT)) {
            List<SyntheticHl7.Message> sent = List.of(gen.next(), gen.next(), gen.next());
            client.sendPipelined(sent.stream().map(SyntheticHl7.Message::bytes).toList());
            for (SyntheticHl7.Message m : sent) {
                assertThat(Ack.parse(client.readFrame(WAIT), StandardCharsets.US_ASCII).ackedControlId())
                        .isEqualTo(m.controlId());
            }
        }
    }

    @Test
    void severalAcksInOneReadAreReturnedOneByOne() throws Exception {
        SyntheticHl7 gen = new SyntheticHl7(4, 50);
        try (AckServer server = new AckServer(AckServer.Mode.BATCH);
                MllpClient client = MllpClient.connect("localhost", server.port(), WAIT)) {
            List<SyntheticHl7.Message> sent = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                sent.add(gen.next());
            }
            client.sendPipelined(sent.stream().map(SyntheticHl7.Message::bytes).toList());
            for (SyntheticHl7.Message m : sent) {
                assertThat(Ack.parse(client.readFrame(WAIT), StandardCharsets.US_ASCII).ackedControlId())
                        .isEqualTo(m.controlId());
            }
        }
    }

    @Test
    void aFrameSentInPiecesWithSendRawIsAcked() throws Exception {
        SyntheticHl7.Message m = new SyntheticHl7(5, 10).next("2.3", "ORU^R01");
        byte[] framed = MllpClient.frame(m.bytes());
        try (AckServer server = new AckServer(AckServer.Mode.NORMAL);
                MllpClient client = MllpClient.connect("localhost", server.port(), WAIT)) {
            client.sendRaw(new byte[] {framed[0]});
            Thread.sleep(20);
            client.sendRaw(java.util.Arrays.copyOfRange(framed, 1, 100));
            Thread.sleep(20);
            client.sendRaw(java.util.Arrays.copyOfRange(framed, 100, framed.length - 1));
            Thread.sleep(20);
            client.sendRaw(new byte[] {framed[framed.length - 1]});
            assertThat(Ack.parse(client.readFrame(WAIT), StandardCharsets.US_ASCII).ackedControlId())
                    .isEqualTo(m.controlId());
            assertThat(server.received().get(0)).isEqualTo(m.bytes());
        }
    }

    @Test
    void byteByByteArrivalAndTimeoutKeepThePartialFrame() throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                MllpClient client = MllpClient.connect("localhost", ss.getLocalPort(), WAIT);
                Socket peer = ss.accept()) {
            peer.setTcpNoDelay(true);
            OutputStream out = peer.getOutputStream();
            byte[] ack = MllpClient.frame("MSH|^~\\&|A|B|C|D|||ACK|1|P|2.5\rMSA|AA|X1\r".getBytes(StandardCharsets.US_ASCII));

            out.write("noise".getBytes(StandardCharsets.US_ASCII));
            out.write(ack, 0, 10);
            out.flush();
            assertThatThrownBy(() -> client.readFrame(Duration.ofMillis(150)))
                    .isInstanceOf(SocketTimeoutException.class).hasMessageContaining("bytes of a frame");

            CompletableFuture<Void> trickle = CompletableFuture.runAsync(() -> {
                try {
                    for (int i = 10; i < ack.length; i++) {
                        out.write(ack[i]);
                        out.flush();
                        if (i % 8 == 0) {
                            Thread.sleep(2);
                        }
                    }
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            Ack parsed = Ack.parse(client.readFrame(WAIT), StandardCharsets.US_ASCII);
            trickle.get();
            assertThat(parsed.ackedControlId()).isEqualTo("X1");
            assertThat(client.discardedBytes()).isEqualTo(5);
        }
    }

    @Test
    void detectsThePeerClosingAfterItsLastAnswer() throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                MllpClient client = MllpClient.connect("localhost", ss.getLocalPort(), WAIT)) {
            Socket peer = ss.accept();
            assertThat(client.isClosedByPeer(Duration.ofMillis(100))).isFalse();

            client.sendRaw("garbage without framing".getBytes(StandardCharsets.US_ASCII));
            InputStream in = peer.getInputStream();
            assertThat(new String(in.readNBytes(23), StandardCharsets.US_ASCII)).isEqualTo("garbage without framing");
            peer.getOutputStream().write(MllpClient.frame(
                    "MSH|^~\\&|HUB|CDH|X|Y|||ACK|2|P|2.5\rMSA|AR|\rERR|||100^Segment sequence error^HL70357|E\r"
                            .getBytes(StandardCharsets.US_ASCII)));
            peer.close();

            assertThat(client.isClosedByPeer(WAIT)).isTrue();
            Ack nak = Ack.parse(client.readFrame(WAIT), StandardCharsets.US_ASCII);
            assertThat(nak.code()).isEqualTo("AR");
            assertThat(nak.hasErrText()).isTrue();
            assertThatThrownBy(() -> client.readFrame(WAIT)).isInstanceOf(EOFException.class);
        }
    }

    /** A real socket whose output stream counts write and flush calls. */
    private static final class CountingSocket extends Socket {
        final AtomicInteger writes = new AtomicInteger();
        final AtomicInteger flushes = new AtomicInteger();

        @Override
        public OutputStream getOutputStream() throws IOException {
            return new FilterOutputStream(super.getOutputStream()) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    writes.incrementAndGet();
                    out.write(b, off, len);
                }

                @Override
                public void write(byte[] b) throws IOException {
                    write(b, 0, b.length);
                }

                @Override
                public void write(int b) throws IOException {
                    writes.incrementAndGet();
                    out.write(b);
                }

                @Override
                public void flush() throws IOException {
                    flushes.incrementAndGet();
                    out.flush();
                }
            };
        }
    }
}
