package org.clinicaldatahub.hub.hl7;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.clinicaldatahub.hub.storage.TieredStore;
import org.clinicaldatahub.hub.storage.TopicArchiver;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Archives every committed HL7 message from Kafka into the clinical-hot data class. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "hub.hl7.archive.enabled", havingValue = "true", matchIfMissing = true)
public class Hl7ArchiveConfiguration {

    @Bean
    TopicArchiver hl7Archiver(Hl7Properties properties, TieredStore tieredStore,
            @Value("${hub.kafka.bootstrap-servers}") String bootstrapServers) {
        Hl7Properties.Archive archive = properties.getArchive();
        TopicArchiver.Settings settings = new TopicArchiver.Settings("hl7", properties.getTopic(),
                archive.getGroupId(), archive.getDataClass(), "mllp", archive.getMaxRecords(),
                archive.getMaxBytes(), archive.getMaxAge());
        return new TopicArchiver(settings, bootstrapServers, tieredStore, (stored, records) -> { });
    }

    /** Archive progress per channel: records and objects written, failed puts, lag behind Kafka. */
    @Bean
    MeterBinder hl7ArchiveMetrics(TopicArchiver hl7Archiver) {
        return registry -> {
            Tags tags = Tags.of("channel", hl7Archiver.settings().channel());
            Gauge.builder("hub.archive.records", hl7Archiver, TopicArchiver::archivedRecords).tags(tags)
                    .description("Messages archived into object storage").register(registry);
            Gauge.builder("hub.archive.objects", hl7Archiver, TopicArchiver::archivedObjects).tags(tags)
                    .description("Archive objects written").register(registry);
            Gauge.builder("hub.archive.store.failures", hl7Archiver, TopicArchiver::failedStores).tags(tags)
                    .description("Archive puts that failed and were retried").register(registry);
            Gauge.builder("hub.archive.lag", hl7Archiver, TopicArchiver::lag).tags(tags)
                    .description("Messages in Kafka not yet archived").register(registry);
        };
    }
}
