package org.clinicaldatahub.hub.terminology;

import java.util.List;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.Message;
import org.clinicaldatahub.hub.terminology.internal.Er7Message;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.springframework.stereotype.Component;

/**
 * The terminology mapper (bean {@code terminologyMapper}): adds the standard code (LOINC for
 * results, SNOMED CT for problems and findings, ICD-10-CM for diagnoses, per
 * {@code mappings/terminology-bindings.yaml}) beside the original code of every bound field,
 * never replacing it. Codes it cannot map go to the {@link UnmappedCodes work queue}; every coded
 * value is counted in {@link TerminologyMetrics}. Each call maps with one
 * {@link TerminologySnapshot}, so a reload never splits a message between two table versions.
 * Routes usually call {@link MapTerminology mapTerminology}, which takes the payload in the form it comes.
 */
@Component("terminologyMapper")
public class TerminologyMapper {

    private final TerminologyTables tables;
    private final UnmappedCodes unmappedCodes;
    private final TerminologyMetrics metrics;

    public TerminologyMapper(TerminologyTables tables, UnmappedCodes unmappedCodes, TerminologyMetrics metrics) {
        this.tables = tables;
        this.unmappedCodes = unmappedCodes;
        this.metrics = metrics;
        tables.onReload(snapshot -> unmappedCodes.closeResolved(snapshot.index()));
    }

    /** Maps an HL7 v2 message in place; the source for metrics is MSH-3.1^MSH-4.1. */
    public MappingReport mapHl7(Message message) throws HL7Exception {
        TerminologySnapshot snapshot = tables.current();
        MappingReport report = new MappingReport(snapshot.generation());
        new Hl7CodedFields(snapshot, recorder(report, Hl7CodedFields.sender(message))).map(message);
        return report;
    }

    /**
     * Maps an HL7 v2 message in ER7 text, in the text itself: the standard codes are written into
     * the bound fields' alternate identifier components, and every other byte stays as received.
     * The source for metrics is MSH-3.1^MSH-4.1.
     *
     * @throws IllegalArgumentException when the text is not an HL7 v2 message HAPI would parse
     *         (the message names the problem's kind only, never the content)
     */
    public MappedHl7 mapHl7(String er7) {
        Er7Message message = Hl7CodedFields.read(er7);
        TerminologySnapshot snapshot = tables.current();
        MappingReport report = new MappingReport(snapshot.generation());
        new Hl7CodedFields(snapshot, recorder(report, Hl7CodedFields.sender(message))).map(message);
        return new MappedHl7(message.text(), report);
    }

    /**
     * An HL7 v2 text after mapping.
     *
     * @param text   the message with the codes added; the very text given when nothing was added
     * @param report what was done, field by field
     */
    public record MappedHl7(String text, MappingReport report) {
    }

    /**
     * Whether any segment of an HL7 v2 message in ER7 text has a field bound in the current
     * bindings. Reads segment names only, so a message with nothing to map need not be parsed.
     */
    public boolean hasBoundHl7Segment(String er7) {
        TerminologyBindings bindings = tables.current().bindings();
        String text = er7.stripLeading();
        char fieldSeparator = text.length() > 3 ? text.charAt(3) : '|';
        int start = 0;
        while (start < text.length()) {
            int end = start;
            while (end < text.length() && text.charAt(end) != '\r' && text.charAt(end) != '\n') {
                end++;
            }
            int name = start;
            while (name < end && text.charAt(name) != fieldSeparator) {
                name++;
            }
            if (name > start && !bindings.hl7(text.substring(start, name)).isEmpty()) {
                return true;
            }
            start = end + 1;
        }
        return false;
    }

    /** The report for a message with no bound field: nothing mapped, with the current generation. */
    public MappingReport nothingBound() {
        return new MappingReport(tables.current().generation());
    }

    /** Maps a FHIR R4 resource (or every resource of a Bundle) in place. */
    public MappingReport mapFhir(IBaseResource resource, String source) {
        TerminologySnapshot snapshot = tables.current();
        MappingReport report = new MappingReport(snapshot.generation());
        new FhirCodeableConcepts(snapshot, recorder(report, source)).map(resource);
        return report;
    }

    /** One translation with the current tables; records nothing (for look-ups and tools). */
    public Translation translate(String sourceSystem, String code, String targetSystem) {
        return tables.current().index().translate(sourceSystem, code, targetSystem);
    }

    /** A concept of a loaded code system, or null. */
    public Concept concept(String system, String code) {
        return tables.current().index().concept(system, code);
    }

    private Hl7CodedFields.Recorder recorder(MappingReport report, String source) {
        return (location, primary, decision, addedCodes, outcome) -> {
            metrics.count(primary.system(), source, outcome);
            Translation reported = decision.reported();
            SourceCoding reportedSource = decision.reportedSource();
            if (outcome == MappingOutcome.NO_FREE_SLOT) {
                CodedValueDecision.Addition first = decision.additions().get(0);
                reported = Translation.of(MappingOutcome.NO_FREE_SLOT, first.targetSystem(), List.of(first.concept().code()));
                reportedSource = primary;
            }
            if (outcome.reported()) {
                unmappedCodes.record(reportedSource, reported, source);
                report.add(new MappingReport.FieldResult(location, reportedSource, outcome, reported.targetSystem(), null,
                        null, reported.gemFlags(), reported.candidates()));
            } else if (outcome == MappingOutcome.MAPPED) {
                for (int i = 0; i < addedCodes.size(); i++) {
                    CodedValueDecision.Addition addition = decision.additions().get(i);
                    report.add(new MappingReport.FieldResult(location, addition.from(), outcome, addition.targetSystem(),
                            addedCodes.get(i), addition.equivalence().toCode(), addition.gemFlags(), List.of()));
                }
            } else {
                report.add(new MappingReport.FieldResult(location, primary, outcome, null, null, null, null, List.of()));
            }
        };
    }
}
