package org.clinicaldatahub.hub.terminology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.clinicaldatahub.hub.terminology.internal.LoadedTables;
import org.clinicaldatahub.hub.terminology.internal.ReleaseDirectory;
import org.clinicaldatahub.hub.terminology.internal.TerminologyFormatException;
import org.hl7.fhir.r4.model.Enumerations.ConceptMapEquivalence;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Synthetic releases in the official layouts (must show 3) load through the same release
 * directory loader as the real LOINC, SNOMED CT, ICD-10-CM and GEM releases, with their versions
 * recorded; and a release directory beside the shipped terminology/ replaces the shipped tables
 * of the same system and validates map targets (a deprecated LOINC target is refused).
 */
class ReleaseFormatLoadersTest {

    @TempDir
    static Path release;
    static LoadedTables tables;
    static TerminologyIndex index;

    @BeforeAll
    static void writeAndLoad() throws Exception {
        SyntheticReleases.loinc(release, Map.of("2345-7", "ACTIVE", "2823-3", "DISCOURAGED", "2951-2", "DEPRECATED",
                "2160-0", "TRIAL"), 20);
        SyntheticReleases.rf2(release, Map.of("44054006", true, "38341003", true, "190330002", false, "195967001", true), 5,
                List.of(new String[] {"44054006", "1", "1", "TRUE", "E11.9", "447562003"},
                        new String[] {"38341003", "1", "1", "IFA 445518008 | Age at onset of clinical finding (observable entity) | < 18.0 years", "I15.9", "447562003"},
                        new String[] {"38341003", "1", "2", "OTHERWISE TRUE", "I10", "447562003"},
                        new String[] {"195967001", "1", "1", "TRUE", "J45.9", "447562003"},
                        new String[] {"195967001", "2", "1", "TRUE", "Y40.0", "447562003"},
                        new String[] {"44054006", "1", "1", "TRUE", "E11.9", "6011000124106"}));
        SyntheticReleases.icd10cmOrder(release, "icd10cm_order_2025.txt", List.of(
                new String[] {"E11", "0", "Type 2 diabetes mellitus"},
                new String[] {"E119", "1", "Type 2 diabetes mellitus without complications"},
                new String[] {"I10", "1", "Essential (primary) hypertension"},
                new String[] {"U071", "1", "COVID-19"}));
        SyntheticReleases.gem(release, List.of(new String[] {"25000", "E119", "10000"}, new String[] {"0010", "NoDx", "11000"},
                new String[] {"0730", "A70", "10111"}, new String[] {"0730", "J17", "10112"}));
        tables = ReleaseDirectory.load(release);
        index = TerminologyIndex.build(tables.codeSystems, tables.codeSystemInfo, tables.conceptMaps, tables.conceptMapInfo, false);
    }

    @Test
    void everyReleaseTableIsFoundAndItsVersionRecorded() {
        assertThat(index.tables()).extracting(LoadedTable::format, LoadedTable::version, LoadedTable::rows).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("cms-gem", "2018", 4),
                org.assertj.core.groups.Tuple.tuple("icd10cm-order", "FY2025", 4),
                org.assertj.core.groups.Tuple.tuple("loinc-csv", "2.77", 24),
                org.assertj.core.groups.Tuple.tuple("snomed-rf2", "INT_20240301", 9),
                org.assertj.core.groups.Tuple.tuple("snomed-rf2-extended-map", "INT_20240301", 4),
                org.assertj.core.groups.Tuple.tuple("snomed-rf2-extended-map", "INT_20240301", 1));
    }

    @Test
    void loincStatusAndNamesComeFromTheirColumns() {
        assertThat(index.concept(StandardSystems.LOINC, "2345-7")).extracting(Concept::active, Concept::status, Concept::display)
                .containsExactly(true, "ACTIVE", "Synthetic analyte 2345-7 [Mass/volume] in Serum or Plasma");
        assertThat(index.concept(StandardSystems.LOINC, "2823-3").active()).as("DISCOURAGED is still valid").isTrue();
        assertThat(index.concept(StandardSystems.LOINC, "2160-0").active()).as("TRIAL").isTrue();
        assertThat(index.concept(StandardSystems.LOINC, "2951-2")).extracting(Concept::active, Concept::status)
                .containsExactly(false, "DEPRECATED");
        assertThat(index.codeSystem(StandardSystems.LOINC).size()).isEqualTo(24);
    }

    @Test
    void rf2ConceptsCarryActiveFlagAndFullySpecifiedNameWithoutSemanticTag() {
        assertThat(index.concept(StandardSystems.SNOMED_CT, "44054006")).extracting(Concept::active, Concept::display)
                .containsExactly(true, "Synthetic \"concept\" 44054006");
        assertThat(index.concept(StandardSystems.SNOMED_CT, "190330002").active()).isFalse();
        assertThat(index.translate(StandardSystems.SNOMED_CT, "190330002", StandardSystems.SNOMED_CT).outcome())
                .isEqualTo(MappingOutcome.UNKNOWN_CODE);
    }

    @Test
    void extendedMapUsesUnconditionalRulesAndTreatsSeveralGroupsAsACombination() {
        Translation diabetes = index.translate(StandardSystems.SNOMED_CT, "44054006", StandardSystems.ICD10);
        assertThat(diabetes.outcome()).isEqualTo(MappingOutcome.MAPPED);
        assertThat(diabetes.equivalence()).isEqualTo(ConceptMapEquivalence.EQUIVALENT);
        assertThat(diabetes.target().status()).as("ICD-10 (WHO) is not loaded").isEqualTo(Concept.UNVERIFIED);
        TerminologyIndex strict = TerminologyIndex.build(tables.codeSystems, tables.codeSystemInfo, tables.conceptMaps,
                tables.conceptMapInfo, true);
        assertThat(strict.translate(StandardSystems.SNOMED_CT, "44054006", StandardSystems.ICD10).outcome())
                .as("hub.terminology.require-loaded-target-system=true").isEqualTo(MappingOutcome.TARGET_INVALID);
        Translation hypertension = index.translate(StandardSystems.SNOMED_CT, "38341003", StandardSystems.ICD10);
        assertThat(hypertension.outcome()).as("the age rule is skipped, OTHERWISE TRUE used").isEqualTo(MappingOutcome.MAPPED);
        assertThat(hypertension.target().code()).isEqualTo("I10");
        assertThat(hypertension.equivalence()).isEqualTo(ConceptMapEquivalence.INEXACT);
        Translation asthma = index.translate(StandardSystems.SNOMED_CT, "195967001", StandardSystems.ICD10);
        assertThat(asthma.outcome()).isEqualTo(MappingOutcome.COMBINATION);
        assertThat(asthma.candidates()).containsExactly("J45.9+Y40.0");
        Translation toIcd10cm = index.translate(StandardSystems.SNOMED_CT, "44054006", StandardSystems.ICD10CM);
        assertThat(toIcd10cm.outcome()).isEqualTo(MappingOutcome.MAPPED);
        assertThat(toIcd10cm.target().code()).as("dotted in the refset, undotted in the index").isEqualTo("E119");
    }

    @Test
    void officialFixedWidthIcd10cmAndGemTextLoad() {
        assertThat(index.concept(StandardSystems.ICD10CM, "E11")).extracting(Concept::status, Concept::display)
                .containsExactly(Concept.HEADER, "Type 2 diabetes mellitus");
        assertThat(index.concept(StandardSystems.ICD10CM, "U071").isBillable()).isTrue();
        Translation approximate = index.translate(StandardSystems.ICD9CM, "250.00", StandardSystems.ICD10CM);
        assertThat(approximate.outcome()).isEqualTo(MappingOutcome.MAPPED);
        assertThat(approximate.gemFlags().digits()).isEqualTo("10000");
        assertThat(index.translate(StandardSystems.ICD9CM, "0010", StandardSystems.ICD10CM).outcome()).isEqualTo(MappingOutcome.NO_MAP);
        Translation combination = index.translate(StandardSystems.ICD9CM, "0730", StandardSystems.ICD10CM);
        assertThat(combination.outcome()).isEqualTo(MappingOutcome.COMBINATION);
        assertThat(combination.candidates()).containsExactly("A70+J17");
    }

    @Test
    void releaseTablesReplaceShippedOnesAndValidateMapTargets() throws Exception {
        TerminologyTestSupport terminology = new TerminologyTestSupport(Path.of("terminology"), release).start();
        try {
            TerminologyIndex merged = terminology.tables.current().index();
            assertThat(merged.tables()).filteredOn(t -> t.name().equals(StandardSystems.ICD10CM))
                    .extracting(LoadedTable::version, LoadedTable::inUse)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("FY2021", false), org.assertj.core.groups.Tuple.tuple("FY2025", true));
            assertThat(merged.codeSystem(StandardSystems.SNOMED_CT).version()).isEqualTo("INT_20240301");
            String lab = "http://north-hospital.example.org/fhir/CodeSystem/lab";
            Translation glucose = merged.translate(lab, "GLU", StandardSystems.LOINC);
            assertThat(glucose.outcome()).isEqualTo(MappingOutcome.MAPPED);
            assertThat(glucose.target().status()).isEqualTo("ACTIVE");
            Translation sodium = merged.translate(lab, "NA", StandardSystems.LOINC);
            assertThat(sodium.outcome()).as("2951-2 is DEPRECATED in the loaded LOINC").isEqualTo(MappingOutcome.TARGET_INVALID);
            Translation potassium = merged.translate(lab, "K", StandardSystems.LOINC);
            assertThat(potassium.outcome()).isEqualTo(MappingOutcome.MAPPED);
            assertThat(merged.translate(lab, "HGB", StandardSystems.LOINC).outcome())
                    .as("718-7 is not in the (synthetic) LOINC release").isEqualTo(MappingOutcome.TARGET_INVALID);
        } finally {
            terminology.stop();
        }
    }

    @Test
    void aMalformedReleaseFileIsNamedWithItsLine(@TempDir Path broken) throws Exception {
        Files.writeString(broken.resolve("2018_I9gem.txt"), "0010 A000 00000\n0011 A001 0000X\n");
        assertThatThrownBy(() -> ReleaseDirectory.load(broken)).isInstanceOf(TerminologyFormatException.class)
                .hasMessageContaining("2018_I9gem.txt:2").hasMessageContaining("five digits");
    }
}
