package org.clinicaldatahub.hub.storage;

import java.util.Map;
import java.util.UUID;

import org.apache.camel.Exchange;
import org.clinicaldatahub.hub.HubHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Keeps what a channel could not process, with the reason, in the {@code quarantine} data class.
 * The reason code and text travel as object metadata and must not carry PHI; the payload itself is
 * stored as received so an analyst can fix and replay it.
 */
@Component("quarantine")
public class Quarantine {

    private static final Logger LOG = LoggerFactory.getLogger(Quarantine.class);
    public static final String DATA_CLASS = "quarantine";

    private final TieredStore tieredStore;

    public Quarantine(TieredStore tieredStore) {
        this.tieredStore = tieredStore;
    }

    /**
     * Stores the exchange body with its reason. Never throws: if the store is down the failure is
     * logged (by reference only) and the caller still answers the sender negatively.
     */
    public void keep(Exchange exchange) {
        byte[] payload = exchange.getMessage().getBody(byte[].class);
        String channel = exchange.getMessage().getHeader(HubHeaders.CHANNEL, "unknown", String.class);
        String reason = exchange.getMessage().getHeader(HubHeaders.REASON_CODE, "UNKNOWN", String.class);
        try {
            StoredObject stored = keep(channel, reason, payload == null ? new byte[0] : payload);
            exchange.getMessage().setHeader(HubHeaders.BUCKET, stored.bucket());
            exchange.getMessage().setHeader(HubHeaders.OBJECT_KEY, stored.key());
            exchange.getMessage().setHeader(HubHeaders.SHA256, stored.sha256());
        } catch (RuntimeException e) {
            LOG.error("Quarantine store failed for channel {} reason {}: {}", channel, reason,
                    e.getClass().getSimpleName());
        }
    }

    public StoredObject keep(String channel, String reasonCode, byte[] payload) {
        String name = reasonCode + "-" + UUID.randomUUID() + ".bin";
        return tieredStore.put(DATA_CLASS, channel, name, payload, Map.of("reason-code", reasonCode));
    }
}
