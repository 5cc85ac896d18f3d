package org.clinicaldatahub.hub.hl7;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/** Health of the MLLP listener: the route is started and the port accepts connections. */
@Component("mllpListener")
public class MllpListenerHealthIndicator implements HealthIndicator {

    static final String ROUTE_ID = "hl7-inbound-mllp";
    private final CamelContext camel;
    private final Hl7Properties properties;

    public MllpListenerHealthIndicator(CamelContext camel, Hl7Properties properties) {
        this.camel = camel;
        this.properties = properties;
    }

    @Override
    public Health health() {
        ServiceStatus status = camel.getRouteController().getRouteStatus(ROUTE_ID);
        if (status == null || !status.isStarted()) {
            return Health.down().withDetail("route", ROUTE_ID).withDetail("status", String.valueOf(status)).build();
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("localhost", properties.getMllpPort()), 1000);
            return Health.up().withDetail("port", properties.getMllpPort()).build();
        } catch (IOException e) {
            return Health.down().withDetail("port", properties.getMllpPort())
                    .withDetail("error", e.getClass().getSimpleName()).build();
        }
    }
}
