package org.clinicaldatahub.hub.storage;

import java.net.URI;
import java.time.Duration;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Connection to the S3-compatible object store and where the storage policy lives.
 * Credentials come from configuration or the environment, never from the repository.
 */
@ConfigurationProperties("hub.storage")
public class StorageProperties {

    /** S3 endpoint URL; empty means the AWS default endpoint for {@link #region}. */
    private URI endpoint;
    /** S3 region name. */
    private String region = "us-east-1";
    /** Access key id for the identified zone; empty means the AWS default credentials chain. */
    private String accessKey;
    /** Secret access key for the identified zone. */
    private String secretKey;
    /** Path-style bucket addressing (required by MinIO, S3Mock and most on-premises stores). */
    private boolean pathStyle = true;
    /** The storage policy file: data classes, buckets, key layouts, storage classes, tags. */
    private Path policyFile = Path.of("mappings/storage-policy.yaml");
    /** Create the policy's buckets at start-up when they are missing. */
    private boolean createBuckets = true;
    /**
     * How long a request may wait for the store's next byte. CompleteMultipartUpload of a
     * multi-GB object is silent until the store has assembled it: AWS sends keep-alive spaces, but
     * S3Mock and some on-premises stores do not, so on them this must cover the whole assembly.
     */
    private Duration socketTimeout = Duration.ofSeconds(60);
    /**
     * Named credentials that data classes refer to ({@code credentials: research} in the policy),
     * so the de-identified zone can use a key that cannot read the identified buckets.
     */
    private Map<String, Credentials> credentials = new LinkedHashMap<>();

    /** Bringing the buckets in line with the storage policy. */
    private final Reconcile reconcile = new Reconcile();

    /** {@code hub.storage.reconcile.*} */
    public static class Reconcile {
        /** REPORT_ONLY (log, metric, health, audit) or ENFORCE (also restore what differs). */
        private StoragePolicyReconciler.Mode mode = StoragePolicyReconciler.Mode.ENFORCE;
        /** Quartz cron of the storage-policy-reconcile route. */
        private String cron = "0 0/15 * * * ?";
        /** Reconcile once when the hub starts. */
        private boolean atStartup = true;

        public StoragePolicyReconciler.Mode getMode() { return mode; }
        public void setMode(StoragePolicyReconciler.Mode mode) { this.mode = mode; }
        public String getCron() { return cron; }
        public void setCron(String cron) { this.cron = cron; }
        public boolean isAtStartup() { return atStartup; }
        public void setAtStartup(boolean atStartup) { this.atStartup = atStartup; }
    }

    public Reconcile getReconcile() { return reconcile; }

    /** One access key pair. */
    public static class Credentials {
        private String accessKey;
        private String secretKey;

        public String getAccessKey() { return accessKey; }
        public void setAccessKey(String accessKey) { this.accessKey = accessKey; }
        public String getSecretKey() { return secretKey; }
        public void setSecretKey(String secretKey) { this.secretKey = secretKey; }
    }

    public URI getEndpoint() { return endpoint; }
    public void setEndpoint(URI endpoint) { this.endpoint = endpoint; }
    public String getRegion() { return region; }
    public void setRegion(String region) { this.region = region; }
    public String getAccessKey() { return accessKey; }
    public void setAccessKey(String accessKey) { this.accessKey = accessKey; }
    public String getSecretKey() { return secretKey; }
    public void setSecretKey(String secretKey) { this.secretKey = secretKey; }
    public boolean isPathStyle() { return pathStyle; }
    public void setPathStyle(boolean pathStyle) { this.pathStyle = pathStyle; }
    public Path getPolicyFile() { return policyFile; }
    public void setPolicyFile(Path policyFile) { this.policyFile = policyFile; }
    public Map<String, Credentials> getCredentials() { return credentials; }
    public void setCredentials(Map<String, Credentials> credentials) { this.credentials = credentials; }
    public Duration getSocketTimeout() { return socketTimeout; }
    public void setSocketTimeout(Duration socketTimeout) { this.socketTimeout = socketTimeout; }
    public boolean isCreateBuckets() { return createBuckets; }
    public void setCreateBuckets(boolean createBuckets) { this.createBuckets = createBuckets; }
}
