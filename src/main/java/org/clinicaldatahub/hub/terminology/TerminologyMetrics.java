package org.clinicaldatahub.hub.terminology;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * Counter {@code hub.terminology.codes} with tags {@code system} (the original code's system),
 * {@code source} (sending system), {@code outcome} ({@link MappingOutcome#wireName()}) and
 * {@code result} ({@code mapped} when the value has a standard code afterwards, else
 * {@code unmapped}). Systems and sources come from senders, so their number of distinct tag
 * values is capped ({@code other} beyond it) to keep the metric bounded.
 */
@Component
public class TerminologyMetrics {

    static final String NAME = "hub.terminology.codes";
    private static final int MAX_TAG_VALUES = 200;

    private record Key(String system, String source, MappingOutcome outcome) {
    }

    private final MeterRegistry registry;
    private final Map<Key, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Boolean> systems = new ConcurrentHashMap<>();
    private final Map<String, Boolean> sources = new ConcurrentHashMap<>();

    public TerminologyMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void count(String system, String source, MappingOutcome outcome) {
        Key key = new Key(bounded(systems, system), bounded(sources, source == null ? "unknown" : source), outcome);
        counters.computeIfAbsent(key, k -> Counter.builder(NAME)
                .description("coded values seen by the terminology mapper")
                .tag("system", k.system()).tag("source", k.source()).tag("outcome", k.outcome().wireName())
                .tag("result", k.outcome().reported() ? "unmapped" : "mapped")
                .register(registry)).increment();
    }

    private static String bounded(Map<String, Boolean> seen, String value) {
        if (seen.containsKey(value)) {
            return value;
        }
        if (seen.size() >= MAX_TAG_VALUES) {
            return "other";
        }
        seen.put(value, Boolean.TRUE);
        return value;
    }
}
