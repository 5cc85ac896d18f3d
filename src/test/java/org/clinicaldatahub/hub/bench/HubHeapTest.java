package org.clinicaldatahub.hub.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The heap reading against a stand-in for Spring Boot Actuator's metrics endpoint. */
class HubHeapTest {

    private HttpServer http;
    private String base;

    @BeforeEach
    void start() throws Exception {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        String expected = "Basic " + Base64.getEncoder().encodeToString("ops:s3cret".getBytes(StandardCharsets.UTF_8));
        http.createContext("/actuator/metrics/", exchange -> {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            String query = exchange.getRequestURI().getQuery();
            byte[] body;
            int status;
            if (!expected.equals(auth)) {
                status = 401;
                body = new byte[0];
            } else {
                boolean max = exchange.getRequestURI().getPath().endsWith("jvm.memory.max");
                status = "tag=area:heap".equals(query) ? 200 : 400;
                body = ("{\"name\":\"x\",\"baseUnit\":\"bytes\",\"measurements\":[{\"statistic\":\"VALUE\",\"value\":"
                        + (max ? "1.073741824E9" : "1.2582912E8") + "}],\"availableTags\":[]}")
                        .getBytes(StandardCharsets.UTF_8);
            }
            exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        http.start();
        base = "http://127.0.0.1:" + http.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        http.stop(0);
    }

    @Test
    void readsUsedAndMaxHeapWithBasicAuth() {
        assertThat(new HubHeap(base, "ops", "s3cret").describe()).isEqualTo("120.0 MiB used of 1024.0 MiB");
    }

    @Test
    void degradesToAReasonWithoutCredentialsOrServer() {
        assertThat(new HubHeap(base, "", "").describe()).isEqualTo("unavailable (HTTP 401 from " + base + ")");
        assertThat(new HubHeap("http://127.0.0.1:1", "", "").describe()).startsWith("unavailable (");
        assertThat(new HubHeap("none", "", "").describe()).startsWith("not queried");
    }
}
