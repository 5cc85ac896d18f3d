package org.clinicaldatahub.hub.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.ActiveProfiles;

/** Hawtio and every endpoint but the bare health status need a login; Hawtio shows the routes. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability
@ActiveProfiles("test")
class HttpSecurityTest {

    @Autowired
    TestRestTemplate http;

    @Test
    void hawtioAndActuatorRefuseAnonymousCallers() {
        for (String path : new String[] {"/actuator/hawtio/", "/actuator/hawtio/jolokia/version",
                "/actuator/prometheus", "/actuator/metrics"}) {
            ResponseEntity<String> response = http.getForEntity(path, String.class);
            assertThat(response.getStatusCode()).as(path).isEqualTo(HttpStatus.UNAUTHORIZED);
        }
    }

    @Test
    void wrongPasswordIsRefused() {
        ResponseEntity<String> response = http.withBasicAuth("admin", "wrong")
                .getForEntity("/actuator/hawtio/jolokia/version", String.class);
        assertThat(response.getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
    }

    @Test
    void hawtioShowsTheCamelRoutesAfterLogin() {
        TestRestTemplate admin = http.withBasicAuth("admin", "test-password");
        assertThat(admin.getForEntity("/actuator/hawtio/index.html", String.class).getStatusCode())
                .isEqualTo(HttpStatus.OK);
        ResponseEntity<String> routes = admin.getForEntity(
                "/actuator/hawtio/jolokia/search/org.apache.camel:type=routes,*", String.class);
        assertThat(routes.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(routes.getBody()).contains("hl7-inbound-mllp");
    }

    @Test
    void healthStatusIsOpenForLoadBalancersButDetailsNeedLogin() {
        ResponseEntity<String> anonymous = http.getForEntity("/actuator/health", String.class);
        assertThat(anonymous.getBody()).contains("\"status\"").doesNotContain("mllpListener");
        ResponseEntity<String> admin = http.withBasicAuth("admin", "test-password")
                .getForEntity("/actuator/health", String.class);
        assertThat(admin.getBody()).contains("kafka", "objectStore", "mllpListener");
    }

    @Test
    void prometheusExposesPerRouteMetrics() {
        String metrics = http.withBasicAuth("admin", "test-password").getForObject("/actuator/prometheus", String.class);
        assertThat(metrics).contains("routeId=\"hl7-inbound-mllp\"");
    }
}
