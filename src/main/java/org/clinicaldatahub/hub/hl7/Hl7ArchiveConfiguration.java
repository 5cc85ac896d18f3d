package org.clinicaldatahub.hub.hl7;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.clinicaldatahub.hub.HubHeaders;
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

/** Archives every committed HL7 message from Kafka into the clinical-hot data class. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "hub.hl7.archive.enabled", havingValue = "true", matchIfMissing = true)
public class Hl7ArchiveConfiguration {

    static final String ARCHIVE_ROUTE = "hl7-internal-archive";

    @Bean
    TopicArchiver hl7Archiver(Hl7Properties properties, TieredStore tieredStore, AuditRecorder auditRecorder,
            @Value("${hub.kafka.bootstrap-servers}") String bootstrapServers) {
        Hl7Properties.Archive archive = properties.getArchive();
        TopicArchiver.Settings settings = new TopicArchiver.Settings("hl7", properties.getTopic(),
                archive.getGroupId(), archive.getDataClass(), "mllp", archive.getMaxRecords(),
                archive.getMaxBytes(), archive.getMaxAge());
        return new TopicArchiver(settings, bootstrapServers, tieredStore,
                (stored, records) -> auditStored(auditRecorder, stored, records));
    }

    /** One {@code stored} event per message, naming the archive object it now lives in. */
    private static void auditStored(AuditRecorder audit, StoredObject stored,
            List<ConsumerRecord<byte[], byte[]>> records) {
        for (ConsumerRecord<byte[], byte[]> record : records) {
            AuditEvent.Builder event = AuditEvent.builder(AuditStep.STORED).route(ARCHIVE_ROUTE)
                    .ref(AuditRef.CHANNEL, "hl7")
                    .ref(AuditRef.BUCKET, stored.bucket())
                    .ref(AuditRef.OBJECT_KEY, stored.key())
                    .checksum(Sha256.hexDigest(record.value() == null ? new byte[0] : record.value()));
            String controlId = header(record, HubHeaders.CONTROL_ID);
            if (controlId != null) {
                event.ref(AuditRef.CONTROL_ID, controlId);
            }
            String actor = header(record, HubHeaders.ACTOR);
            if (actor != null) {
                event.actor(actor);
            }
            audit.record(event);
        }
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
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
