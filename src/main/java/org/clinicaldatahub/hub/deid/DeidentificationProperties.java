package org.clinicaldatahub.hub.deid;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The de-identification feeds: where the profiles are, which profile each feed applies, and the
 * topics and data class of the de-identified zone. (The pseudonym key and format are the hub-wide
 * pseudonymizer's settings.)
 */
@ConfigurationProperties("hub.deid")
public class DeidentificationProperties {

    /** Directory of the profiles ({@code <name>.yaml}) and the tables they name. */
    private String profilesDir = "mappings/deid";
    /** Patients whose known identifiers are kept in memory to scrub their later records' free text. */
    private int recentPatients = 10_000;
    /** HL7 v2 feed: inbound topic to research topic and data class. */
    private final BatchedFeed hl7 = new BatchedFeed("hub.hl7.inbound", "safe-harbor", "hub.deid.hl7", "hub-deid-hl7");
    /** FHIR R4 feed: one resource (JSON) per record. */
    private final Feed fhir = new Feed("hub.fhir.inbound", "safe-harbor", "hub.deid.fhir", "hub-deid-fhir");
    /** Archive of the de-identified topics into the research zone. */
    private final Archive archive = new Archive();

    /** One de-identified feed. */
    public static class Feed {
        /** Start the feed's route. */
        private boolean enabled = true;
        /** Kafka topic of the identified records the feed reads (identified zone). */
        private String inputTopic;
        /** Profile applied (a file name in profiles-dir without .yaml). */
        private String profile;
        /** Kafka topic the de-identified records are published to (de-identified zone). */
        private String outputTopic;
        /** Kafka consumer group of the feed's route. */
        private String groupId;

        Feed(String inputTopic, String profile, String outputTopic, String groupId) {
            this.inputTopic = inputTopic;
            this.profile = profile;
            this.outputTopic = outputTopic;
            this.groupId = groupId;
        }

        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean enabled) { this.enabled = enabled; }
        public String getInputTopic() { return inputTopic; }
        public void setInputTopic(String inputTopic) { this.inputTopic = inputTopic; }
        public String getProfile() { return profile; }
        public void setProfile(String profile) { this.profile = profile; }
        public String getOutputTopic() { return outputTopic; }
        public void setOutputTopic(String outputTopic) { this.outputTopic = outputTopic; }
        public String getGroupId() { return groupId; }
        public void setGroupId(String groupId) { this.groupId = groupId; }
    }

    /** A feed that works in Kafka batches (route deid-internal-hl7, bean researchFeed). */
    public static class BatchedFeed extends Feed {
        /** Most records de-identified, mapped and published as one batch (one commit of offsets). */
        private int batchSize = 500;
        /** Longest wait, in ms, for a batch to fill: a partial batch is processed after this. */
        private long batchIntervalMs = 100;
        /**
         * Bytes the broker gathers before it answers the feed's fetch (or batch-interval-ms passes):
         * under load each batch then carries many records, so fetches, offset commits and research
         * publishes are per batch, not per few records.
         */
        private int fetchMinBytes = 64 * 1024;

        BatchedFeed(String inputTopic, String profile, String outputTopic, String groupId) {
            super(inputTopic, profile, outputTopic, groupId);
        }

        public int getBatchSize() { return batchSize; }
        public void setBatchSize(int batchSize) { this.batchSize = batchSize; }
        public long getBatchIntervalMs() { return batchIntervalMs; }
        public void setBatchIntervalMs(long batchIntervalMs) { this.batchIntervalMs = batchIntervalMs; }
        public int getFetchMinBytes() { return fetchMinBytes; }
        public void setFetchMinBytes(int fetchMinBytes) { this.fetchMinBytes = fetchMinBytes; }
    }

    /** Batching of the research archive: an object is written when any limit is reached. */
    public static class Archive {
        /** Start the archivers of the de-identified topics. */
        private boolean enabled = true;
        /** Data class (zone de-identified) the batches are written to. */
        private String dataClass = "research-active";
        /** Most records in one archived object. */
        private int maxRecords = 5000;
        /** Most uncompressed bytes in one archived object. */
        private int maxBytes = 16 * 1024 * 1024;
        /** Longest time a record waits in an open batch. */
        private Duration maxAge = Duration.ofSeconds(5);

        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean enabled) { this.enabled = enabled; }
        public String getDataClass() { return dataClass; }
        public void setDataClass(String dataClass) { this.dataClass = dataClass; }
        public int getMaxRecords() { return maxRecords; }
        public void setMaxRecords(int maxRecords) { this.maxRecords = maxRecords; }
        public int getMaxBytes() { return maxBytes; }
        public void setMaxBytes(int maxBytes) { this.maxBytes = maxBytes; }
        public Duration getMaxAge() { return maxAge; }
        public void setMaxAge(Duration maxAge) { this.maxAge = maxAge; }
    }

    public String getProfilesDir() { return profilesDir; }
    public void setProfilesDir(String profilesDir) { this.profilesDir = profilesDir; }
    public int getRecentPatients() { return recentPatients; }
    public void setRecentPatients(int recentPatients) { this.recentPatients = recentPatients; }
    public BatchedFeed getHl7() { return hl7; }
    public Feed getFhir() { return fhir; }
    public Archive getArchive() { return archive; }
}
