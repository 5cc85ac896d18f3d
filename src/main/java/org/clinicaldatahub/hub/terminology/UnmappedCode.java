package org.clinicaldatahub.hub.terminology;

import java.time.Instant;
import java.util.List;

/**
 * One entry of the unmapped-code work queue, as published on {@code hub.terminology.unmapped}
 * and listed by {@code GET /api/terminology/unmapped}. Codes and counts only: no patient, no
 * message id.
 *
 * @param sourceSystem the code's system (URI; local systems per the bindings file)
 * @param display      the text the sender gave with the code (first seen, at most 100 characters)
 * @param targetSystem the standard system it should map to
 * @param reason       {@link MappingOutcome#wireName()} of why it is here
 * @param candidates   target codes considered (ambiguous, combination, invalid target)
 * @param sources      sending systems that sent it (at most 20)
 * @param node         hub node that counted it (each replica keeps its own counts)
 * @param open         false once a reload maps it
 */
public record UnmappedCode(String sourceSystem, String code, String display, String targetSystem, String reason,
        List<String> candidates, List<String> sources, Instant firstSeen, Instant lastSeen, long count, String node,
        boolean open) {
}
