package org.clinicaldatahub.hub.deid;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The analysts' report of which fields were changed by which rule (login required, as every
 * endpoint). Paths, actions, reason codes and counts only: never a value from a record.
 * <ul>
 * <li>{@code GET /api/deid/report}: everything de-identified since start, per profile;</li>
 * <li>{@code POST /api/deid/report?profile=safe-harbor} with a sample as the body (HL7 v2
 *     messages one after another, or one FHIR R4 resource or Bundle in JSON): what the profile
 *     would change in it; nothing is stored or published;</li>
 * <li>{@code GET /api/deid/profiles}: the loaded profiles and their versions.</li>
 * </ul>
 */
@RestController
@RequestMapping("/api/deid")
public class DeidReportController {

    private final Deidentifier deidentifier;
    private final DeidStatistics statistics;
    private final DeidProfiles profiles;

    public DeidReportController(Deidentifier deidentifier, DeidStatistics statistics, DeidProfiles profiles) {
        this.deidentifier = deidentifier;
        this.statistics = statistics;
        this.profiles = profiles;
    }

    @GetMapping(path = "/report", produces = MediaType.APPLICATION_JSON_VALUE)
    public Map<String, Object> sinceStart() {
        return statistics.snapshot();
    }

    @GetMapping(path = "/profiles", produces = MediaType.APPLICATION_JSON_VALUE)
    public Map<String, String> profiles() {
        Map<String, String> out = new TreeMap<>();
        for (String name : profiles.names()) {
            out.put(name, profiles.get(name).version());
        }
        return out;
    }

    @PostMapping(path = "/report", produces = MediaType.APPLICATION_JSON_VALUE)
    public Map<String, Object> sample(@RequestParam(defaultValue = "safe-harbor") String profile,
            @RequestBody String body) {
        DeidProfile chosen = profiles.get(profile);
        DeidChanges changes = new DeidChanges();
        Map<String, Integer> rejected = new TreeMap<>();
        int records = 0;
        for (String record : split(body)) {
            records++;
            try {
                changes.addAll(deidentifier.deidentifyForReport(record, chosen.name()));
            } catch (DeidRejection e) {
                rejected.merge(e.reasonCode(), 1, Integer::sum);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("profile", chosen.reference());
        out.put("records", records);
        out.put("rejected", rejected);
        out.put("changes", changes.counts());
        return out;
    }

    /** HL7 messages start at each MSH; a JSON body is one resource (a Bundle's entries each count). */
    private static List<String> split(String body) {
        List<String> records = new ArrayList<>();
        String text = body.replace("\r\n", "\r").replace('\n', '\r').strip();
        if (text.startsWith("MSH")) {
            int start = 0;
            for (int at = text.indexOf("\rMSH", 1); at >= 0; at = text.indexOf("\rMSH", at + 1)) {
                records.add(text.substring(start, at + 1));
                start = at + 1;
            }
            records.add(text.substring(start));
            return records;
        }
        if (text.startsWith("{") && text.contains("\"Bundle\"")) {
            var bundle = (org.hl7.fhir.r4.model.Bundle) ca.uhn.fhir.context.FhirContext.forR4Cached().newJsonParser()
                    .setParserErrorHandler(new ca.uhn.fhir.parser.LenientErrorHandler(false)).parseResource(body);
            var encoder = ca.uhn.fhir.context.FhirContext.forR4Cached().newJsonParser();
            bundle.getEntry().forEach(e -> records.add(encoder.encodeResourceToString(e.getResource())));
            return records;
        }
        records.add(body);
        return records;
    }
}
