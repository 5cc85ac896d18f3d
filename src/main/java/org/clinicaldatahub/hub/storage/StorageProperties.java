package org.clinicaldatahub.hub.storage;

import java.net.URI;
import java.nio.file.Path;

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
    public boolean isCreateBuckets() { return createBuckets; }
    public void setCreateBuckets(boolean createBuckets) { this.createBuckets = createBuckets; }
}
