package org.clinicaldatahub.hub.fhir;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** The FHIR R4 channels: the inbound REST endpoint, the archive of what they commit, and EHR polling. */
@ConfigurationProperties("hub.fhir")
public class FhirProperties {

    /** Kafka topic every accepted resource is committed to (one resource JSON per record) before the answer. */
    private String topic = "hub.fhir.inbound";
    /** The inbound REST endpoint ({@code fhir-inbound-rest}). */
    private final Inbound inbound = new Inbound();
    /** Archive of the inbound topic into an identified data class. */
    private final Archive archive = new Archive();
    /** Polling of the EHR's FHIR API ({@code fhir-inbound-poll}). */
    private final Poll poll = new Poll();

    /** Limits of the inbound endpoint: every refusal is answered with an OperationOutcome, quarantined and audited. */
    public static class Inbound {
        /** Largest request body accepted, in bytes; larger bodies are answered 413. */
        private int maxBodyBytes = 10 * 1024 * 1024;
        /** Most entries in one batch or transaction Bundle; more are answered 413. */
        private int maxBundleEntries = 1000;
        /** Deepest nesting of JSON objects/arrays or XML elements; deeper bodies are answered 400. */
        private int maxNestingDepth = 64;
        /** Resource types accepted (also inside Bundles), or {@code *} for every R4 type. */
        private List<String> allowedResourceTypes = new ArrayList<>(List.of("*"));

        public int getMaxBodyBytes() { return maxBodyBytes; }
        public void setMaxBodyBytes(int maxBodyBytes) { this.maxBodyBytes = maxBodyBytes; }
        public int getMaxBundleEntries() { return maxBundleEntries; }
        public void setMaxBundleEntries(int maxBundleEntries) { this.maxBundleEntries = maxBundleEntries; }
        public int getMaxNestingDepth() { return maxNestingDepth; }
        public void setMaxNestingDepth(int maxNestingDepth) { this.maxNestingDepth = maxNestingDepth; }
        public List<String> getAllowedResourceTypes() { return allowedResourceTypes; }
        public void setAllowedResourceTypes(List<String> allowedResourceTypes) { this.allowedResourceTypes = allowedResourceTypes; }
    }

    /** Batching of the archive: an object is written when any limit is reached. */
    public static class Archive {
        /** Start the archiver. */
        private boolean enabled = true;
        /** Data class the batches are written to (identified zone). */
        private String dataClass = "clinical-hot";
        /** Kafka consumer group of the archiver. */
        private String groupId = "hub-fhir-archive";
        /** Most resources in one archived object. */
        private int maxRecords = 5000;
        /** Most uncompressed bytes in one archived object. */
        private int maxBytes = 16 * 1024 * 1024;
        /** Longest time a resource waits in an open batch. */
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

    /** The EHR poller: what to search, how often, how to log in, where the cursor lives. */
    public static class Poll {
        /** Start the poll route. */
        private boolean enabled = false;
        /** Base URL of the EHR's FHIR R4 API, e.g. {@code https://ehr.example.org/fhir}. */
        private String serverUrl = "";
        /** Quartz cron of the poll (seconds first). */
        private String cron = "0 0/5 * * * ?";
        /** Resource types searched on every poll, in this order. */
        private List<String> resourceTypes = new ArrayList<>(List.of("Patient", "Encounter", "Condition", "Observation"));
        /** {@code _count} asked per page. */
        private int pageSize = 100;
        /** Where the first poll starts when no cursor is stored (ISO-8601 instant). */
        private String since = "1970-01-01T00:00:00Z";
        /** Compacted Kafka topic holding one cursor per resource type. */
        private String cursorTopic = "hub.fhir.poll-cursor";
        /** Name of this source in cursor keys and audit actor, e.g. {@code ehr}. */
        private String sourceName = "ehr";
        /** Connect and read timeout towards the EHR. */
        private Duration timeout = Duration.ofSeconds(30);
        /** How the hub logs in to the EHR. */
        private final Auth auth = new Auth();

        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean enabled) { this.enabled = enabled; }
        public String getServerUrl() { return serverUrl; }
        public void setServerUrl(String serverUrl) { this.serverUrl = serverUrl; }
        public String getCron() { return cron; }
        public void setCron(String cron) { this.cron = cron; }
        public List<String> getResourceTypes() { return resourceTypes; }
        public void setResourceTypes(List<String> resourceTypes) { this.resourceTypes = resourceTypes; }
        public int getPageSize() { return pageSize; }
        public void setPageSize(int pageSize) { this.pageSize = pageSize; }
        public String getSince() { return since; }
        public void setSince(String since) { this.since = since; }
        public String getCursorTopic() { return cursorTopic; }
        public void setCursorTopic(String cursorTopic) { this.cursorTopic = cursorTopic; }
        public String getSourceName() { return sourceName; }
        public void setSourceName(String sourceName) { this.sourceName = sourceName; }
        public Duration getTimeout() { return timeout; }
        public void setTimeout(Duration timeout) { this.timeout = timeout; }
        public Auth getAuth() { return auth; }
    }

    /** Authentication towards the EHR. Secrets come from the environment in production, never the repo. */
    public static class Auth {
        /** {@code none}, {@code basic}, {@code bearer} or {@code smart-backend} (SMART Backend Services). */
        private String type = "none";
        /** User for {@code basic}. */
        private String username = "";
        /** Password for {@code basic}. */
        private String password = "";
        /** Static access token for {@code bearer}. */
        private String bearerToken = "";
        /** Token endpoint for {@code smart-backend}. */
        private String tokenUrl = "";
        /** Registered client id for {@code smart-backend}. */
        private String clientId = "";
        /** Scopes asked for, e.g. {@code system/*.read}. */
        private String scope = "system/*.read";
        /** PKCS#8 PEM file of the client's private key (RSA for RS384, EC P-384 for ES384). */
        private String privateKeyPath = "";
        /** {@code kid} header of the signed assertion, as registered with the EHR's JWKS. */
        private String keyId = "";

        public String getType() { return type; }
        public void setType(String type) { this.type = type; }
        public String getUsername() { return username; }
        public void setUsername(String username) { this.username = username; }
        public String getPassword() { return password; }
        public void setPassword(String password) { this.password = password; }
        public String getBearerToken() { return bearerToken; }
        public void setBearerToken(String bearerToken) { this.bearerToken = bearerToken; }
        public String getTokenUrl() { return tokenUrl; }
        public void setTokenUrl(String tokenUrl) { this.tokenUrl = tokenUrl; }
        public String getClientId() { return clientId; }
        public void setClientId(String clientId) { this.clientId = clientId; }
        public String getScope() { return scope; }
        public void setScope(String scope) { this.scope = scope; }
        public String getPrivateKeyPath() { return privateKeyPath; }
        public void setPrivateKeyPath(String privateKeyPath) { this.privateKeyPath = privateKeyPath; }
        public String getKeyId() { return keyId; }
        public void setKeyId(String keyId) { this.keyId = keyId; }
    }

    public String getTopic() { return topic; }
    public void setTopic(String topic) { this.topic = topic; }
    public Inbound getInbound() { return inbound; }
    public Archive getArchive() { return archive; }
    public Poll getPoll() { return poll; }
}
