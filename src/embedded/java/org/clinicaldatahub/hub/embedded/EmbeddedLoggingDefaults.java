package org.clinicaldatahub.hub.embedded;

import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Quiets the in-process Kafka broker: at INFO it logs every partition, segment and config dump
 * into the hub's log. Adds {@code logging.level.*=WARN} for Kafka's loggers as the lowest-priority
 * property source, so application.yaml or the command line can still turn them up. Runs after
 * application.yaml is loaded (to see {@code hub.embedded.enabled}) and before Spring Boot
 * configures logging, which is the only point where such defaults take effect for every context.
 */
public final class EmbeddedLoggingDefaults implements EnvironmentPostProcessor, Ordered {

    static final String PROPERTY_SOURCE_NAME = "hubEmbeddedLoggingDefaults";

    @Override
    public int getOrder() {
        return ConfigDataEnvironmentPostProcessor.ORDER + 1;
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (!EmbeddedSettings.isEnabled(environment) || environment.getPropertySources().contains(PROPERTY_SOURCE_NAME)) {
            return;
        }
        environment.getPropertySources().addLast(new MapPropertySource(PROPERTY_SOURCE_NAME, Map.of(
                "logging.level.kafka", "WARN",
                "logging.level.org.apache.kafka", "WARN",
                "logging.level.state.change.logger", "WARN",
                "logging.level.org.apache.zookeeper", "WARN"))); // kafka_2.13 3.9 still loads ZooKeeper's TLS utils
    }
}
