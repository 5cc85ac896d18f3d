package org.clinicaldatahub.hub.embedded;

import java.net.InetAddress;

import org.apache.catalina.connector.Connector;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;

/**
 * Runs inside the S3Mock child process, never in the hub. S3Mock adds its plain-HTTP connector
 * itself and binds it to every network interface; {@code server.address} only reaches its HTTPS
 * connector. An unauthenticated object store holding identified clinical data must not be
 * reachable from the network, so this binds the extra connectors to the loopback address too.
 *
 * <p>{@link S3MockServer} copies this class file and an auto-configuration import naming it into
 * a directory on S3Mock's {@code loader.path}. It is deliberately not annotated, so the hub's
 * component scan does not pick it up. It may use only Spring Boot and Tomcat classes, which
 * S3Mock carries (S3Mock 4.12 is built on Spring Boot 3.5; re-check on an S3Mock upgrade).
 */
public class S3MockLoopbackCustomizer implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        String loopback = InetAddress.getLoopbackAddress().getHostAddress();
        for (Connector connector : factory.getAdditionalTomcatConnectors()) {
            connector.setProperty("address", loopback);
        }
    }
}
