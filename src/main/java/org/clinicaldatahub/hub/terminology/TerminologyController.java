package org.clinicaldatahub.hub.terminology;

import java.util.List;
import java.util.Map;
import java.util.LinkedHashMap;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The analyst's view of the terminology, behind the hub's login:
 * <ul>
 * <li>{@code GET /api/terminology/unmapped} the work queue as JSON, most frequent first
 *     ({@code ?all=true} includes entries a reload has resolved);</li>
 * <li>{@code GET /api/terminology/unmapped.csv} the open entries as concept-map CSV rows with the
 *     target left empty: fill in target_code and add the rows to a map file;</li>
 * <li>{@code GET /api/terminology/tables} every loaded table with its version;</li>
 * <li>{@code POST /api/terminology/reload} reload now (also happens on file change).</li>
 * </ul>
 */
@RestController
@RequestMapping("/api/terminology")
public class TerminologyController {

    private final TerminologyTables tables;
    private final UnmappedCodes unmappedCodes;

    public TerminologyController(TerminologyTables tables, UnmappedCodes unmappedCodes) {
        this.tables = tables;
        this.unmappedCodes = unmappedCodes;
    }

    @GetMapping(path = "/unmapped", produces = MediaType.APPLICATION_JSON_VALUE)
    public List<UnmappedCode> unmapped(@RequestParam(defaultValue = "false") boolean all) {
        return unmappedCodes.list(all);
    }

    @GetMapping(path = "/unmapped.csv", produces = "text/csv")
    public String unmappedCsv() {
        StringBuilder csv = new StringBuilder("source_system,source_code,source_display,target_system,target_code,"
                + "target_display,equivalence,comment\n");
        for (UnmappedCode code : unmappedCodes.open()) {
            csv.append(quote(code.sourceSystem())).append(',').append(quote(code.code())).append(',')
                    .append(quote(code.display())).append(',').append(quote(code.targetSystem())).append(",,,,")
                    .append(quote(code.reason() + ", seen " + code.count() + "x"
                            + (code.candidates().isEmpty() ? "" : ", candidates " + String.join(" ", code.candidates()))))
                    .append('\n');
        }
        return csv.toString();
    }

    @GetMapping(path = "/tables", produces = MediaType.APPLICATION_JSON_VALUE)
    public Map<String, Object> tables() {
        Map<String, Object> answer = new LinkedHashMap<>();
        ReloadResult last = tables.lastResult();
        answer.put("loaded", tables.isLoaded());
        answer.put("lastLoad", last);
        return answer;
    }

    @PostMapping(path = "/reload", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<ReloadResult> reload() {
        ReloadResult result = tables.reload();
        return ResponseEntity.status(result.success() ? HttpStatus.OK : HttpStatus.UNPROCESSABLE_ENTITY).body(result);
    }

    private static String quote(String value) {
        String text = value == null ? "" : value;
        return text.contains(",") || text.contains("\"") || text.contains("\n")
                ? '"' + text.replace("\"", "\"\"") + '"' : text;
    }
}
