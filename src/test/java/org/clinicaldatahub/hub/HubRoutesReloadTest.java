package org.clinicaldatahub.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;

/** An analyst saves a route file in the routes directory; the running hub picks it up and reloads it. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability
@ActiveProfiles("test")
class HubRoutesReloadTest {

    @Autowired
    CamelContext camel;
    @Autowired
    ProducerTemplate producer;
    @Value("${hub.routes-dir}")
    Path routesDir;

    private Path routeFile() {
        return routesDir.resolve("test-internal-reload-probe.camel.yaml");
    }

    private static String route(String answer) {
        return """
                - route:
                    id: test-internal-reload-probe
                    from:
                      uri: direct:reload-probe
                      steps:
                        - setBody:
                            constant: "%s"
                """.formatted(answer);
    }

    @AfterEach
    void removeProbe() throws Exception {
        Files.deleteIfExists(routeFile());
    }

    @Test
    void savedRouteFileIsLoadedAndAChangeReplacesItWithoutTouchingPackagedRoutes() throws Exception {
        Files.writeString(routeFile(), route("first"));
        awaitAnswer("first");
        Files.writeString(routeFile(), route("second"));
        awaitAnswer("second");
        assertThat(camel.getRouteController().getRouteStatus("hl7-inbound-mllp").isStarted()).isTrue();
    }

    private void awaitAnswer(String expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String answer = null;
        while (System.nanoTime() < deadline) {
            if (camel.getRoute("test-internal-reload-probe") != null) {
                try {
                    answer = producer.requestBody("direct:reload-probe", "", String.class);
                } catch (RuntimeException stillReloading) {
                    answer = null;
                }
                if (expected.equals(answer)) {
                    return;
                }
            }
            Thread.sleep(250);
        }
        assertThat(answer).as("answer of the reloaded route").isEqualTo(expected);
    }
}
