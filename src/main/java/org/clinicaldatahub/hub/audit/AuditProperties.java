package org.clinicaldatahub.hub.audit;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * {@code hub.audit.*}: where the audit trail is kept, how hard it is pushed to disk, how often
 * it is signed and with which key. Defaults are the embedded profile's; production overrides
 * node id, data dir and the keystore, and turns the development key off.
 */
@ConfigurationProperties("hub.audit")
public class AuditProperties {

    /**
     * Record audit events. Off only for tools and tests that must not write a trail; a hub that
     * handles patient data runs with it on.
     */
    private boolean enabled = true;

    /**
     * Id of this hub node: names its segment files and starts its hash chain, so it must be
     * unique per replica and stable across restarts (1 to 64 of {@code A-Z a-z 0-9 . _ -}).
     */
    private String nodeId = "local";

    /** Data directory; the trail lives in {@code <data-dir>/audit}. */
    private Path dataDir = Path.of("data");

    /**
     * When events are forced to disk: {@code always} (each record), {@code batch} (group commit
     * every {@code batch-max-delay}, and at once for durable records), {@code none} (never).
     */
    private FsyncPolicy fsync = FsyncPolicy.BATCH;

    /**
     * What a channel's positive answer (ACK, C-STORE success) waits for, when the channel records
     * its receipt with {@code auditRecorder.recordReceipt}: {@code receipt} (default) forces the
     * receipt event to disk, in the background while the message is published, and only writes
     * the later events (published, ...) to the segment, where they survive a crash of the process
     * and are forced by the next group commit; {@code all} forces every event of the message
     * before the answer, one fsync after the publish.
     */
    private ForceBeforeAnswer forceBeforeAnswer = ForceBeforeAnswer.RECEIPT;

    /** Longest time a non-durable event waits before the writer writes (and, under batch, forces) it. */
    private Duration batchMaxDelay = Duration.ofMillis(20);

    /**
     * How long the forced commit of a receipt ({@code force-before-answer: receipt}) waits for the
     * receipts of other connections before it forces, unless the channel is ready to answer
     * first. One fsync then covers several messages; the wait runs while the message is
     * published, so it rarely reaches the sender. 0 forces every receipt commit at once.
     */
    private Duration commitDelay = Duration.ofMillis(1);

    /** Size at which a segment file is closed with a signed checkpoint and a new one begins. */
    private DataSize segmentSize = DataSize.ofMegabytes(64);

    /**
     * A signed checkpoint is written after this many events at the latest. Under load the time
     * interval below is what triggers checkpoints; a small count here would sign several times a
     * second (an Ed25519 signature costs 2-5 ms of CPU on a loaded core) and buy nothing, since
     * the hash chain already links every event to the next checkpoint.
     */
    private int checkpointIntervalEvents = 10_000;

    /**
     * A signed checkpoint is written this long after the previous one at the latest, when events
     * are waiting: the longest time an event stays in the unsigned tail.
     */
    private Duration checkpointInterval = Duration.ofSeconds(1);

    /** Keystore with the Ed25519 signing key; unset means the development key (if allowed). */
    private Path keystorePath;

    /** Password of the keystore and of the key entry. No default: give it from the environment. */
    private String keystorePassword;

    /** Alias of the signing key entry in the keystore. */
    private String keystoreAlias = "audit";

    /** Keystore type, as {@link java.security.KeyStore#getInstance(String)} knows it. */
    private String keystoreType = "PKCS12";

    /**
     * Without a keystore, generate a development key under {@code <data-dir>/audit} on first start
     * and reuse it. Production sets this to false, so a missing keystore stops the hub instead.
     */
    private boolean allowDevelopmentKey = true;

    /**
     * Routes that record their own {@code received} event (with control id and checksum, after
     * parsing) by calling {@code auditRecorder.recordStep(*, 'received')}, or one per record of a
     * batch ({@code deid-internal-hl7}); for every other route the event notifier records the
     * receipt when the exchange is created.
     */
    private java.util.List<String> routesRecordingOwnReceipts = java.util.List.of("hl7-inbound-mllp", "dicom-inbound-cstore",
            "deid-internal-hl7");

    public java.util.List<String> getRoutesRecordingOwnReceipts() {
        return routesRecordingOwnReceipts;
    }

    public void setRoutesRecordingOwnReceipts(java.util.List<String> routes) {
        this.routesRecordingOwnReceipts = routes;
    }

    /** Where the public key is exported for verifiers; default {@code <data-dir>/audit/audit-public-key.pem}. */
    private Path publicKeyFile;

    /** Shipping of signed batches off the node: to the WORM audit bucket and the audit Kafka topic. */
    private final Shipping shipping = new Shipping();

    /** {@code hub.audit.shipping.*} */
    public static class Shipping {
        /** Ship at all (off only for tools and tests without object storage). */
        private boolean enabled = true;
        /** Data class of the audit bucket (object lock from the storage policy). */
        private String dataClass = "audit";
        /** Kafka topic every shipped line goes to as well; empty to ship to the bucket only. */
        private String kafkaTopic = "hub.audit.events";
        /**
         * Pause after a round that shipped fewer than {@code maxEvents} (caught up); a full round ships on at once.
         * Each round costs a PUT, its retention checks and a Kafka flush whatever it carries: at 1 s
         * those per-round costs were about a tenth of the hub's CPU at 3,000 messages/s; the events
         * wait meanwhile fsync'd in the local segments, and in the lag metric.
         */
        private Duration interval = Duration.ofSeconds(5);
        /** Most events per shipped object (about 20 MB of lines, 2 MB gzip'd). */
        private int maxEvents = 50_000;
        /** Longest back-off after a failed shipment. */
        private Duration maxBackoff = Duration.ofSeconds(30);
        /** Health turns DOWN when unshipped events have waited longer than this. */
        private Duration maxBacklogAge = Duration.ofMinutes(15);

        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean enabled) { this.enabled = enabled; }
        public String getDataClass() { return dataClass; }
        public void setDataClass(String dataClass) { this.dataClass = dataClass; }
        public String getKafkaTopic() { return kafkaTopic; }
        public void setKafkaTopic(String kafkaTopic) { this.kafkaTopic = kafkaTopic; }
        public Duration getInterval() { return interval; }
        public void setInterval(Duration interval) { this.interval = interval; }
        public int getMaxEvents() { return maxEvents; }
        public void setMaxEvents(int maxEvents) { this.maxEvents = maxEvents; }
        public Duration getMaxBackoff() { return maxBackoff; }
        public void setMaxBackoff(Duration maxBackoff) { this.maxBackoff = maxBackoff; }
        public Duration getMaxBacklogAge() { return maxBacklogAge; }
        public void setMaxBacklogAge(Duration maxBacklogAge) { this.maxBacklogAge = maxBacklogAge; }
    }

    public Shipping getShipping() {
        return shipping;
    }

    /** The trail's directory, {@code <data-dir>/audit}. */
    public Path auditDir() {
        return dataDir.resolve("audit");
    }

    /** The public key file, configured or default. */
    public Path resolvedPublicKeyFile() {
        return publicKeyFile != null ? publicKeyFile : auditDir().resolve(AuditSigningKeys.PUBLIC_KEY_PEM);
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getNodeId() {
        return nodeId;
    }

    public void setNodeId(String nodeId) {
        this.nodeId = nodeId;
    }

    public Path getDataDir() {
        return dataDir;
    }

    public void setDataDir(Path dataDir) {
        this.dataDir = dataDir;
    }

    public ForceBeforeAnswer getForceBeforeAnswer() {
        return forceBeforeAnswer;
    }

    public void setForceBeforeAnswer(ForceBeforeAnswer forceBeforeAnswer) {
        this.forceBeforeAnswer = forceBeforeAnswer;
    }

    /** Values of {@code hub.audit.force-before-answer}. */
    public enum ForceBeforeAnswer {
        /** The receipt event is forced; later events of the message are written, forced by the next commit. */
        RECEIPT,
        /** Every event of the message is forced before the answer. */
        ALL
    }

    public FsyncPolicy getFsync() {
        return fsync;
    }

    public void setFsync(FsyncPolicy fsync) {
        this.fsync = fsync;
    }

    public Duration getBatchMaxDelay() {
        return batchMaxDelay;
    }

    public void setBatchMaxDelay(Duration batchMaxDelay) {
        this.batchMaxDelay = batchMaxDelay;
    }

    public Duration getCommitDelay() {
        return commitDelay;
    }

    public void setCommitDelay(Duration commitDelay) {
        this.commitDelay = commitDelay;
    }

    public DataSize getSegmentSize() {
        return segmentSize;
    }

    public void setSegmentSize(DataSize segmentSize) {
        this.segmentSize = segmentSize;
    }

    public int getCheckpointIntervalEvents() {
        return checkpointIntervalEvents;
    }

    public void setCheckpointIntervalEvents(int checkpointIntervalEvents) {
        this.checkpointIntervalEvents = checkpointIntervalEvents;
    }

    public Duration getCheckpointInterval() {
        return checkpointInterval;
    }

    public void setCheckpointInterval(Duration checkpointInterval) {
        this.checkpointInterval = checkpointInterval;
    }

    public Path getKeystorePath() {
        return keystorePath;
    }

    public void setKeystorePath(Path keystorePath) {
        this.keystorePath = keystorePath;
    }

    public String getKeystorePassword() {
        return keystorePassword;
    }

    public void setKeystorePassword(String keystorePassword) {
        this.keystorePassword = keystorePassword;
    }

    public String getKeystoreAlias() {
        return keystoreAlias;
    }

    public void setKeystoreAlias(String keystoreAlias) {
        this.keystoreAlias = keystoreAlias;
    }

    public String getKeystoreType() {
        return keystoreType;
    }

    public void setKeystoreType(String keystoreType) {
        this.keystoreType = keystoreType;
    }

    public boolean isAllowDevelopmentKey() {
        return allowDevelopmentKey;
    }

    public void setAllowDevelopmentKey(boolean allowDevelopmentKey) {
        this.allowDevelopmentKey = allowDevelopmentKey;
    }

    public Path getPublicKeyFile() {
        return publicKeyFile;
    }

    public void setPublicKeyFile(Path publicKeyFile) {
        this.publicKeyFile = publicKeyFile;
    }
}
