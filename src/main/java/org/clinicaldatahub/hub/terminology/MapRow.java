package org.clinicaldatahub.hub.terminology;

import org.hl7.fhir.r4.model.Enumerations.ConceptMapEquivalence;

/**
 * One row of a concept map: a source code, and the target code it maps to with the relation
 * between them (FHIR R4 ConceptMap equivalence). A row with equivalence {@code unmatched} or
 * {@code disjoint}, or a GEM row flagged no-map, says there is deliberately no target.
 *
 * @param gemFlags the CMS GEM flags when the row comes from a GEM file, else null
 */
public record MapRow(String sourceSystem, String sourceCode, String targetSystem, String targetCode,
        String targetDisplay, ConceptMapEquivalence equivalence, GemFlags gemFlags) {

    /** True when the row records that the source code has no equivalent in the target system. */
    public boolean isNoMap() {
        return equivalence == ConceptMapEquivalence.UNMATCHED || equivalence == ConceptMapEquivalence.DISJOINT
                || (gemFlags != null && gemFlags.noMap()) || targetCode == null || targetCode.isEmpty();
    }

    /** True when the row is one part of a combination (several target codes together). */
    public boolean isCombination() {
        return gemFlags != null && gemFlags.combination();
    }
}
