package org.clinicaldatahub.hub.hl7.support;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny MLLP peer for tests: answers every frame with {@code MSA|AA|<MSH-10>} (or another code), sender and
 * receiver swapped as HL7 v2 chapter 2 prescribes for acknowledgments. Its framing code is
 * written independently of {@link MllpClient} so each checks the other.
 *
 * <p>{@link Mode#SPLIT} writes each ACK in three flushed pieces with pauses, so the client sees
 * one frame over several reads; {@link Mode#BATCH} writes the ACKs of all frames completed by one
 * read in a single write, so the client sees several frames in one read.
 */
public final class AckServer implements Closeable {

    /** How ACKs are written back. */
    public enum Mode { NORMAL, SPLIT, BATCH }

    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "ack-server");
        t.setDaemon(true);
        return t;
    });
    private final Mode mode;
    private final List<byte[]> received = new CopyOnWriteArrayList<>();
    private final List<Integer> framesPerRead = new CopyOnWriteArrayList<>();
    private final List<Socket> connections = new CopyOnWriteArrayList<>();
    private final AtomicInteger ackCounter = new AtomicInteger();
    private final String ackCode;

    public AckServer(Mode mode) throws IOException {
        this(mode, "AA");
    }

    /** A server answering every message with {@code ackCode} ({@code AE}/{@code AR} add an ERR segment). */
    public AckServer(Mode mode, String ackCode) throws IOException {
        this.mode = mode;
        this.ackCode = ackCode;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(this::acceptLoop);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Payloads of all frames received, in arrival order (per connection interleaved). */
    public List<byte[]> received() {
        return received;
    }

    /** For each read that completed at least one frame: how many it completed. */
    public List<Integer> framesPerRead() {
        return framesPerRead;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : connections) {
            s.close();
        }
        threads.shutdownNow();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                s.setTcpNoDelay(true);
                connections.add(s);
                threads.execute(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            byte[] chunk = new byte[64 * 1024];
            ByteArrayOutputStream pending = new ByteArrayOutputStream();
            int n;
            while ((n = in.read(chunk)) > 0) {
                pending.write(chunk, 0, n);
                byte[] data = pending.toByteArray();
                List<byte[]> framesInThisRead = new ArrayList<>();
                int consumed = 0;
                while (true) {
                    int start = indexOf(data, (byte) 0x0B, consumed);
                    if (start < 0) {
                        consumed = data.length;
                        break;
                    }
                    int end = indexOfEnd(data, start + 1);
                    if (end < 0) {
                        consumed = start;
                        break;
                    }
                    framesInThisRead.add(java.util.Arrays.copyOfRange(data, start + 1, end));
                    consumed = end + 2;
                }
                // Recorded before any ACK goes out, so a client that has read its last ACK sees them.
                received.addAll(framesInThisRead);
                if (!framesInThisRead.isEmpty()) {
                    framesPerRead.add(framesInThisRead.size());
                }
                ByteArrayOutputStream acks = new ByteArrayOutputStream();
                for (byte[] msg : framesInThisRead) {
                    byte[] ack = MllpClient.frame(ackFor(msg));
                    if (mode == Mode.SPLIT) {
                        writeSplit(out, ack);
                    } else if (mode == Mode.BATCH) {
                        acks.write(ack);
                    } else {
                        out.write(ack);
                        out.flush();
                    }
                }
                if (acks.size() > 0) {
                    out.write(acks.toByteArray());
                    out.flush();
                }
                pending.reset();
                pending.write(data, consumed, data.length - consumed);
            }
        } catch (SocketException e) {
            // peer went away or server closed
        } catch (IOException | InterruptedException e) {
            // test helper: the test sees the missing ACK
        }
    }

    private static void writeSplit(OutputStream out, byte[] ack) throws IOException, InterruptedException {
        int third = Math.max(1, ack.length / 3);
        int[] cuts = {0, third, 2 * third, ack.length};
        for (int i = 0; i < 3; i++) {
            out.write(ack, cuts[i], cuts[i + 1] - cuts[i]);
            out.flush();
            Thread.sleep(15);
        }
    }

    /** Builds the ACK by plain string handling; the message's MSH-18 decides nothing here (ASCII fields). */
    private byte[] ackFor(byte[] message) {
        String text = new String(message, StandardCharsets.ISO_8859_1);
        String msh = text.split("\r", 2)[0];
        String[] f = msh.split("\\|", -1);
        String version = f.length > 11 ? f[11] : "2.5";
        String trigger = f.length > 8 && f[8].contains("^") ? f[8].split("\\^")[1] : "";
        String ack = "MSH|^~\\&|" + get(f, 4) + "|" + get(f, 5) + "|" + get(f, 2) + "|" + get(f, 3)
                + "|20260105120000||ACK^" + trigger + "^ACK|ACK" + ackCounter.incrementAndGet() + "|P|" + version
                + "\rMSA|" + ackCode + "|" + get(f, 9) + "\r"
                + ("AA".equals(ackCode) ? "" : "ERR|||207^Application internal error^HL70357|E\r");
        return ack.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String get(String[] fields, int i) {
        return i < fields.length ? fields[i] : "";
    }

    private static int indexOf(byte[] data, byte b, int from) {
        for (int i = from; i < data.length; i++) {
            if (data[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static int indexOfEnd(byte[] data, int from) {
        for (int i = from; i + 1 < data.length; i++) {
            if (data[i] == 0x1C && data[i + 1] == 0x0D) {
                return i;
            }
        }
        return -1;
    }
}
