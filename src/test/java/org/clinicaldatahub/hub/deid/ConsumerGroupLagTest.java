package org.clinicaldatahub.hub.deid;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The gauge must never hold up a metrics scrape; the values against a real broker are in DeidRoutesTest. */
class ConsumerGroupLagTest {

    @Test
    void aScrapeDoesNotWaitForAnUnreachableBrokerAndShowsNoValue() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (ConsumerGroupLag lag = new ConsumerGroupLag("localhost:" + closedPort, Duration.ofMillis(1))) {
            for (int i = 0; i < 5; i++) {
                long start = System.nanoTime();
                double value = lag.lag("hub-deid-hl7", "hub.hl7.inbound");
                long tookMillis = (System.nanoTime() - start) / 1_000_000;

                assertThat(value).isNaN();
                assertThat(tookMillis).as("a scrape answers from the last reading").isLessThan(1_000);
                Thread.sleep(20);
            }
        }
    }
}
