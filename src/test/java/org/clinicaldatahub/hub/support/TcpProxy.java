package org.clinicaldatahub.hub.support;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A TCP forwarder in front of a real server that a test can cut and restore, to play "the
 * network to that service is down" without stopping the service others still use. With a delay,
 * it also plays a distant service (a WAN): every byte arrives that much later in each direction,
 * while the bandwidth stays that of loopback.
 */
public final class TcpProxy implements Closeable {

    private static final byte[] END = new byte[0];

    private final int targetPort;
    private final long delayNanos;
    private final int port;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket listener;

    public TcpProxy(int targetPort) throws IOException {
        this(targetPort, Duration.ZERO);
    }

    /** A forwarder that delays what it forwards by {@code oneWayDelay} in each direction. */
    public TcpProxy(int targetPort, Duration oneWayDelay) throws IOException {
        this.targetPort = targetPort;
        this.delayNanos = oneWayDelay.toNanos();
        ServerSocket first = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.port = first.getLocalPort();
        listen(first);
    }

    public int port() {
        return port;
    }

    /** Refuses new connections and drops the open ones. */
    public synchronized void cut() throws IOException {
        ServerSocket current = listener;
        listener = null;
        if (current != null) {
            current.close();
        }
        for (Socket socket : sockets) {
            socket.close();
        }
        sockets.clear();
    }

    /** Accepts connections on the same port again. */
    public synchronized void restore() throws IOException {
        if (listener == null) {
            ServerSocket again = new ServerSocket();
            again.setReuseAddress(true);
            again.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            listen(again);
        }
    }

    private void listen(ServerSocket serverSocket) {
        listener = serverSocket;
        Thread acceptor = new Thread(() -> {
            while (!serverSocket.isClosed()) {
                try {
                    Socket client = serverSocket.accept();
                    Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                    // forwarding splits writes; Nagle against delayed ACKs would stall each tail 40 ms
                    client.setTcpNoDelay(true);
                    server.setTcpNoDelay(true);
                    sockets.add(client);
                    sockets.add(server);
                    pump(client, server);
                    pump(server, client);
                } catch (IOException closed) {
                    return;
                }
            }
        }, "tcp-proxy-" + port);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void pump(Socket from, Socket to) {
        if (delayNanos > 0) {
            delayedPump(from, to);
            return;
        }
        Thread pump = new Thread(() -> {
            byte[] buffer = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException dropped) {
                // cut or peer closed
            } finally {
                close(from);
                close(to);
            }
        }, "tcp-proxy-pump");
        pump.setDaemon(true);
        pump.start();
    }

    /**
     * A delay line: the reader stamps each chunk with its arrival time, the writer sends it once
     * the delay has passed since then, so the delay adds to latency without limiting throughput.
     */
    private void delayedPump(Socket from, Socket to) {
        record Chunk(long due, byte[] bytes) {
        }
        BlockingQueue<Chunk> line = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            byte[] buffer = new byte[65536];
            try (InputStream in = from.getInputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    line.add(new Chunk(System.nanoTime() + delayNanos, Arrays.copyOf(buffer, n)));
                }
            } catch (IOException dropped) {
                // cut or peer closed
            } finally {
                line.add(new Chunk(System.nanoTime() + delayNanos, END));
            }
        }, "tcp-proxy-delay-in");
        Thread writer = new Thread(() -> {
            try (OutputStream out = to.getOutputStream()) {
                while (true) {
                    Chunk chunk = line.take();
                    long wait = chunk.due() - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    if (chunk.bytes() == END) {
                        break;
                    }
                    out.write(chunk.bytes());
                    out.flush();
                }
            } catch (IOException | InterruptedException dropped) {
                // cut or peer closed
            } finally {
                close(from);
                close(to);
            }
        }, "tcp-proxy-delay-out");
        for (Thread thread : new Thread[] {reader, writer}) {
            thread.setDaemon(true);
            thread.start();
        }
    }

    private void close(Socket socket) {
        sockets.remove(socket);
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        cut();
    }
}
