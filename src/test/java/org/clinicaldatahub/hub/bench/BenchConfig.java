package org.clinicaldatahub.hub.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Settings of one {@link MllpBench} run, read from {@code bench.*} system properties and
 * overridden by {@code key=value} program arguments (with or without {@code --} and
 * {@code bench.}). See {@link MllpBench} for the list.
 */
record BenchConfig(
        String host,
        int port,
        int connections,
        int messages,
        int warmup,
        int window,
        long seed,
        int patients,
        List<String> versions,
        List<String> types,
        Duration ackTimeout,
        boolean tls,
        String actuator,
        String user,
        String password,
        String runId,
        Duration progressEvery) {

    static BenchConfig from(String[] args, Properties system) {
        Map<String, String> v = new HashMap<>();
        for (String name : system.stringPropertyNames()) {
            if (name.startsWith("bench.")) {
                v.put(name.substring("bench.".length()), system.getProperty(name));
            }
        }
        for (String arg : args) {
            String a = arg.startsWith("--") ? arg.substring(2) : arg;
            int eq = a.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("argument must be key=value: " + arg);
            }
            String key = a.substring(0, eq);
            v.put(key.startsWith("bench.") ? key.substring("bench.".length()) : key, a.substring(eq + 1));
        }
        String host = v.getOrDefault("host", "localhost");
        BenchConfig c = new BenchConfig(
                host,
                intOf(v, "port", 2575),
                intOf(v, "connections", 8),
                intOf(v, "messages", 50_000),
                intOf(v, "warmup", 2_000),
                intOf(v, "window", 1),
                Long.parseLong(v.getOrDefault("seed", "42")),
                intOf(v, "patients", 1_000),
                listOf(v.get("versions")),
                listOf(v.get("types")),
                Duration.ofMillis(intOf(v, "ackTimeoutMs", 30_000)),
                Boolean.parseBoolean(v.getOrDefault("tls", "false")),
                v.getOrDefault("actuator", "http://" + host + ":8080"),
                v.getOrDefault("user", ""),
                v.getOrDefault("password", ""),
                v.getOrDefault("runId", defaultRunId()),
                Duration.ofSeconds(intOf(v, "progressSeconds", 5)));
        c.validate();
        return c;
    }

    private void validate() {
        if (connections < 1 || messages < 1 || warmup < 0 || window < 1 || patients < 1 || port < 1) {
            throw new IllegalArgumentException("connections, messages, window, patients and port must be positive,"
                    + " warmup not negative: " + this);
        }
        if (!runId.matches("[A-Za-z0-9]{1,8}")) {
            throw new IllegalArgumentException("runId must be 1..8 letters or digits");
        }
    }

    /** Messages for connection {@code index} out of {@code total}: an even split, remainder to the first ones. */
    int share(int total, int index) {
        return total / connections + (index < total % connections ? 1 : 0);
    }

    /**
     * Five base-36 characters of the current second: control ids differ between runs, since the
     * hub treats sending facility + MSH-10 as the idempotency key and would skip a re-sent id.
     */
    private static String defaultRunId() {
        long s = Instant.now().getEpochSecond() % (36L * 36 * 36 * 36 * 36);
        String id = Long.toString(s, 36).toUpperCase(Locale.ROOT);
        return "B" + "0".repeat(5 - id.length()) + id;
    }

    private static int intOf(Map<String, String> v, String key, int dflt) {
        String s = v.get(key);
        return s == null || s.isBlank() ? dflt : Integer.parseInt(s.trim().replace("_", ""));
    }

    private static List<String> listOf(String csv) {
        return csv == null || csv.isBlank() ? List.of() : List.of(csv.trim().split("\\s*,\\s*"));
    }
}
