package org.clinicaldatahub.hub.storage;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.clinicaldatahub.hub.HubHeaders;

/**
 * The records of one partition waiting to be archived together: one gzip NDJSON object, one line
 * per record with its topic, partition, offset, timestamp, key, hub headers and payload. Text
 * payloads (those with a known charset) are written as text so analysts and pipelines can read
 * them; re-encoding with {@code charset} gives back the exact bytes, as {@code sha256} proves.
 */
final class ArchiveBatch {

    private static final ObjectMapper JSON = new ObjectMapper().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

    private final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    private final long openedAtNanos = System.nanoTime();
    private long payloadBytes;
    private long retryAfterNanos = System.nanoTime();

    void retryAfter(java.time.Duration delay) {
        retryAfterNanos = System.nanoTime() + delay.toNanos();
    }

    long retryAfterNanos() {
        return retryAfterNanos;
    }

    void add(ConsumerRecord<byte[], byte[]> record) {
        records.add(record);
        payloadBytes += record.value() == null ? 0 : record.value().length;
    }

    int size() {
        return records.size();
    }

    long payloadBytes() {
        return payloadBytes;
    }

    long ageNanos() {
        return System.nanoTime() - openedAtNanos;
    }

    long firstOffset() {
        return records.get(0).offset();
    }

    long lastOffset() {
        return records.get(records.size() - 1).offset();
    }

    Instant firstTimestamp() {
        return Instant.ofEpochMilli(records.get(0).timestamp());
    }

    List<ConsumerRecord<byte[], byte[]>> records() {
        return records;
    }

    byte[] toGzipNdjson() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE, payloadBytes / 3 + 1024));
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes, 64 * 1024)) {
            for (ConsumerRecord<byte[], byte[]> record : records) {
                JSON.writeValue(gzip, line(record));
                gzip.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static Map<String, Object> line(ConsumerRecord<byte[], byte[]> record) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("topic", record.topic());
        line.put("partition", record.partition());
        line.put("offset", record.offset());
        line.put("timestamp", record.timestamp());
        if (record.key() != null) {
            line.put("key", new String(record.key(), StandardCharsets.UTF_8));
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header header : record.headers()) {
            if (header.key().startsWith("hub") && header.value() != null) {
                headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
            }
        }
        line.put("headers", headers);
        byte[] value = record.value() == null ? new byte[0] : record.value();
        line.put("sha256", Sha256.hexDigest(value));
        String charset = headers.get(HubHeaders.CHARSET);
        if (charset != null && Charset.isSupported(charset)) {
            line.put("charset", charset);
            line.put("text", new String(value, Charset.forName(charset)));
        } else {
            line.put("base64", Base64.getEncoder().encodeToString(value));
        }
        return line;
    }
}
