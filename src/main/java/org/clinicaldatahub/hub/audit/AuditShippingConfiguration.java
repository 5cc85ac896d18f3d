package org.clinicaldatahub.hub.audit;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.clinicaldatahub.hub.storage.TieredStore;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Ships the audit trail to the WORM bucket and the audit topic; reports the backlog. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = {"hub.audit.enabled", "hub.audit.shipping.enabled"}, havingValue = "true",
        matchIfMissing = true)
public class AuditShippingConfiguration {

    @Bean(destroyMethod = "close")
    KafkaAuditShipper kafkaAuditShipper(AuditProperties properties,
            @Value("${hub.kafka.bootstrap-servers}") String bootstrapServers) {
        return new KafkaAuditShipper(properties.getShipping().getKafkaTopic(), bootstrapServers);
    }

    @Bean
    AuditShipping auditShipping(AuditRecorder recorder, AuditProperties properties, TieredStore tieredStore,
            KafkaAuditShipper kafkaAuditShipper) {
        AuditProperties.Shipping settings = properties.getShipping();
        List<AuditShipper> shippers = new ArrayList<>();
        shippers.add(new ObjectStoreAuditShipper(tieredStore, settings.getDataClass()));
        if (!settings.getKafkaTopic().isBlank()) {
            shippers.add(kafkaAuditShipper);
        }
        return new AuditShipping(recorder.log(), shippers, settings, Clock.systemUTC());
    }

    /** {@code hub.audit.unshipped}: the audit lag Hawtio and Prometheus show. */
    @Bean
    MeterBinder auditShippingMetrics(AuditShipping shipping) {
        return registry -> {
            Gauge.builder("hub.audit.unshipped", shipping, AuditShipping::unshipped)
                    .description("Audit events recorded but not yet shipped to the audit bucket and topic")
                    .register(registry);
            Gauge.builder("hub.audit.backlog.age", shipping, s -> s.backlogAge().toMillis() / 1000.0)
                    .baseUnit("seconds").description("How long unshipped audit events have waited")
                    .register(registry);
            FunctionCounter.builder("hub.audit.shipped", shipping, AuditShipping::shippedEvents)
                    .description("Audit events shipped").register(registry);
            FunctionCounter.builder("hub.audit.ship.failures", shipping, AuditShipping::failures)
                    .description("Failed shipping rounds (retried)").register(registry);
            FunctionCounter.builder("hub.audit.syncs", shipping, s -> s.log().forces())
                    .description("fsyncs of the local audit segments (against events recorded: how well group commit batches)")
                    .register(registry);
        };
    }

    /** Health {@code auditTrail}: DOWN when events have waited longer than the allowed backlog age. */
    @Bean
    HealthIndicator auditTrail(AuditShipping shipping, AuditRecorder recorder, TieredStore tieredStore) {
        return () -> {
            boolean tooOld = shipping.backlogAge().compareTo(shipping.settings().getMaxBacklogAge()) > 0;
            boolean writable = recorder.log().isAvailable();
            Health.Builder health = tooOld || !writable ? Health.down() : Health.up();
            health.withDetail("unshipped", shipping.unshipped())
                    .withDetail("backlogAgeSeconds", shipping.backlogAge().toSeconds())
                    .withDetail("lastSeq", recorder.log().lastSeq())
                    .withDetail("shippedSeq", recorder.log().shippedSeq())
                    .withDetail("localLogWritable", writable);
            if (shipping.lastError() != null) {
                health.withDetail("lastShippingError", shipping.lastError());
            }
            return health.build();
        };
    }
}
