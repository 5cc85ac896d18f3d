package org.clinicaldatahub.hub.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;

/**
 * Reads the hub's heap from Spring Boot Actuator ({@code /actuator/metrics/jvm.memory.used?tag=area:heap}),
 * so a benchmark report shows memory next to throughput. Any failure (no actuator, 401, timeout)
 * gives a short reason instead of an exception: the heap is optional information.
 */
final class HubHeap {

    private final String baseUrl;
    private final String authorization;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final ObjectMapper json = new ObjectMapper();

    HubHeap(String baseUrl, String user, String password) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.authorization = user.isEmpty() ? null
                : "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    boolean enabled() {
        return !baseUrl.isBlank() && !"none".equalsIgnoreCase(baseUrl);
    }

    /** e.g. {@code "212.4 MiB used of 1024.0 MiB"}, or {@code "unavailable (HTTP 401)"}. */
    String describe() {
        if (!enabled()) {
            return "not queried (bench.actuator=none)";
        }
        try {
            double used = metric("jvm.memory.used");
            String max;
            try {
                double m = metric("jvm.memory.max");
                max = m > 0 ? " of " + mib(m) : "";
            } catch (Exception e) {
                max = "";
            }
            return mib(used) + " used" + max;
        } catch (Exception e) {
            return "unavailable (" + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()) + ")";
        }
    }

    /** Messages in Kafka the archiver has not stored yet, or -1 when unavailable. */
    long archiveLag() {
        if (!enabled()) {
            return -1;
        }
        try {
            return (long) metric("hub.archive.lag", "channel:hl7");
        } catch (Exception e) {
            return -1;
        }
    }

    private double metric(String name) throws Exception {
        return metric(name, "area:heap");
    }

    private double metric(String name, String tag) throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(baseUrl + "/actuator/metrics/" + name + "?tag=" + tag))
                .timeout(Duration.ofSeconds(3)).GET();
        if (authorization != null) {
            req.header("Authorization", authorization);
        }
        HttpResponse<String> resp = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
        if (resp.statusCode() != 200) {
            throw new IllegalStateException("HTTP " + resp.statusCode() + " from " + baseUrl);
        }
        for (JsonNode m : json.readTree(resp.body()).path("measurements")) {
            if ("VALUE".equals(m.path("statistic").asText())) {
                return m.path("value").asDouble();
            }
        }
        throw new IllegalStateException("no VALUE measurement in " + name);
    }

    private static String mib(double bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024 * 1024));
    }
}
