package org.clinicaldatahub.hub.hl7;

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
}
