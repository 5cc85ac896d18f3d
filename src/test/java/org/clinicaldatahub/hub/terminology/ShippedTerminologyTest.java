package org.clinicaldatahub.hub.terminology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.clinicaldatahub.hub.terminology.internal.LoadedTables;
import org.clinicaldatahub.hub.terminology.internal.TerminologyManifest;
import org.hl7.fhir.r4.model.Enumerations.ConceptMapEquivalence;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The tables shipped in terminology/ load through the same code the hub uses (must show 2): the
 * ICD-10-CM FY2021 order file (95,358 rows) with billable flags, and the CMS 2018 GEM with a
 * translation for every flag combination that occurs in it.
 */
class ShippedTerminologyTest {

    static TerminologyIndex index;
    static LoadedTables tables;

    @BeforeAll
    static void load() throws Exception {
        tables = TerminologyManifest.load(Path.of("terminology"));
        index = TerminologyIndex.build(tables.codeSystems, tables.codeSystemInfo, tables.conceptMaps, tables.conceptMapInfo, false);
    }

    @Test
    void icd10cmOrderFileHasEveryRowWithBillableFlags() {
        CodeSystemTable icd10cm = index.codeSystem(StandardSystems.ICD10CM);
        assertThat(icd10cm.size()).isEqualTo(95_358);
        assertThat(icd10cm.version()).isEqualTo("FY2021");
        assertThat(icd10cm.concepts().values().stream().filter(Concept::isBillable).count()).isEqualTo(72_621);
        assertThat(icd10cm.concept("A00")).extracting(Concept::status, Concept::isBillable).containsExactly(Concept.HEADER, false);
        assertThat(icd10cm.concept("E119").display()).isEqualTo("Type 2 diabetes mellitus without complications");
        assertThat(icd10cm.concept("E119").isBillable()).isTrue();
        assertThat(icd10cm.concept("U071").display()).isEqualTo("COVID-19");
        assertThat(icd10cm.concept("E11.9")).as("the index keys codes without the dot").isNull();
    }

    @Test
    void everyShippedTableReportsItsVersion() {
        assertThat(index.tables()).extracting(LoadedTable::name, LoadedTable::version).contains(
                org.assertj.core.groups.Tuple.tuple(StandardSystems.ICD10CM, "FY2021"),
                org.assertj.core.groups.Tuple.tuple(StandardSystems.ICD9CM, "v32"),
                org.assertj.core.groups.Tuple.tuple(StandardSystems.SNOMED_CT, "GPS 20200930 (International Edition 20200731)"),
                org.assertj.core.groups.Tuple.tuple("CMS GEM ICD-9-CM to ICD-10-CM", "2018"));
        assertThat(index.codeSystem(StandardSystems.SNOMED_CT).size()).isEqualTo(26_158);
        assertThat(index.codeSystem(StandardSystems.ICD9CM).size()).isEqualTo(14_567);
        assertThat(tables.conceptMaps.stream().filter(m -> m.name().startsWith("CMS GEM")).findFirst().orElseThrow().rows())
                .hasSize(24_860);
    }

    @Test
    void gemExactMatchIsEquivalent() {
        Translation t = index.translate(StandardSystems.ICD9CM, "0010", StandardSystems.ICD10CM);
        assertThat(t.outcome()).isEqualTo(MappingOutcome.MAPPED);
        assertThat(t.target().code()).isEqualTo("A000");
        assertThat(t.equivalence()).isEqualTo(ConceptMapEquivalence.EQUIVALENT);
        assertThat(t.gemFlags().digits()).isEqualTo("00000");
    }

    @Test
    void gemApproximateMatchIsAddedAsInexactWithItsFlags() {
        Translation t = index.translate(StandardSystems.ICD9CM, "250.00", StandardSystems.ICD10CM);
        assertThat(t.outcome()).isEqualTo(MappingOutcome.MAPPED);
        assertThat(t.target().code()).isEqualTo("E119");
        assertThat(t.equivalence()).isEqualTo(ConceptMapEquivalence.INEXACT);
        assertThat(t.gemFlags().approximate()).isTrue();
        assertThat(t.gemFlags().digits()).isEqualTo("10000");
    }

    @Test
    void gemNoMapIsNotAddedAndReported() {
        Translation t = index.translate(StandardSystems.ICD9CM, "36570", StandardSystems.ICD10CM);
        assertThat(t.outcome()).isEqualTo(MappingOutcome.NO_MAP);
        assertThat(t.outcome().reported()).isTrue();
        assertThat(t.target()).isNull();
    }

    @Test
    void gemCombinationIsNotAddedAndListsTheCodesNeededTogether() {
        Translation single = index.translate(StandardSystems.ICD9CM, "0730", StandardSystems.ICD10CM);
        assertThat(single.outcome()).isEqualTo(MappingOutcome.COMBINATION);
        assertThat(single.candidates()).containsExactly("A70+J17");
        // two scenarios, choice lists with alternatives (flags 10111, 10121, 10122, 10112)
        Translation scenarios = index.translate(StandardSystems.ICD9CM, "75435", StandardSystems.ICD10CM);
        assertThat(scenarios.outcome()).isEqualTo(MappingOutcome.COMBINATION);
        assertThat(scenarios.candidates()).containsExactly("Q6501+Q6532", "Q6502+Q6531");
        Translation alternatives = index.translate(StandardSystems.ICD9CM, "80600", StandardSystems.ICD10CM);
        assertThat(alternatives.candidates()).contains("S14103A+S12200A|S12201A");
    }

    @Test
    void gemAlternativesAreAmbiguousUnlessACuratedRowChooses() {
        Translation ambiguous = index.translate(StandardSystems.ICD9CM, "4280", StandardSystems.ICD10CM);
        assertThat(ambiguous.outcome()).isEqualTo(MappingOutcome.AMBIGUOUS);
        assertThat(ambiguous.candidates()).containsExactly("I50814", "I509");
        Translation chosen = index.translate(StandardSystems.ICD9CM, "401.9", StandardSystems.ICD10CM);
        assertThat(chosen.outcome()).isEqualTo(MappingOutcome.MAPPED);
        assertThat(chosen.target().code()).isEqualTo("I10");
        assertThat(chosen.gemFlags()).as("the curated row, not the GEM").isNull();
    }

    @Test
    void gemTargetMissingFromTheLoadedIcd10cmIsRefused() {
        // T67.0XXA (GEM 2018) was split into T67.01XA/T67.02XA/T67.09XA in FY2020
        Translation t = index.translate(StandardSystems.ICD9CM, "9920", StandardSystems.ICD10CM);
        assertThat(t.outcome()).isEqualTo(MappingOutcome.TARGET_INVALID);
        assertThat(t.candidates()).containsExactly("T670XXA");
    }

    @Test
    void curatedMapsValidateAgainstLoadedCodeSystems() {
        Translation problem = index.translate("http://north-hospital.example.org/fhir/CodeSystem/problems", "DM2", StandardSystems.SNOMED_CT);
        assertThat(problem.outcome()).isEqualTo(MappingOutcome.MAPPED);
        assertThat(problem.target().display()).isEqualTo("Diabetes mellitus type 2");
        Translation lab = index.translate("http://north-hospital.example.org/fhir/CodeSystem/lab", "GLU", StandardSystems.LOINC);
        assertThat(lab.outcome()).isEqualTo(MappingOutcome.MAPPED);
        assertThat(lab.target().status()).as("no LOINC release loaded").isEqualTo(Concept.UNVERIFIED);
        assertThat(index.concept("http://north-hospital.example.org/fhir/CodeSystem/lab", "GLUOLD").active()).isFalse();
        assertThat(index.concept("http://north-hospital.example.org/fhir/CodeSystem/problems", "OLDHTN").active()).isFalse();
    }
}
