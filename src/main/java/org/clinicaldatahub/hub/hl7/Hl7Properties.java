package org.clinicaldatahub.hub.hl7;

import java.time.Duration;
import java.util.List;

import org.clinicaldatahub.hub.config.TlsSettings;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

/** The HL7 v2 channel: MLLP listener, what is accepted, where it is published and archived. */
@ConfigurationProperties("hub.hl7")
public class Hl7Properties {

    /** Address the MLLP listener binds to. */
    private String mllpHost = "0.0.0.0";
    /** MLLP listener port. */
    private int mllpPort = 2575;
    /** Largest message accepted, in bytes; larger ones are answered AR and quarantined. */
    private int maxMessageBytes = 1024 * 1024;
    /** Kafka topic the accepted messages are committed to before the AA. */
    private String topic = "hub.hl7.inbound";
    /** Kafka topic that remembers which messages were already committed (resend detection). */
    private String resendTopic = "hub.hl7.resend-keys";
    /** How many recent message keys resend detection keeps in memory. */
    private int resendMemory = 1_000_000;
    /** HL7 versions (MSH-12) accepted; anything else is answered AR. */
    private List<String> allowedVersions = List.of("2.1", "2.2", "2.3", "2.3.1", "2.4", "2.5", "2.5.1",
            "2.6", "2.7", "2.7.1", "2.8", "2.8.1");
    /** Message types (MSH-9.1) accepted, or {@code *} for all; anything else is answered AR. */
    private List<String> allowedMessageTypes = List.of("ADT", "ORU", "ORM", "OML", "MDM", "VXU", "SIU", "DFT",
            "BAR", "PPR", "RDE", "RAS", "MFN");
    /** Archive of the inbound topic into the clinical-hot data class. */
    private final Archive archive = new Archive();
    /** TLS on the MLLP listener (off by default; senders then connect with TLS only). */
    @NestedConfigurationProperty
    private final TlsSettings tls = new TlsSettings();

    /** Batching of the archive: an object is written when any limit is reached. */
    public static class Archive {
        /** Start the archiver. */
        private boolean enabled = true;
        /** Data class the batches are written to. */
        private String dataClass = "clinical-hot";
        /** Kafka consumer group of the archiver. */
        private String groupId = "hub-hl7-archive";
        /** Most messages in one archived object. */
        private int maxRecords = 5000;
        /** Most uncompressed bytes in one archived object. */
        private int maxBytes = 16 * 1024 * 1024;
        /** Longest time a message waits in an open batch. */
        private Duration maxAge = Duration.ofSeconds(5);

        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean enabled) { this.enabled = enabled; }
        public String getDataClass() { return dataClass; }
        public void setDataClass(String dataClass) { this.dataClass = dataClass; }
        public String getGroupId() { return groupId; }
        public void setGroupId(String groupId) { this.groupId = groupId; }
        public int getMaxRecords() { return maxRecords; }
        public void setMaxRecords(int maxRecords) { this.maxRecords = maxRecords; }
        public int getMaxBytes() { return maxBytes; }
        public void setMaxBytes(int maxBytes) { this.maxBytes = maxBytes; }
        public Duration getMaxAge() { return maxAge; }
        public void setMaxAge(Duration maxAge) { this.maxAge = maxAge; }
    }

    public String getMllpHost() { return mllpHost; }
    public void setMllpHost(String mllpHost) { this.mllpHost = mllpHost; }
    public int getMllpPort() { return mllpPort; }
    public void setMllpPort(int mllpPort) { this.mllpPort = mllpPort; }
    public int getMaxMessageBytes() { return maxMessageBytes; }
    public void setMaxMessageBytes(int maxMessageBytes) { this.maxMessageBytes = maxMessageBytes; }
    public String getTopic() { return topic; }
    public void setTopic(String topic) { this.topic = topic; }
    public String getResendTopic() { return resendTopic; }
    public void setResendTopic(String resendTopic) { this.resendTopic = resendTopic; }
    public int getResendMemory() { return resendMemory; }
    public void setResendMemory(int resendMemory) { this.resendMemory = resendMemory; }
    public List<String> getAllowedVersions() { return allowedVersions; }
    public void setAllowedVersions(List<String> allowedVersions) { this.allowedVersions = allowedVersions; }
    public List<String> getAllowedMessageTypes() { return allowedMessageTypes; }
    public void setAllowedMessageTypes(List<String> allowedMessageTypes) { this.allowedMessageTypes = allowedMessageTypes; }
    public Archive getArchive() { return archive; }
    public TlsSettings getTls() { return tls; }
}
