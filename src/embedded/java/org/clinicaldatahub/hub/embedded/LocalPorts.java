package org.clinicaldatahub.hub.embedded;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Checks that a loopback port is free before a server is started on it. Without this a second
 * hub on the same machine would start its S3 child, which fails to bind while the readiness
 * poll happily talks to the first hub's server, and the two hubs would silently share storage.
 */
final class LocalPorts {

    private LocalPorts() {
    }

    /** True if nothing listens on {@code localhost:port} (the bind test also sees wildcard listeners). */
    static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true); // a port in TIME_WAIT after our own restart is usable
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Fails with a message naming the property that moves the server to another port. */
    static void requireFree(int port, String what, String property) {
        if (!isFree(port)) {
            throw new IllegalStateException(what + ": port " + port + " on localhost is already in use (another hub "
                    + "instance or server?). Stop it, or set " + property + " to a free port.");
        }
    }
}
