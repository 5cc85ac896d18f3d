package org.clinicaldatahub.hub.dicom.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.clinicaldatahub.hub.audit.AuditRecorder;

/** Reads the audit events the hub wrote (flushing first), for assertions. */
public final class AuditTrail {

    private static final ObjectMapper JSON = new ObjectMapper();

    private AuditTrail() {
    }

    public static List<JsonNode> events(AuditRecorder recorder) throws IOException {
        recorder.flush();
        List<JsonNode> events = new ArrayList<>();
        try (var files = Files.list(recorder.log().segmentsDir())) {
            for (Path segment : files.sorted().toList()) {
                for (String line : Files.readAllLines(segment, StandardCharsets.UTF_8)) {
                    line = line.replace("\u0000", "");
                    if (line.isBlank()) {
                        continue;
                    }
                    JsonNode node = JSON.readTree(line);
                    if ("event".equals(node.path("type").asText())) {
                        events.add(node);
                    }
                }
            }
        }
        return events;
    }

    /** Raw text of the trail, for PHI checks. */
    public static String text(AuditRecorder recorder) throws IOException {
        recorder.flush();
        StringBuilder text = new StringBuilder();
        try (var files = Files.list(recorder.log().segmentsDir())) {
            for (Path segment : files.sorted().toList()) {
                text.append(Files.readString(segment, StandardCharsets.UTF_8));
            }
        }
        return text.toString();
    }
}
