package org.clinicaldatahub.hub.audit;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.clinicaldatahub.hub.audit.internal.CanonicalEventWriter;
import org.clinicaldatahub.hub.audit.internal.CanonicalJson;
import org.clinicaldatahub.hub.audit.internal.EventLineTemplate;
import org.clinicaldatahub.hub.audit.internal.Hex;

/**
 * One audit event: a line of canonical JSON (RFC 8785 style, see {@code CanonicalJson}) such as
 * <pre>{"actor":"LAB^HOSP","id":"…","node":"hub-1","outcome":"success","prev":"…","refs":{"controlId":"MSG0001"},
 * "route":"hl7-inbound-mllp","seq":42,"step":"received","time":"2026-11-03T10:15:30.123Z","type":"event","v":1}</pre>
 * It carries references only ({@link AuditRef}), never PHI. {@code seq} is gap-free per node and
 * {@code prev} is the SHA-256 of the previous event's line, which makes the log a hash chain.
 * Events are made by {@link AuditLog} from a {@link Builder}; the builder validates every value so
 * that free text (exception messages, names) cannot slip into the trail.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class AuditEvent {

    /** Format version of the line, bumped on incompatible change. */
    public static final int VERSION = 1;

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    /** Route ids: 1 to 200 of {@code A-Z a-z 0-9 . _ : / -}. */
    private static final Token ROUTE = new Token("._:/-", 200);
    /** Reason codes: 1 to 64 of {@code A-Z a-z 0-9 _ . : -}. */
    private static final Token REASON = new Token("_.:-", 64);
    private static final int MAX_TEXT = 1024;

    private final String id;
    private final String time;
    private final String node;
    private final long seq;
    private final String route;
    private final AuditStep step;
    private final String actor;
    private final Map<String, String> refs;
    private final String checksum;
    private final AuditOutcome outcome;
    private final String reason;
    private final String prev;

    @JsonCreator
    AuditEvent(@JsonProperty(value = "type", required = true) String type,
               @JsonProperty(value = "v", required = true) int version,
               @JsonProperty(value = "id", required = true) String id,
               @JsonProperty(value = "time", required = true) String time,
               @JsonProperty(value = "node", required = true) String node,
               @JsonProperty(value = "seq", required = true) long seq,
               @JsonProperty("route") String route,
               @JsonProperty(value = "step", required = true) AuditStep step,
               @JsonProperty("actor") String actor,
               @JsonProperty("refs") Map<String, String> refs,
               @JsonProperty("checksum") String checksum,
               @JsonProperty(value = "outcome", required = true) AuditOutcome outcome,
               @JsonProperty("reason") String reason,
               @JsonProperty(value = "prev", required = true) String prev) {
        if (!"event".equals(type) || version != VERSION) {
            throw new IllegalArgumentException("not an audit event line of version " + VERSION);
        }
        this.id = id;
        this.time = time;
        this.node = node;
        this.seq = seq;
        this.route = route;
        this.step = step;
        this.actor = actor;
        this.refs = refs == null || refs.isEmpty() ? null : Collections.unmodifiableMap(new TreeMap<>(refs));
        this.checksum = checksum;
        this.outcome = outcome;
        this.reason = reason;
        this.prev = prev;
    }

    /** Starts an event for a step; outcome defaults from the step (rejected, error, else success). */
    public static Builder builder(AuditStep step) {
        return new Builder(step);
    }

    /** Parses one canonical line (without its line terminator). */
    public static AuditEvent parse(String line) throws IOException {
        return CanonicalJson.read(line.getBytes(StandardCharsets.UTF_8), AuditEvent.class);
    }

    /** The canonical line of this event (UTF-8, without line terminator). */
    public byte[] toCanonicalJson() {
        return new CanonicalEventWriter(actor, checksum, id, node, outcome.wireName())
                .finish(reason, refs, route, step.wireName(), time, type(), VERSION)
                .line(seq, prev);
    }

    @JsonProperty("type")
    String type() {
        return "event";
    }

    @JsonProperty("v")
    int version() {
        return VERSION;
    }

    /** Unique event id, a UUID version 7 (RFC 9562): time-ordered, random otherwise. */
    @JsonProperty("id")
    public String id() {
        return id;
    }

    /** UTC time with milliseconds, ISO 8601 ({@code 2026-11-03T10:15:30.123Z}). */
    @JsonProperty("time")
    public String time() {
        return time;
    }

    @JsonProperty("node")
    public String node() {
        return node;
    }

    /** Position in the node's log, from 1, without gaps. */
    @JsonProperty("seq")
    public long seq() {
        return seq;
    }

    @JsonProperty("route")
    public String route() {
        return route;
    }

    @JsonProperty("step")
    public AuditStep step() {
        return step;
    }

    /** Calling system, DICOM AE title or user. */
    @JsonProperty("actor")
    public String actor() {
        return actor;
    }

    /** References by {@link AuditRef#wireName()}, sorted; empty when none. */
    @JsonProperty("refs")
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public Map<String, String> refs() {
        return refs == null ? Map.of() : refs;
    }

    /** Lower-case hex SHA-256 of the payload, when known. */
    @JsonProperty("checksum")
    public String checksum() {
        return checksum;
    }

    @JsonProperty("outcome")
    public AuditOutcome outcome() {
        return outcome;
    }

    /** Machine-readable reason code, e.g. {@code HL7_NO_MSH}. */
    @JsonProperty("reason")
    public String reason() {
        return reason;
    }

    /** Lower-case hex SHA-256 of the previous event's line, or the node's genesis value. */
    @JsonProperty("prev")
    public String prev() {
        return prev;
    }

    @Override
    public String toString() {
        return new String(toCanonicalJson(), StandardCharsets.UTF_8);
    }

    /**
     * Collects what a caller knows about a step. Every setter validates: route ids and reason
     * codes are tokens, texts must be printable and short, checksums are SHA-256 hex. An invalid
     * value throws {@link IllegalArgumentException} whose message never repeats the value.
     */
    public static final class Builder {

        private final AuditStep step;
        private final Map<AuditRef, String> refs = new EnumMap<>(AuditRef.class);
        private String route;
        private String actor;
        private String checksum;
        private AuditOutcome outcome;
        private String reason;
        private Instant time;

        private Builder(AuditStep step) {
            this.step = Objects.requireNonNull(step, "step");
        }

        public Builder route(String routeId) {
            this.route = token(routeId, ROUTE, "route id");
            return this;
        }

        public Builder actor(String actor) {
            this.actor = text(actor, "actor");
            return this;
        }

        /** Adds a reference; {@code null} or empty values are ignored. */
        public Builder ref(AuditRef ref, String value) {
            Objects.requireNonNull(ref, "ref");
            if (value != null && !value.isEmpty()) {
                refs.put(ref, text(value, ref.wireName()));
            }
            return this;
        }

        /** SHA-256 of the payload as 64 hex digits (upper case is normalised). */
        public Builder checksum(String sha256Hex) {
            if (sha256Hex == null) {
                this.checksum = null;
                return this;
            }
            String lower = sha256Hex.toLowerCase(java.util.Locale.ROOT);
            if (!Hex.isLowerHex(lower, 64)) {
                throw new IllegalArgumentException("checksum must be 64 hex digits of SHA-256");
            }
            this.checksum = lower;
            return this;
        }

        public Builder outcome(AuditOutcome outcome) {
            this.outcome = outcome;
            return this;
        }

        /** Reason code: 1 to 64 of {@code A-Z a-z 0-9 _ . : -}. */
        public Builder reason(String code) {
            this.reason = token(code, REASON, "reason code");
            return this;
        }

        /** When the step happened; defaults to the log's clock at append time. */
        public Builder at(Instant time) {
            this.time = time;
            return this;
        }

        public AuditStep step() {
            return step;
        }

        /** True when {@code code} would be accepted by {@link #reason(String)}. */
        public static boolean isValidReason(String code) {
            return REASON.accepts(code);
        }

        /** True when {@code routeId} would be accepted by {@link #route(String)}. */
        public static boolean isValidRoute(String routeId) {
            return ROUTE.accepts(routeId);
        }

        /** Builds the event with its place in the log (tests and tools; the log uses {@link #template}). */
        AuditEvent build(String node, long seq, String prev, Instant now) {
            Instant at = time != null ? time : now;
            return new AuditEvent("event", VERSION, uuidV7(at.toEpochMilli()), TIME.format(at), node, seq,
                    route, step, actor, wireRefs(), checksum, effectiveOutcome(), reason, prev);
        }

        /**
         * Renders the event's canonical line up to its sequence number and chain link, which the
         * journal adds under its lock. Called outside the lock, so the time is that of the step,
         * taken here, and may be a millisecond or so out of sequence order under concurrency.
         */
        EventLineTemplate template(String node, Instant now) {
            Instant at = time != null ? time : now;
            return new CanonicalEventWriter(actor, checksum, uuidV7(at.toEpochMilli()), node, effectiveOutcome().wireName())
                    .finish(reason, wireRefs(), route, step.wireName(), EventTimes.format(at), "event", VERSION);
        }

        private Map<String, String> wireRefs() {
            Map<String, String> wire = new TreeMap<>();
            refs.forEach((k, v) -> wire.put(k.wireName(), v));
            return wire;
        }

        private AuditOutcome effectiveOutcome() {
            return outcome != null ? outcome
                    : step == AuditStep.REJECTED ? AuditOutcome.REJECTED
                    : step == AuditStep.ERROR ? AuditOutcome.ERROR : AuditOutcome.SUCCESS;
        }

        private static String token(String value, Token token, String what) {
            if (value == null) {
                return null;
            }
            if (!token.accepts(value)) {
                throw new IllegalArgumentException(what + " has characters or a length an audit token cannot have");
            }
            return value;
        }

        private static String text(String value, String what) {
            if (value == null) {
                return null;
            }
            if (value.length() > MAX_TEXT) {
                throw new IllegalArgumentException(what + " longer than " + MAX_TEXT + " characters");
            }
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
                    throw new IllegalArgumentException(what + " contains a control character");
                }
            }
            return value;
        }

        private static String uuidV7(long epochMillis) {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            long msb = (epochMillis << 16) | 0x7000L | (random.nextLong() & 0x0fffL);
            long lsb = (random.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
            return new UUID(msb, lsb).toString();
        }
    }

    /**
     * A token of ASCII letters, digits and a few punctuation characters. Checked by hand rather
     * than with a regular expression: every event checks its route id (twice on the notifier's
     * path), and the regex matcher was a tenth of the audit cost on the channel threads.
     */
    private record Token(String punctuation, int maxLength) {

        boolean accepts(String value) {
            if (value == null || value.isEmpty() || value.length() > maxLength) {
                return false;
            }
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                boolean allowed = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                        || punctuation.indexOf(c) >= 0;
                if (!allowed) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * The {@code time} text of events, reused within a millisecond: at thousands of events per
     * second most events share their millisecond with the one before, and formatting is the
     * costliest part of rendering a line.
     */
    private static final class EventTimes {

        private record Formatted(long millis, String text) {
        }

        private static volatile Formatted last = new Formatted(Long.MIN_VALUE, "");

        static String format(Instant at) {
            long millis = at.toEpochMilli();
            Formatted cached = last;
            if (cached.millis() == millis) {
                return cached.text();
            }
            String text = TIME.format(Instant.ofEpochMilli(millis));
            last = new Formatted(millis, text);
            return text;
        }
    }
}
