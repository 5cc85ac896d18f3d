package org.clinicaldatahub.hub.dicom;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/** The DICOM C-STORE SCP channel ({@code hub.dicom.*}); each property is in the README's table. */
@ConfigurationProperties("hub.dicom")
public class DicomProperties {

    /** Start the DICOM listener. */
    private boolean enabled = true;
    /** Bind address of the listener. */
    private String host = "0.0.0.0";
    /** DICOM port (11112 is the IANA-registered DICOM port). */
    private int port = 11112;
    /** The hub's AE title; associations calling another AE title are rejected. */
    private String aeTitle = "HUB";
    /**
     * Calling AE titles allowed, each {@code AE}, {@code AE@ip} or {@code AE@localhost}, {@code *} for
     * any AE. Empty rejects every caller.
     */
    private List<String> allowedCallers = new ArrayList<>(List.of("*@localhost"));
    /** Storage SOP classes accepted (UID TAB keyword per line); empty: the standard list in the jar. */
    private Path sopClassesFile;
    /** Transfer syntax UIDs accepted for storage, in preference order; empty: every known one. */
    private List<String> transferSyntaxes = new ArrayList<>();
    /** Largest P-DATA-TF PDU the hub receives, announced in the A-ASSOCIATE-AC. */
    private DataSize maxPduLength = DataSize.ofKilobytes(256);
    /** Associations at once; more are rejected as transient (local limit exceeded). */
    private int maxAssociations = 50;
    /** ARTIM timer (PS3.8 9.1.5): wait for the A-ASSOCIATE-RQ, and for the peer to close. */
    private Duration artimTimeout = Duration.ofSeconds(30);
    /** An association with no PDU for this long is aborted. */
    private Duration idleTimeout = Duration.ofMinutes(2);
    /** Data class the instances are stored in. */
    private String dataClass = "clinical-hot";
    /** Object key of an instance; {study}, {series}, {instance} are the UIDs. No date: a resend lands on the same key. */
    private String keyLayout = "dicom/{study}/{series}/{instance}.dcm";
    /** Where instances are received to, and spooled while the object store is unreachable. */
    private Path spoolDir = Path.of("./data/dicom-spool");
    /** How often the spool is drained into the object store. */
    private Duration spoolDrainInterval = Duration.ofSeconds(5);
    /**
     * The spool drain waits until no instance has been arriving for this long, so uploads do not
     * slow a burst down ({@link SpoolDrainPacing}); 0 drains at once, alongside reception.
     */
    private Duration spoolDrainQuietPeriod = Duration.ofMillis(500);
    /** Longest the drain yields to reception per backlog; then it drains alongside it. */
    private Duration spoolDrainMaxDelay = Duration.ofSeconds(30);
    /**
     * Uploads the spool drain runs at once. An object store across a WAN answers each PUT after a
     * round trip or more, so one upload at a time would drain far slower than a modality fills the
     * spool; instances of one SOP Instance UID still go up one after the other, oldest first.
     */
    private int spoolDrainUploads = 4;
    /**
     * When the C-STORE-RSP success goes out: {@code stored} once the instance is in the object
     * store and its event is on Kafka; {@code spooled} once it is forced into the local spool (the
     * drain, woken at once, uploads it and publishes its event afterwards).
     */
    private AcknowledgeAfter acknowledgeAfter = AcknowledgeAfter.STORED;
    /**
     * Preallocated spool slots ({@link SpoolSlots}) that instances are received into under
     * {@code acknowledge-after: spooled}: one sync per instance instead of a new file, a rename and
     * a directory sync. 0: none. Instances arriving while all are taken become files of their own.
     */
    private int spoolSlots = 256;
    /** Instance size a spool slot holds without growing (its disk space is taken up front). */
    private DataSize spoolSlotSize = DataSize.ofMegabytes(1);
    /** Instances larger than this are uploaded in parts. */
    private DataSize multipartThreshold = DataSize.ofMegabytes(64);
    /** Part size of multipart uploads (at least 5 MB). */
    private DataSize multipartPartSize = DataSize.ofMegabytes(16);
    /** Kafka topic of the per-instance metadata events. */
    private String storedTopic = "hub.dicom.stored";
    /** TLS listener (DICOM TLS secure transport connection profile). */
    private final Tls tls = new Tls();

    /** The DICOM TLS listener; off unless a port and keystore are set. */
    public static class Tls {
        /** TLS port (2762 is the IANA-registered DICOM TLS port); 0 or unset: no TLS listener. */
        private int port;
        /** Keystore with the hub's key and certificate. */
        private Path keystorePath;
        private String keystorePassword;
        private String keystoreType = "PKCS12";
        /** Truststore of the modalities' certificates; with it, client certificates are required. */
        private Path truststorePath;
        private String truststorePassword;

        public int getPort() { return port; }
        public void setPort(int port) { this.port = port; }
        public Path getKeystorePath() { return keystorePath; }
        public void setKeystorePath(Path keystorePath) { this.keystorePath = keystorePath; }
        public String getKeystorePassword() { return keystorePassword; }
        public void setKeystorePassword(String keystorePassword) { this.keystorePassword = keystorePassword; }
        public String getKeystoreType() { return keystoreType; }
        public void setKeystoreType(String keystoreType) { this.keystoreType = keystoreType; }
        public Path getTruststorePath() { return truststorePath; }
        public void setTruststorePath(Path truststorePath) { this.truststorePath = truststorePath; }
        public String getTruststorePassword() { return truststorePassword; }
        public void setTruststorePassword(String truststorePassword) { this.truststorePassword = truststorePassword; }

        public boolean isEnabled() {
            return port > 0 && keystorePath != null;
        }
    }

    public boolean isEnabled() { return enabled; }
    public void setEnabled(boolean enabled) { this.enabled = enabled; }
    public String getHost() { return host; }
    public void setHost(String host) { this.host = host; }
    public int getPort() { return port; }
    public void setPort(int port) { this.port = port; }
    public String getAeTitle() { return aeTitle; }
    public void setAeTitle(String aeTitle) { this.aeTitle = aeTitle; }
    public List<String> getAllowedCallers() { return allowedCallers; }
    public void setAllowedCallers(List<String> allowedCallers) { this.allowedCallers = allowedCallers; }
    public Path getSopClassesFile() { return sopClassesFile; }
    public void setSopClassesFile(Path sopClassesFile) { this.sopClassesFile = sopClassesFile; }
    public List<String> getTransferSyntaxes() { return transferSyntaxes; }
    public void setTransferSyntaxes(List<String> transferSyntaxes) { this.transferSyntaxes = transferSyntaxes; }
    public DataSize getMaxPduLength() { return maxPduLength; }
    public void setMaxPduLength(DataSize maxPduLength) { this.maxPduLength = maxPduLength; }
    public int getMaxAssociations() { return maxAssociations; }
    public void setMaxAssociations(int maxAssociations) { this.maxAssociations = maxAssociations; }
    public Duration getArtimTimeout() { return artimTimeout; }
    public void setArtimTimeout(Duration artimTimeout) { this.artimTimeout = artimTimeout; }
    public Duration getIdleTimeout() { return idleTimeout; }
    public void setIdleTimeout(Duration idleTimeout) { this.idleTimeout = idleTimeout; }
    public String getDataClass() { return dataClass; }
    public void setDataClass(String dataClass) { this.dataClass = dataClass; }
    public String getKeyLayout() { return keyLayout; }
    public void setKeyLayout(String keyLayout) { this.keyLayout = keyLayout; }
    public Path getSpoolDir() { return spoolDir; }
    public void setSpoolDir(Path spoolDir) { this.spoolDir = spoolDir; }
    public Duration getSpoolDrainInterval() { return spoolDrainInterval; }
    public void setSpoolDrainInterval(Duration spoolDrainInterval) { this.spoolDrainInterval = spoolDrainInterval; }
    public Duration getSpoolDrainQuietPeriod() { return spoolDrainQuietPeriod; }
    public void setSpoolDrainQuietPeriod(Duration spoolDrainQuietPeriod) { this.spoolDrainQuietPeriod = spoolDrainQuietPeriod; }
    public Duration getSpoolDrainMaxDelay() { return spoolDrainMaxDelay; }
    public void setSpoolDrainMaxDelay(Duration spoolDrainMaxDelay) { this.spoolDrainMaxDelay = spoolDrainMaxDelay; }
    public int getSpoolDrainUploads() { return spoolDrainUploads; }
    public void setSpoolDrainUploads(int spoolDrainUploads) {
        if (spoolDrainUploads < 1) {
            throw new IllegalArgumentException("hub.dicom.spool-drain-uploads must be at least 1");
        }
        this.spoolDrainUploads = spoolDrainUploads;
    }
    public AcknowledgeAfter getAcknowledgeAfter() { return acknowledgeAfter; }
    public void setAcknowledgeAfter(AcknowledgeAfter acknowledgeAfter) { this.acknowledgeAfter = acknowledgeAfter; }
    public int getSpoolSlots() { return spoolSlots; }
    public void setSpoolSlots(int spoolSlots) { this.spoolSlots = spoolSlots; }
    public DataSize getSpoolSlotSize() { return spoolSlotSize; }
    public void setSpoolSlotSize(DataSize spoolSlotSize) { this.spoolSlotSize = spoolSlotSize; }
    public DataSize getMultipartThreshold() { return multipartThreshold; }
    public void setMultipartThreshold(DataSize multipartThreshold) { this.multipartThreshold = multipartThreshold; }
    public DataSize getMultipartPartSize() { return multipartPartSize; }
    public void setMultipartPartSize(DataSize multipartPartSize) { this.multipartPartSize = multipartPartSize; }
    public String getStoredTopic() { return storedTopic; }
    public void setStoredTopic(String storedTopic) { this.storedTopic = storedTopic; }
    public Tls getTls() { return tls; }

    /** {@code hub.dicom.acknowledge-after}: the commit a C-STORE success stands for. */
    public enum AcknowledgeAfter {
        /** In the object store, event on Kafka (the spool only while the store is unreachable). */
        STORED,
        /** Forced to the local spool (file and description fsync'd); store and event follow from the drain. */
        SPOOLED
    }
}
