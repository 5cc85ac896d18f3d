package org.clinicaldatahub.hub.hl7.support;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.Charset;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * A small blocking MLLP client for tests and the benchmark, over any connected {@link Socket}
 * (plain or {@code SSLSocket}).
 *
 * <p>MLLP (the Minimal Lower Layer Protocol of the HL7 v2 lower-layer-protocols appendix, later
 * the HL7 Transport Specification "MLLP Release 2") frames each message as {@code 0x0B} + message
 * + {@code 0x1C 0x0D}. Nothing stops a sender from writing several frames back to back before
 * reading any ACK (pipelining), and TCP may hand a receiver half a frame or three frames in one
 * read. This client can produce both situations on purpose ({@link #sendPipelined},
 * {@link #sendRaw}) and copes with both when reading ({@link #readFrame}).
 *
 * <p>Not thread-safe; one client per connection and thread. Bytes outside a frame are skipped
 * and counted ({@link #discardedBytes()}).
 */
public final class MllpClient implements Closeable {

    public static final byte START_BLOCK = 0x0B;
    public static final byte END_BLOCK = 0x1C;
    public static final byte CARRIAGE_RETURN = 0x0D;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private byte[] buf = new byte[16 * 1024];
    private int pos;
    private int limit;
    private boolean eof;
    private boolean inFrame;
    private boolean sawEndBlock;
    private byte[] frame = new byte[1024];
    private int frameLength;
    private long discarded;

    /**
     * Wraps a connected socket and turns Nagle off, so a small frame is not held back waiting
     * for the peer's TCP ACK (which would add tens of milliseconds to measured latency).
     */
    public MllpClient(Socket socket) throws IOException {
        this.socket = socket;
        socket.setTcpNoDelay(true);
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Connects a plain TCP socket. */
    public static MllpClient connect(String host, int port, Duration connectTimeout) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(host, port), Math.toIntExact(connectTimeout.toMillis()));
            return new MllpClient(s);
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    /** Frames and sends one message (one write, one flush). */
    public void send(byte[] message) throws IOException {
        out.write(frame(message));
        out.flush();
    }

    /**
     * Frames all messages into one byte array and writes it with a single write and a single
     * flush, so the frames leave back to back and typically arrive in one TCP read at the server.
     */
    public void sendPipelined(List<byte[]> messages) throws IOException {
        out.write(frames(messages));
        out.flush();
    }

    /** Writes bytes as they are: garbage, truncated frames, or a frame split over several calls. */
    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Sends one message and waits for the next frame (its ACK when the peer answers in order). */
    public byte[] request(byte[] message, Duration timeout) throws IOException {
        send(message);
        return readFrame(timeout);
    }

    /**
     * The next complete frame's payload, without framing bytes.
     *
     * @throws SocketTimeoutException if no complete frame arrives within {@code timeout}; bytes
     *     of a partly received frame are kept, so a later call continues where this one stopped
     * @throws EOFException if the peer closed the connection first
     */
    public byte[] readFrame(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            byte[] complete = scan();
            if (complete != null) {
                return complete;
            }
            if (eof) {
                throw new EOFException("connection closed by peer"
                        + (inFrame ? " inside a frame after " + frameLength + " bytes" : ""));
            }
            if (!fill(deadline)) {
                throw new SocketTimeoutException("no complete MLLP frame within " + timeout.toMillis() + " ms"
                        + (inFrame ? " (" + frameLength + " bytes of a frame received)" : ""));
            }
        }
    }

    /**
     * Waits up to {@code wait} for the peer to close the connection (EOF or reset). Data that
     * arrives meanwhile is kept for {@link #readFrame}, so "server answered AR, then closed" can
     * be checked in either order.
     */
    public boolean isClosedByPeer(Duration wait) throws IOException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!eof) {
            try {
                if (!fill(deadline)) {
                    return false;
                }
            } catch (SocketException e) {
                eof = true; // connection reset counts as closed
            }
        }
        return true;
    }

    /** Bytes received outside any frame (before a start block), e.g. a peer writing plain text. */
    public long discardedBytes() {
        return discarded;
    }

    public Socket socket() {
        return socket;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** {@code 0x0B} + message + {@code 0x1C 0x0D}. */
    public static byte[] frame(byte[] message) {
        byte[] f = new byte[message.length + 3];
        f[0] = START_BLOCK;
        System.arraycopy(message, 0, f, 1, message.length);
        f[f.length - 2] = END_BLOCK;
        f[f.length - 1] = CARRIAGE_RETURN;
        return f;
    }

    /** Several frames back to back in one array. */
    public static byte[] frames(List<byte[]> messages) {
        int size = messages.stream().mapToInt(m -> m.length + 3).sum();
        byte[] all = new byte[size];
        int at = 0;
        for (byte[] m : messages) {
            all[at++] = START_BLOCK;
            System.arraycopy(m, 0, all, at, m.length);
            at += m.length;
            all[at++] = END_BLOCK;
            all[at++] = CARRIAGE_RETURN;
        }
        return all;
    }

    /** See {@link Ack#parse(byte[], Charset)}. */
    public static Ack parseAck(byte[] frame, Charset charset) {
        return Ack.parse(frame, charset);
    }

    /** Consumes buffered bytes; returns a payload once a frame is complete. */
    private byte[] scan() {
        while (pos < limit) {
            if (!inFrame) {
                byte b = buf[pos++];
                if (b == START_BLOCK) {
                    inFrame = true;
                    frameLength = 0;
                } else {
                    discarded++;
                }
                continue;
            }
            if (sawEndBlock) {
                sawEndBlock = false;
                if (buf[pos] == CARRIAGE_RETURN) {
                    pos++;
                    inFrame = false;
                    return Arrays.copyOf(frame, frameLength);
                }
                append(END_BLOCK); // a lone 0x1C is data, strictly speaking
                continue;
            }
            int start = pos;
            while (pos < limit && buf[pos] != END_BLOCK && buf[pos] != START_BLOCK) {
                pos++;
            }
            append(buf, start, pos - start);
            if (pos < limit) {
                if (buf[pos] == END_BLOCK) {
                    sawEndBlock = true;
                } else {
                    discarded += frameLength + 1; // a new start block: the open frame was truncated
                    frameLength = 0;
                }
                pos++;
            }
        }
        return null;
    }

    /** Reads more bytes; false on deadline. Sets {@link #eof} when the stream ends. */
    private boolean fill(long deadline) throws IOException {
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            limit -= pos;
            pos = 0;
        }
        if (limit == buf.length) {
            buf = Arrays.copyOf(buf, buf.length * 2);
        }
        long remainingMillis = (deadline - System.nanoTime()) / 1_000_000;
        if (remainingMillis <= 0) {
            return false;
        }
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, remainingMillis));
        try {
            int n = in.read(buf, limit, buf.length - limit);
            if (n < 0) {
                eof = true;
            } else {
                limit += n;
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    private void append(byte b) {
        ensure(1);
        frame[frameLength++] = b;
    }

    private void append(byte[] src, int offset, int length) {
        ensure(length);
        System.arraycopy(src, offset, frame, frameLength, length);
        frameLength += length;
    }

    private void ensure(int extra) {
        if (frameLength + extra > frame.length) {
            frame = Arrays.copyOf(frame, Math.max(frame.length * 2, frameLength + extra));
        }
    }
}
