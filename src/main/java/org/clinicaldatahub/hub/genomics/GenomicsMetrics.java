package org.clinicaldatahub.hub.genomics;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * The drop-folder channel's meters: bytes uploaded (a counter: Prometheus' {@code rate()} gives
 * bytes/s), the throughput of the latest file, files in flight, the backlog (runs and loose files
 * waiting or ready in the drop directories) and runs by outcome. No names or paths: tags carry
 * outcome codes only.
 */
@Component
public class GenomicsMetrics {

    private final MeterRegistry registry;
    private final Counter bytes;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger backlog = new AtomicInteger();
    private final AtomicLong lastBytesPerSecond = new AtomicLong();

    public GenomicsMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.bytes = Counter.builder("hub.genomics.upload.bytes").baseUnit("bytes")
                .description("Bytes of run files uploaded to the object store").register(registry);
        Gauge.builder("hub.genomics.files.in.flight", inFlight, AtomicInteger::get)
                .description("Run files being uploaded now").register(registry);
        Gauge.builder("hub.genomics.backlog", backlog, AtomicInteger::get)
                .description("Run folders and loose files in the drop directories not ingested yet").register(registry);
        Gauge.builder("hub.genomics.upload.throughput", lastBytesPerSecond, AtomicLong::get).baseUnit("bytes/s")
                .description("Throughput of the latest file upload").register(registry);
    }

    void uploaded(long byteCount) {
        bytes.increment(byteCount);
    }

    void fileStarted() {
        inFlight.incrementAndGet();
    }

    void fileFinished(long byteCount, long nanos) {
        inFlight.decrementAndGet();
        if (nanos > 0) {
            lastBytesPerSecond.set((long) (byteCount * 1e9 / nanos));
        }
    }

    void backlog(int items) {
        backlog.set(items);
    }

    void run(String outcome) {
        registry.counter("hub.genomics.runs", "outcome", outcome).increment();
    }
}
