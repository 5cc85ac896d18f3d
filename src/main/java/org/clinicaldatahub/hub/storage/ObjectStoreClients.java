package org.clinicaldatahub.hub.storage;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The S3 client each data class is written with: the default one, or one per named credentials
 * ({@code credentials:} in the policy), so identified and de-identified zones can be reached with
 * different keys. A policy naming credentials that are not configured stops the start-up.
 */
public final class ObjectStoreClients implements AutoCloseable {

    private final S3Client defaultClient;
    private final Function<String, S3Client> factory;
    private final Map<String, S3Client> named = new ConcurrentHashMap<>();

    public ObjectStoreClients(S3Client defaultClient, StoragePolicy policy, Set<String> configuredCredentials,
            Function<String, S3Client> factory) {
        this.defaultClient = defaultClient;
        this.factory = factory;
        Set<String> missing = new TreeSet<>();
        for (DataClass dataClass : policy == null ? java.util.List.<DataClass>of() : policy.dataClasses()) {
            if (dataClass.credentials() != null && !configuredCredentials.contains(dataClass.credentials())) {
                missing.add(dataClass.name() + " -> hub.storage.credentials." + dataClass.credentials());
            }
        }
        if (!missing.isEmpty()) {
            throw new InvalidStoragePolicyException("the storage policy refers to credentials that are not configured: "
                    + String.join(", ", missing));
        }
    }

    /** One client for every class (tests, tools). */
    public static ObjectStoreClients single(S3Client client) {
        return new ObjectStoreClients(client, null, Set.of(), name -> client);
    }

    public S3Client forClass(DataClass dataClass) {
        return dataClass.credentials() == null ? defaultClient : named.computeIfAbsent(dataClass.credentials(), factory);
    }

    public S3Client defaultClient() {
        return defaultClient;
    }

    @Override
    public void close() {
        named.values().stream().filter(c -> c != defaultClient).forEach(S3Client::close);
    }
}
