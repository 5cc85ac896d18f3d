package org.clinicaldatahub.hub.terminology;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The unmapped-code work queue (bean {@code unmappedCodes}): every code the mapper could not give
 * a standard code, counted with first and last sighting, for analysts to write map rows from.
 * Kept in memory per node; the route {@code terminology-outbound-unmapped} publishes changed
 * entries to Kafka (key = node + code, latest state wins on a compacted topic). After a reload,
 * entries the new tables map are closed and published once more with {@code open = false}.
 */
@Component("unmappedCodes")
public class UnmappedCodes {

    static final int MAX_DISPLAY = 100;
    private static final int MAX_SOURCES = 20;
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private record Key(String sourceSystem, String code, String targetSystem) {
    }

    private static final class Entry {
        final Key key;
        final String display;
        volatile Instant firstSeen;
        final LongAdder count = new LongAdder();
        final Set<String> sources = ConcurrentHashMap.newKeySet();
        final AtomicBoolean changed = new AtomicBoolean(true);
        volatile Instant lastSeen;
        volatile String reason;
        volatile List<String> candidates;
        volatile boolean open = true;

        Entry(Key key, String display, Instant now) {
            this.key = key;
            this.display = display;
            this.firstSeen = now;
            this.lastSeen = now;
        }
    }

    private final ConcurrentHashMap<Key, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicInteger size = new AtomicInteger();
    private final LongAdder dropped = new LongAdder();
    private final int maxCodes;
    private final String node;
    private final Clock clock;

    @Autowired
    public UnmappedCodes(TerminologyProperties properties, @Value("${hub.node-id:local}") String node) {
        this(properties.getUnmappedMaxCodes(), node, Clock.systemUTC());
    }

    UnmappedCodes(int maxCodes, String node, Clock clock) {
        this.maxCodes = maxCodes;
        this.node = node;
        this.clock = clock;
    }

    /** Counts one sighting of a code the mapper reported. */
    public void record(SourceCoding coding, Translation translation, String source) {
        Key key = new Key(coding.system(), coding.code(), translation.targetSystem());
        Instant now = clock.instant();
        Entry entry = entries.get(key);
        if (entry == null) {
            if (size.get() >= maxCodes) {
                dropped.increment();
                return;
            }
            entry = entries.computeIfAbsent(key, k -> {
                size.incrementAndGet();
                return new Entry(k, truncate(coding.display()), now);
            });
        }
        entry.count.increment();
        entry.lastSeen = now;
        entry.reason = translation.outcome().wireName();
        entry.candidates = translation.candidates();
        entry.open = true;
        if (source != null && entry.sources.size() < MAX_SOURCES) {
            entry.sources.add(source);
        }
        entry.changed.set(true);
    }

    /**
     * Adds an entry as this node published it before a restart (read back from the topic), so
     * counts survive restarts. Merges with sightings since the start; not published again.
     */
    public void restore(UnmappedCode saved) {
        Key key = new Key(saved.sourceSystem(), saved.code(), saved.targetSystem());
        Entry entry = entries.get(key);
        boolean fresh = entry == null;
        if (fresh) {
            if (size.get() >= maxCodes) {
                return;
            }
            entry = entries.computeIfAbsent(key, k -> {
                size.incrementAndGet();
                return new Entry(k, truncate(saved.display()), saved.firstSeen());
            });
            entry.changed.set(false);
            entry.lastSeen = saved.lastSeen();
            entry.reason = saved.reason();
            entry.candidates = saved.candidates();
            entry.open = saved.open();
        }
        entry.count.add(saved.count());
        if (saved.firstSeen().isBefore(entry.firstSeen)) {
            entry.firstSeen = saved.firstSeen();
        }
        for (String source : saved.sources()) {
            if (entry.sources.size() < MAX_SOURCES) {
                entry.sources.add(source);
            }
        }
    }

    /** This node's name, the first part of its Kafka record keys. */
    public String node() {
        return node;
    }

    /** Parses a record value as {@link #toKafkaRecord} wrote it. */
    static UnmappedCode fromJson(byte[] value) throws java.io.IOException {
        return JSON.readValue(value, UnmappedCode.class);
    }

    /** Entries, most frequent first; only open ones unless {@code includeClosed}. */
    public List<UnmappedCode> list(boolean includeClosed) {
        List<UnmappedCode> list = new ArrayList<>();
        for (Entry entry : entries.values()) {
            if (entry.open || includeClosed) {
                list.add(view(entry));
            }
        }
        list.sort(Comparator.comparingLong(UnmappedCode::count).reversed()
                .thenComparing(UnmappedCode::sourceSystem).thenComparing(UnmappedCode::code));
        return list;
    }

    /** The open entries (for YAML routes and the report). */
    public List<UnmappedCode> open() {
        return list(false);
    }

    /**
     * The entries changed since the previous call, each marked unchanged (the publishing route
     * calls this on its timer and sends one Kafka record per entry).
     */
    public List<UnmappedCode> drainChanged() {
        List<UnmappedCode> changed = new ArrayList<>();
        for (Entry entry : entries.values()) {
            if (entry.changed.compareAndSet(true, false)) {
                changed.add(view(entry));
            }
        }
        return changed;
    }

    /** Marks entries the new snapshot maps as closed, so the report shows only what is left. */
    public int closeResolved(TerminologyIndex index) {
        int closed = 0;
        for (Entry entry : entries.values()) {
            if (entry.open && index.translate(entry.key.sourceSystem(), entry.key.code(), entry.key.targetSystem())
                    .outcome() == MappingOutcome.MAPPED) {
                entry.open = false;
                entry.changed.set(true);
                closed++;
            }
        }
        return closed;
    }

    /** Sightings of new codes not kept because the queue was full. */
    public long droppedCount() {
        return dropped.sum();
    }

    /**
     * Turns the exchange's {@link UnmappedCode} body into the Kafka record: JSON value, key
     * {@code node|sourceSystem|code|targetSystem}.
     */
    public void toKafkaRecord(Exchange exchange) throws Exception {
        UnmappedCode code = exchange.getMessage().getMandatoryBody(UnmappedCode.class);
        exchange.getMessage().setHeader(KafkaConstants.KEY,
                code.node() + "|" + code.sourceSystem() + "|" + code.code() + "|" + code.targetSystem());
        exchange.getMessage().setBody(JSON.writeValueAsBytes(code));
    }

    /** Marks an entry to be published again (its Kafka send failed). */
    public void republish(Exchange exchange) {
        UnmappedCode code = exchange.getProperty("hubUnmappedCode", UnmappedCode.class);
        if (code != null) {
            Entry entry = entries.get(new Key(code.sourceSystem(), code.code(), code.targetSystem()));
            if (entry != null) {
                entry.changed.set(true);
            }
        }
    }

    private UnmappedCode view(Entry entry) {
        List<String> sources = new ArrayList<>(entry.sources);
        sources.sort(null);
        return new UnmappedCode(entry.key.sourceSystem(), entry.key.code(), entry.display, entry.key.targetSystem(),
                entry.reason, entry.candidates == null ? List.of() : entry.candidates, List.copyOf(sources),
                entry.firstSeen, entry.lastSeen, entry.count.sum(), node, entry.open);
    }

    private static String truncate(String display) {
        if (display == null) {
            return "";
        }
        return display.length() <= MAX_DISPLAY ? display : display.substring(0, MAX_DISPLAY);
    }
}
