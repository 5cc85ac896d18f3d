package org.clinicaldatahub.hub.audit;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.clinicaldatahub.hub.storage.TieredStore;

/**
 * Ships signed batches into the audit data class: one object per batch, written with the data
 * class's object lock (COMPLIANCE: nobody, not even the account owner, can delete or change it
 * before the retention ends). The lines are the segment lines unchanged, so the bucket can be
 * verified with the same public key as the local log.
 *
 * <p>Objects are gzip-compressed ({@code .log.gz}): audit lines are a hub's largest steady write
 * to object storage (about a kilobyte per HL7 message), and they shrink about threefold.
 *
 * <p>The key depends only on the batch (node, sequence range and the first event's day), so a
 * batch shipped again after a crash lands on the same key instead of a second copy.
 */
public final class ObjectStoreAuditShipper implements AuditShipper {

    /** The channel part of audit object keys. */
    public static final String CHANNEL = "audit";

    private static final Pattern TIME = Pattern.compile("\"time\":\"([^\"]+)\"");

    private final TieredStore store;
    private final String dataClass;
    private final String channel;

    public ObjectStoreAuditShipper(TieredStore store, String dataClass) {
        this(store, dataClass, CHANNEL);
    }

    /** With {@code channel} as the first part of the keys instead of {@value #CHANNEL}. */
    public ObjectStoreAuditShipper(TieredStore store, String dataClass, String channel) {
        this.store = store;
        this.dataClass = dataClass;
        this.channel = channel;
    }

    @Override
    public void ship(AuditBatch batch) {
        Map<String, String> metadata = Map.of(
                "source-system", "audit",
                "audit-node", batch.node(),
                "audit-from-seq", Long.toString(batch.fromSeq()),
                "audit-to-seq", Long.toString(batch.toSeq()));
        store.put(dataClass, channel, batch.objectName() + ".gz", gzip(batch), metadata, firstEventDay(batch));
    }

    /** The batch as a segment-like document, gzip-compressed straight from its blocks. */
    static byte[] gzip(AuditBatch batch) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream((int) Math.min(1 << 20, batch.byteSize() / 4 + 64));
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(out, 64 * 1024) {
            {
                def.setLevel(java.util.zip.Deflater.BEST_SPEED); // the hub's CPU is worth more than the bytes
            }
        }) {
            batch.writeTo(gz);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("gzip in memory cannot fail", e);
        }
        return out.toByteArray();
    }

    private static ZonedDateTime firstEventDay(AuditBatch batch) {
        Matcher time = TIME.matcher(batch.firstLine());
        Instant instant = time.find() ? Instant.parse(time.group(1)) : Instant.EPOCH;
        return instant.atZone(ZoneOffset.UTC);
    }
}
