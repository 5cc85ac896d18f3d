package org.clinicaldatahub.hub.deid;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.clinicaldatahub.hub.HubHeaders;
import org.clinicaldatahub.hub.audit.AuditRecorder;
import org.clinicaldatahub.hub.storage.Quarantine;
import org.clinicaldatahub.hub.storage.Sha256;

/**
 * A de-identified research feed that works in Kafka batches (bean {@code researchFeed}, route
 * {@code deid-internal-hl7}). The route consumes with camel-kafka batching and manual commit, so
 * the body is the list of the records' exchanges, and calls, in this order:
 * <ol>
 * <li>{@link #deidentifyAndMap}: per record {@code received}, de-identify ({@code deidentified}),
 * map terminology ({@code mapped}), research headers. A record that fails is quarantined with its
 * reason ({@code DEID_*}, or {@code MAPPING_FAILED}) and audited {@code rejected}; the rest of the
 * batch goes on. The body becomes the list of research records.</li>
 * <li>{@code to: kafka:<research topic>}: the whole list sent at once, then every ack awaited.</li>
 * <li>{@link #published}: one {@code published} event per research record.</li>
 * <li>{@link #commit}: the batch's offsets are committed, only now.</li>
 * </ol>
 * If anything fails for the batch as a whole (the publish, the audit trail), nothing is committed
 * and the consumer reads the batch again: at least once. A record published twice is recognisable
 * by its {@code hubSourceRef} header (source topic/partition/offset). Records keep their order per
 * source partition, and so per patient.
 */
public class ResearchFeed {

    /** Reason code of a record whose terminology mapping failed (the record is quarantined as received). */
    public static final String MAPPING_FAILED = "MAPPING_FAILED";
    /** Reason code of any other failure of one record (by reference only). */
    public static final String DEID_FAILED = "DEID_FAILED";
    /** Batch exchange property: per source partition, the manual commit of the batch's last record. */
    static final String OFFSETS_TO_COMMIT = "hubFeedOffsetsToCommit";

    private final Deidentifier deidentifier;
    private final Processor mapTerminology;
    private final Quarantine quarantine;
    private final AuditRecorder audit;

    public ResearchFeed(Deidentifier deidentifier, Processor mapTerminology, Quarantine quarantine, AuditRecorder audit) {
        this.deidentifier = deidentifier;
        this.mapTerminology = mapTerminology;
        this.quarantine = quarantine;
        this.audit = audit;
    }

    /**
     * De-identifies under {@code profile} and maps every record of the batch; the body becomes the
     * list of research records to publish (each keyed by its patient pseudonym, research headers only).
     */
    public void deidentifyAndMap(Exchange batch, String profile) {
        List<Exchange> records = records(batch);
        // taken before the research headers replace the records' Kafka headers
        batch.setProperty(OFFSETS_TO_COMMIT, lastPerPartition(records));
        batch.setProperty(AuditRecorder.AUDITED_PER_RECORD, true);
        String routeId = batch.getFromRouteId();
        String channel = batch.getMessage().getHeader(HubHeaders.CHANNEL, routeId, String.class);
        String from = batch.getFromEndpoint() == null ? null : AuditRecorder.endpointReference(batch.getFromEndpoint());
        List<Exchange> research = new ArrayList<>(records.size());
        for (Exchange record : records) {
            Message in = record.getMessage();
            in.setHeader(HubHeaders.CHANNEL, channel);
            audit.recordStep(record, "received", routeId, from);
            Object source = in.getBody();
            try {
                deidentifier.deidentify(record, profile);
            } catch (DeidRejection e) {
                reject(record, routeId, source, e.reasonCode());
                continue;
            } catch (RuntimeException e) {
                reject(record, routeId, source, DEID_FAILED);
                continue;
            }
            audit.recordStep(record, "deidentified", routeId, null);
            Object deidentified = in.getBody();
            try {
                mapTerminology.process(record);
            } catch (Exception e) {
                reject(record, routeId, source, MAPPING_FAILED);
                continue;
            }
            if (in.getBody() != deidentified) {
                // codes were added: the checksum names the record as published
                in.setHeader(HubHeaders.SHA256, Sha256.hexDigest(in.getBody(byte[].class)));
            }
            audit.recordStep(record, "mapped", routeId, null);
            deidentifier.researchHeaders(record);
            research.add(record);
        }
        batch.getMessage().setBody(research);
    }

    /** After the publish: one {@code published} event per research record, naming the topic. */
    public void published(Exchange batch, String topic) {
        String routeId = batch.getFromRouteId();
        for (Exchange record : records(batch)) {
            audit.recordStep(record, "published", routeId, "kafka:" + topic);
        }
    }

    /**
     * Commits the offsets of the batch: for each source partition, up to its last record. Called
     * only after the publish was acknowledged and the events recorded.
     */
    public void commit(Exchange batch) {
        @SuppressWarnings("unchecked")
        Map<String, KafkaManualCommit> commits = batch.getProperty(OFFSETS_TO_COMMIT, Map.class);
        if (commits == null) {
            throw new IllegalStateException("researchFeed.commit needs researchFeed.deidentifyAndMap earlier in the route");
        }
        for (KafkaManualCommit commit : commits.values()) {
            commit.commit();
        }
    }

    /** For each source partition, the manual commit of its last record in the batch. */
    private static Map<String, KafkaManualCommit> lastPerPartition(List<Exchange> records) {
        Map<String, KafkaManualCommit> last = new LinkedHashMap<>();
        for (Exchange record : records) {
            Message in = record.getMessage();
            KafkaManualCommit commit = in.getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
            if (commit != null) {
                last.put(in.getHeader(KafkaConstants.TOPIC) + "/" + in.getHeader(KafkaConstants.PARTITION), commit);
            }
        }
        return last;
    }

    private void reject(Exchange record, String routeId, Object source, String reasonCode) {
        Message in = record.getMessage();
        in.setBody(source);
        in.setHeader(HubHeaders.REASON_CODE, reasonCode);
        in.setHeader(HubHeaders.OUTCOME, "rejected");
        quarantine.keep(record);
        audit.recordStep(record, "rejected", routeId, null);
    }

    @SuppressWarnings("unchecked")
    private static List<Exchange> records(Exchange batch) {
        Object body = batch.getMessage().getBody();
        if (body instanceof List<?> list) {
            return (List<Exchange>) list;
        }
        throw new IllegalArgumentException("researchFeed needs a batch (camel-kafka batching=true): the body is "
                + (body == null ? "empty" : body.getClass().getSimpleName()));
    }
}
