package org.clinicaldatahub.hub.terminology;

import java.util.ArrayList;
import java.util.List;

import org.hl7.fhir.r4.model.Enumerations.ConceptMapEquivalence;

/**
 * What to do with one coded value (a CE/CWE field repetition, a CodeableConcept), given the codes
 * it already carries and the target systems of its binding, in order of preference. Every target
 * that can be reached is added (a code added for one target may be the source for the next, e.g.
 * local -> SNOMED CT -> ICD-10-CM); the value is reported to the work queue only when it ends up
 * with no code in any target system.
 *
 * @param outcome   the value's outcome (mapped, standard, already-present, or why it is reported)
 * @param additions the codes to add, in target order
 * @param reported  the translation behind a reported outcome, else null
 * @param reportedSource the code the report is about, else null
 */
public record CodedValueDecision(MappingOutcome outcome, List<Addition> additions, Translation reported,
        SourceCoding reportedSource) {

    /** A standard code to add beside the original, and how it was reached. */
    public record Addition(String targetSystem, Concept concept, ConceptMapEquivalence equivalence, GemFlags gemFlags,
            SourceCoding from) {
    }

    /** Decides for one coded value; {@code originals} must not be empty. */
    public static CodedValueDecision decide(TerminologyIndex index, List<SourceCoding> originals, List<String> targets) {
        List<SourceCoding> sources = new ArrayList<>(originals);
        List<Addition> additions = new ArrayList<>(2);
        MappingOutcome best = null;
        Translation report = null;
        SourceCoding reportSource = null;
        for (String target : targets) {
            SourceCoding same = null;
            for (SourceCoding source : sources) {
                if (target.equals(source.system())) {
                    same = source;
                    break;
                }
            }
            if (same != null) {
                Translation check = index.translate(target, same.code(), target);
                if (check.outcome() == MappingOutcome.STANDARD) {
                    MappingOutcome found = same == originals.get(0) ? MappingOutcome.STANDARD : MappingOutcome.ALREADY_PRESENT;
                    best = better(best, found);
                } else if (report == null) {
                    report = check;
                    reportSource = same;
                }
                continue;
            }
            for (SourceCoding source : sources) {
                Translation translation = index.translate(source.system(), source.code(), target);
                if (translation.outcome() == MappingOutcome.MAPPED) {
                    additions.add(new Addition(target, translation.target(), translation.equivalence(), translation.gemFlags(), source));
                    best = MappingOutcome.MAPPED;
                    break;
                }
                if (report == null && translation.outcome().reported() && source == originals.get(0)) {
                    report = translation;
                    reportSource = source;
                }
            }
            for (int i = sources.size() - originals.size(); i < additions.size(); i++) {
                Addition added = additions.get(i);
                sources.add(new SourceCoding(added.targetSystem(), added.concept().code(), added.concept().display()));
            }
        }
        if (best != null) {
            return new CodedValueDecision(best, additions, null, null);
        }
        if (report == null) {
            report = new Translation(MappingOutcome.UNMAPPED, targets.get(0), null, null, null, List.of());
            reportSource = originals.get(0);
        }
        return new CodedValueDecision(report.outcome(), additions, report, reportSource);
    }

    private static MappingOutcome better(MappingOutcome current, MappingOutcome found) {
        if (current == MappingOutcome.MAPPED || current == MappingOutcome.STANDARD) {
            return current;
        }
        return found;
    }
}
