package org.clinicaldatahub.hub.terminology;

import java.util.List;

import org.hl7.fhir.r4.model.Enumerations.ConceptMapEquivalence;

/**
 * The answer of {@link TerminologyIndex#translate}: what to add for one source code in one target
 * system, or why nothing is added.
 *
 * @param outcome       what happened
 * @param targetSystem  the target system asked for
 * @param target        the target concept to add ({@link MappingOutcome#MAPPED} only)
 * @param equivalence   relation of the target to the source ({@code MAPPED} only)
 * @param gemFlags      the CMS GEM flags when the mapping came from a GEM, else null
 * @param candidates    target codes considered when none was chosen (ambiguous, combination,
 *                      invalid target), for the analyst's report
 */
public record Translation(MappingOutcome outcome, String targetSystem, Concept target,
        ConceptMapEquivalence equivalence, GemFlags gemFlags, List<String> candidates) {

    static Translation of(MappingOutcome outcome, String targetSystem, List<String> candidates) {
        return new Translation(outcome, targetSystem, null, null, null, candidates);
    }

    static Translation mapped(String targetSystem, Concept target, ConceptMapEquivalence equivalence, GemFlags flags) {
        return new Translation(MappingOutcome.MAPPED, targetSystem, target, equivalence, flags, List.of());
    }
}
