package org.clinicaldatahub.hub.fhir;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.clinicaldatahub.hub.audit.AuditEvent;
import org.clinicaldatahub.hub.audit.AuditRecorder;
import org.clinicaldatahub.hub.audit.AuditRef;
import org.clinicaldatahub.hub.audit.AuditStep;
import org.clinicaldatahub.hub.storage.Sha256;
import org.clinicaldatahub.hub.storage.StoredObject;
import org.clinicaldatahub.hub.storage.TieredStore;
import org.clinicaldatahub.hub.storage.TopicArchiver;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Archives every committed FHIR resource from {@code hub.fhir.inbound} into the identified
 * clinical-hot data class, as the HL7 channel does: batched gzip NDJSON, exactly once per record.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "hub.fhir.archive.enabled", havingValue = "true", matchIfMissing = true)
public class FhirArchiveConfiguration {

    static final String ARCHIVE_ROUTE = "fhir-internal-archive";

    @Bean
    TopicArchiver fhirArchiver(FhirProperties properties, TieredStore tieredStore, AuditRecorder auditRecorder,
            @Value("${hub.kafka.bootstrap-servers}") String bootstrapServers) {
        FhirProperties.Archive archive = properties.getArchive();
        TopicArchiver.Settings settings = new TopicArchiver.Settings("fhir", properties.getTopic(),
                archive.getGroupId(), archive.getDataClass(), "fhir", archive.getMaxRecords(),
                archive.getMaxBytes(), archive.getMaxAge());
        return new TopicArchiver(settings, bootstrapServers, tieredStore,
                (stored, records) -> auditStored(auditRecorder, stored, records));
    }

    /** One {@code stored} event per resource, naming the archive object it now lives in. */
    private static void auditStored(AuditRecorder audit, StoredObject stored,
            List<ConsumerRecord<byte[], byte[]>> records) {
        for (ConsumerRecord<byte[], byte[]> record : records) {
            AuditEvent.Builder event = AuditEvent.builder(AuditStep.STORED).route(ARCHIVE_ROUTE)
                    .ref(AuditRef.CHANNEL, "fhir")
                    .ref(AuditRef.BUCKET, stored.bucket())
                    .ref(AuditRef.OBJECT_KEY, stored.key())
                    .checksum(Sha256.hexDigest(record.value() == null ? new byte[0] : record.value()));
            String actor = header(record, org.clinicaldatahub.hub.HubHeaders.ACTOR);
            if (actor != null && !actor.isBlank()) {
                try {
                    event.actor(actor);
                } catch (IllegalArgumentException e) {
                    // not a usable actor reference: left out
                }
            }
            audit.record(event);
        }
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Archive progress of the FHIR channel: records and objects written, failed puts, lag behind Kafka. */
    @Bean
    MeterBinder fhirArchiveMetrics(TopicArchiver fhirArchiver) {
        return registry -> {
            Tags tags = Tags.of("channel", fhirArchiver.settings().channel());
            Gauge.builder("hub.archive.records", fhirArchiver, TopicArchiver::archivedRecords).tags(tags)
                    .description("Messages archived into object storage").register(registry);
            Gauge.builder("hub.archive.objects", fhirArchiver, TopicArchiver::archivedObjects).tags(tags)
                    .description("Archive objects written").register(registry);
            Gauge.builder("hub.archive.store.failures", fhirArchiver, TopicArchiver::failedStores).tags(tags)
                    .description("Archive puts that failed and were retried").register(registry);
            Gauge.builder("hub.archive.lag", fhirArchiver, TopicArchiver::lag).tags(tags)
                    .description("Messages in Kafka not yet archived").register(registry);
        };
    }
}
