package org.clinicaldatahub.hub.deid;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.clinicaldatahub.hub.HubHeaders;
import org.clinicaldatahub.hub.audit.AuditEvent;
import org.clinicaldatahub.hub.audit.AuditRecorder;
import org.clinicaldatahub.hub.audit.AuditRef;
import org.clinicaldatahub.hub.audit.AuditStep;
import org.clinicaldatahub.hub.storage.Quarantine;
import org.clinicaldatahub.hub.storage.Sha256;
import org.clinicaldatahub.hub.storage.StoredObject;
import org.clinicaldatahub.hub.storage.TieredStore;
import org.clinicaldatahub.hub.storage.TopicArchiver;
import org.clinicaldatahub.hub.terminology.MapTerminology;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The de-identification feeds: the profiles (checked at start-up), the {@code deidentifier} and
 * {@code researchFeed} beans routes call, and the archivers that write the de-identified topics into the research zone
 * ({@code research-active}), one {@code stored} audit event per record.
 */
@Configuration(proxyBeanMethods = false)
public class DeidFeedsConfiguration {

    static final String ARCHIVE_ROUTE = "deid-internal-archive";

    @Bean
    DeidProfiles deidProfiles(DeidentificationProperties properties) {
        return DeidProfiles.load(Path.of(properties.getProfilesDir()));
    }

    @Bean
    DeidStatistics deidStatistics() {
        return new DeidStatistics();
    }

    @Bean(name = {"deidentifier", "deidentify"})
    Deidentifier deidentifier(DeidProfiles profiles, Pseudonymizer pseudonymizer, DeidStatistics statistics,
            TieredStore tieredStore, DeidentificationProperties properties) {
        Clock clock = Clock.systemUTC();
        RecentPatients recent = new RecentPatients(properties.getRecentPatients());
        return new Deidentifier(profiles, new Hl7Deidentifier(pseudonymizer, clock, recent),
                new FhirDeidentifier(pseudonymizer, clock, recent), statistics, tieredStore.hubVersion());
    }

    /** Reads the research feeds' lag behind their identified input topics (gauge {@code hub.deid.lag}). */
    @Bean
    ConsumerGroupLag deidFeedLag(@Value("${hub.kafka.bootstrap-servers}") String bootstrapServers) {
        return new ConsumerGroupLag(bootstrapServers, Duration.ofSeconds(2));
    }

    /**
     * Records waiting for de-identification per feed: on the input topic, not yet committed by the
     * feed's consumer group (so a batch in flight counts until it is published and acknowledged).
     */
    @Bean
    MeterBinder deidFeedMetrics(ConsumerGroupLag deidFeedLag, DeidentificationProperties properties) {
        return registry -> {
            registerLag(registry, deidFeedLag, "hl7", properties.getHl7());
            registerLag(registry, deidFeedLag, "fhir", properties.getFhir());
        };
    }

    private static void registerLag(MeterRegistry registry, ConsumerGroupLag lag, String feed,
            DeidentificationProperties.Feed settings) {
        if (!settings.isEnabled()) {
            // a feed that is switched off has nothing in progress; its whole input would show as "waiting"
            return;
        }
        Gauge.builder("hub.deid.lag", lag, l -> l.lag(settings.getGroupId(), settings.getInputTopic()))
                .tags(Tags.of("feed", feed))
                .description("Identified records not yet de-identified and published by the research feed")
                .register(registry);
    }

    /** The batched HL7 v2 feed's steps (route deid-internal-hl7): de-identify and map, audit, commit. */
    @Bean
    ResearchFeed researchFeed(Deidentifier deidentifier, MapTerminology mapTerminology, Quarantine quarantine,
            AuditRecorder auditRecorder) {
        return new ResearchFeed(deidentifier, mapTerminology, quarantine, auditRecorder);
    }

    @Bean
    @ConditionalOnProperty(name = "hub.deid.archive.enabled", havingValue = "true", matchIfMissing = true)
    TopicArchiver deidHl7Archiver(DeidentificationProperties properties, TieredStore tieredStore,
            AuditRecorder auditRecorder, @Value("${hub.kafka.bootstrap-servers}") String bootstrapServers) {
        return archiver("deid-hl7", properties.getHl7(), properties, tieredStore, auditRecorder, bootstrapServers);
    }

    @Bean
    @ConditionalOnProperty(name = "hub.deid.archive.enabled", havingValue = "true", matchIfMissing = true)
    TopicArchiver deidFhirArchiver(DeidentificationProperties properties, TieredStore tieredStore,
            AuditRecorder auditRecorder, @Value("${hub.kafka.bootstrap-servers}") String bootstrapServers) {
        return archiver("deid-fhir", properties.getFhir(), properties, tieredStore, auditRecorder, bootstrapServers);
    }

    private static TopicArchiver archiver(String channel, DeidentificationProperties.Feed feed,
            DeidentificationProperties properties, TieredStore tieredStore, AuditRecorder auditRecorder,
            String bootstrapServers) {
        DeidentificationProperties.Archive archive = properties.getArchive();
        TopicArchiver.Settings settings = new TopicArchiver.Settings(channel, feed.getOutputTopic(),
                feed.getGroupId() + "-archive", archive.getDataClass(), "deidentifier", archive.getMaxRecords(),
                archive.getMaxBytes(), archive.getMaxAge());
        return new TopicArchiver(settings, bootstrapServers, tieredStore,
                (stored, records) -> auditStored(auditRecorder, channel, stored, records));
    }

    /** One {@code stored} event per de-identified record, naming the research object it now lives in. */
    private static void auditStored(AuditRecorder audit, String channel, StoredObject stored,
            List<ConsumerRecord<byte[], byte[]>> records) {
        for (ConsumerRecord<byte[], byte[]> record : records) {
            AuditEvent.Builder event = AuditEvent.builder(AuditStep.STORED).route(ARCHIVE_ROUTE)
                    .ref(AuditRef.CHANNEL, channel)
                    .ref(AuditRef.BUCKET, stored.bucket())
                    .ref(AuditRef.OBJECT_KEY, stored.key())
                    .checksum(Sha256.hexDigest(record.value() == null ? new byte[0] : record.value()));
            String pseudonym = header(record, HubHeaders.PATIENT_PSEUDONYM);
            if (pseudonym != null) {
                try {
                    event.ref(AuditRef.PATIENT_PSEUDONYM, pseudonym);
                } catch (IllegalArgumentException e) {
                    // left out: not a usable reference
                }
            }
            audit.record(event);
        }
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
