package org.clinicaldatahub.hub.terminology;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What the mapper did to one message, field by field. Holds codes and field locations only,
 * never patient data; {@link #summary()} is what travels with the message as the header
 * {@link TerminologyHeaders#MAPPINGS} (and so as a Kafka record header downstream), which is how
 * GEM flags and equivalences of HL7 v2 mappings are kept (a CE has no room for them).
 */
public final class MappingReport {

    /**
     * One coded value.
     *
     * @param location   e.g. {@code OBX[2]-3}, {@code DG1[1]-3(2)} (repetition), {@code Observation.code}
     * @param targetCode the code added (as written), or null
     */
    public record FieldResult(String location, SourceCoding source, MappingOutcome outcome, String targetSystem,
            String targetCode, String equivalence, GemFlags gemFlags, List<String> candidates) {
    }

    private final List<FieldResult> results = new ArrayList<>();
    private final long generation;

    public MappingReport(long generation) {
        this.generation = generation;
    }

    void add(FieldResult result) {
        results.add(result);
    }

    public List<FieldResult> results() {
        return Collections.unmodifiableList(results);
    }

    /** Generation of the terminology snapshot the message was mapped with. */
    public long generation() {
        return generation;
    }

    public long count(MappingOutcome outcome) {
        return results.stream().filter(r -> r.outcome() == outcome).count();
    }

    /** Values reported to the work queue. */
    public long reportedCount() {
        return results.stream().filter(r -> r.outcome().reported()).count();
    }

    /**
     * One line per added or reported code: {@code DG1[1]-3 I9CDX 25000 -> I10C E11.9 inexact gem=10000}.
     * Empty when nothing was mapped or reported.
     */
    public String summary() {
        StringBuilder text = new StringBuilder();
        for (FieldResult result : results) {
            if (result.outcome() == MappingOutcome.STANDARD || result.outcome() == MappingOutcome.ALREADY_PRESENT) {
                continue;
            }
            if (!text.isEmpty()) {
                text.append("; ");
            }
            text.append(result.location()).append(' ').append(result.source().system()).append(' ').append(result.source().code());
            if (result.targetCode() != null) {
                text.append(" -> ").append(result.targetSystem()).append(' ').append(result.targetCode())
                        .append(' ').append(result.equivalence());
            } else {
                text.append(" -> ").append(result.targetSystem()).append(' ').append(result.outcome().wireName());
                if (!result.candidates().isEmpty()) {
                    text.append(' ').append(String.join(",", result.candidates()));
                }
            }
            if (result.gemFlags() != null) {
                text.append(" gem=").append(result.gemFlags().digits());
            }
        }
        return text.toString();
    }
}
