package org.clinicaldatahub.hub.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.clinicaldatahub.hub.hl7.support.AckServer;
import org.junit.jupiter.api.Test;

/** Smoke test of the benchmark against the in-test ACK server (never against a hub). */
class MllpBenchTest {

    @Test
    void countsEveryAckAndReportsLatency() throws Exception {
        try (AckServer server = new AckServer(AckServer.Mode.NORMAL)) {
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            MllpBench.Result r = bench(server, text, "connections=3", "messages=601", "warmup=30", "window=1");

            assertThat(r.failures()).isZero();
            assertThat(r.ok()).isEqualTo(601);
            assertThat(r.latencyMicros().getTotalCount()).isEqualTo(601);
            assertThat(server.received()).hasSize(631);
            assertThat(text.toString(StandardCharsets.UTF_8))
                    .contains("601 acked (601 AA)", "p99.9", "failures     0", "hub heap     before: unavailable");
        }
    }

    @Test
    void pipelinedWindowKeepsOrderAndUniqueControlIds() throws Exception {
        try (AckServer server = new AckServer(AckServer.Mode.BATCH)) {
            MllpBench.Result r = bench(server, new ByteArrayOutputStream(),
                    "connections=4", "messages=800", "warmup=0", "window=16", "runId=T1");
            assertThat(r.failures()).isZero();
            assertThat(r.ok()).isEqualTo(800);
            assertThat(server.framesPerRead()).anyMatch(n -> n > 1);
            assertThat(server.received().stream().map(b -> new String(b, StandardCharsets.ISO_8859_1).split("\\|")[9])
                    .distinct().count()).isEqualTo(800);
        }
    }

    @Test
    void countsNegativeAcksAndFailsMain() throws Exception {
        try (AckServer server = new AckServer(AckServer.Mode.NORMAL, "AE")) {
            MllpBench.Result r = bench(server, new ByteArrayOutputStream(), "connections=2", "messages=50", "warmup=0");
            assertThat(r.ok()).isZero();
            assertThat(r.nonAccept()).containsEntry("AE", 50L);
            assertThat(r.failures()).isEqualTo(50);

            assertThatThrownBy(() -> MllpBench.main(new String[] {"port=" + server.port(), "connections=1",
                "messages=5", "warmup=0", "actuator=none", "progressSeconds=0"}))
                    .hasMessageContaining("5 of 5 messages failed");
        }
    }

    @Test
    void refusedConnectionCountsAsUnanswered() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        BenchConfig c = BenchConfig.from(new String[] {"port=" + closedPort, "connections=2", "messages=10",
            "actuator=none", "progressSeconds=0"}, new Properties());
        MllpBench.Result r = new MllpBench(c, new PrintStream(new ByteArrayOutputStream())).run();
        assertThat(r.unanswered()).isEqualTo(10);
        assertThat(r.errors()).hasSize(2);
    }

    @Test
    void argumentsOverrideProperties() {
        Properties p = new Properties();
        p.setProperty("bench.connections", "3");
        p.setProperty("bench.port", "9999");
        BenchConfig c = BenchConfig.from(new String[] {"--bench.port=2600", "window=4", "types=ADT^A01,ORU^R01"}, p);
        assertThat(c.connections()).isEqualTo(3);
        assertThat(c.port()).isEqualTo(2600);
        assertThat(c.window()).isEqualTo(4);
        assertThat(c.types()).containsExactly("ADT^A01", "ORU^R01");
        assertThat(c.actuator()).isEqualTo("http://localhost:8080");
        assertThat(c.share(10, 0) + c.share(10, 1) + c.share(10, 2)).isEqualTo(10);
        assertThatThrownBy(() -> BenchConfig.from(new String[] {"window=0"}, new Properties()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static MllpBench.Result bench(AckServer server, ByteArrayOutputStream text, String... args) throws Exception {
        String[] all = new String[args.length + 3];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "port=" + server.port();
        // a port nothing listens on: the heap reading must degrade, not fail
        all[args.length + 1] = "actuator=http://127.0.0.1:1";
        all[args.length + 2] = "progressSeconds=0";
        BenchConfig c = BenchConfig.from(all, new Properties());
        return new MllpBench(c, new PrintStream(text, true, StandardCharsets.UTF_8)).run();
    }
}
