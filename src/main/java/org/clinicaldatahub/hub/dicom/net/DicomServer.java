package org.clinicaldatahub.hub.dicom.net;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.Semaphore;

import javax.net.ssl.SSLServerSocketFactory;

import org.clinicaldatahub.hub.DaemonThreads;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DICOM listener: accepts TCP connections on the plain port and, when configured, on a TLS
 * port (DICOM TLS secure transport connection profile, PS3.15 B.1), and runs each association on
 * a thread of a bounded pool. At most {@link AcceptorPolicy#maxAssociations()} associations are
 * established at once; further requests are answered A-ASSOCIATE-RJ (transient, local limit
 * exceeded), and connections beyond twice that are closed at once.
 */
public final class DicomServer implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(DicomServer.class);

    private final AcceptorPolicy policy;
    private final StoreHandler storeHandler;
    private final AssociationMonitor monitor;
    private final Semaphore capacity;
    private final ExecutorService associations;
    private final List<ServerSocket> listeners = new ArrayList<>();
    private final List<Thread> acceptors = new ArrayList<>();
    private final AtomicLong ids = new AtomicLong();
    private volatile boolean closed;

    public DicomServer(AcceptorPolicy policy, StoreHandler storeHandler, AssociationMonitor monitor) {
        this.policy = policy;
        this.storeHandler = storeHandler;
        this.monitor = monitor;
        this.capacity = new Semaphore(policy.maxAssociations());
        int threads = policy.maxAssociations() * 2;
        this.associations = new ThreadPoolExecutor(0, threads, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                DaemonThreads.numbered("dicom-association-"), (r, pool) -> {
            throw new java.util.concurrent.RejectedExecutionException("no association thread free");
        });
    }

    /** Listens on {@code port} (0 = any free port); returns the bound port. */
    public int listen(InetAddress bind, int port) throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(bind, port), 128);
        start(server, false);
        return server.getLocalPort();
    }

    /** Listens for TLS connections (PS3.15 B.1: TLS 1.2 or later, peer certificates as the factory requires). */
    public int listenTls(InetAddress bind, int port, SSLServerSocketFactory factory, boolean needClientAuth)
            throws IOException {
        javax.net.ssl.SSLServerSocket server = (javax.net.ssl.SSLServerSocket) factory.createServerSocket();
        server.setReuseAddress(true);
        server.setEnabledProtocols(java.util.Arrays.stream(server.getSupportedProtocols())
                .filter(p -> p.equals("TLSv1.2") || p.equals("TLSv1.3")).toArray(String[]::new));
        server.setNeedClientAuth(needClientAuth);
        server.bind(new InetSocketAddress(bind, port), 128);
        start(server, true);
        return server.getLocalPort();
    }

    private void start(ServerSocket server, boolean tls) {
        listeners.add(server);
        Thread acceptor = new Thread(() -> acceptLoop(server, tls),
                "dicom-accept-" + (tls ? "tls-" : "") + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptors.add(acceptor);
        acceptor.start();
        LOG.info("DICOM SCP {} listening on {}:{}{}", policy.aeTitle(), server.getInetAddress().getHostAddress(),
                server.getLocalPort(), tls ? " (TLS)" : "");
    }

    private void acceptLoop(ServerSocket server, boolean tls) {
        while (!closed) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (SocketException e) {
                if (!closed) {
                    LOG.error("DICOM listener on port {} stopped: {}", server.getLocalPort(), e.toString());
                }
                return;
            } catch (IOException e) {
                LOG.warn("DICOM accept failed: {}", e.toString());
                continue;
            }
            String id = Long.toString(ids.incrementAndGet(), 36);
            try {
                associations.execute(new Association(socket, policy, storeHandler, monitor, capacity, id, tls));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                LOG.warn("DICOM connection from {} closed: {} connections open", socket.getInetAddress().getHostAddress(),
                        policy.maxAssociations() * 2);
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing
                }
            }
        }
    }

    /** Associations established right now. */
    public int activeAssociations() {
        return policy.maxAssociations() - capacity.availablePermits();
    }

    /** Stops listening and waits up to {@code graceMillis} for running associations to finish. */
    public void close(long graceMillis) {
        closed = true;
        for (ServerSocket server : listeners) {
            try {
                server.close();
            } catch (IOException ignored) {
                // closing
            }
        }
        associations.shutdown();
        try {
            if (!associations.awaitTermination(graceMillis, TimeUnit.MILLISECONDS)) {
                associations.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            associations.shutdownNow();
        }
    }

    @Override
    public void close() {
        close(5000);
    }
}
