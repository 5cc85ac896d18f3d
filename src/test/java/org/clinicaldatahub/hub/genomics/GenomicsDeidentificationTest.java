package org.clinicaldatahub.hub.genomics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.clinicaldatahub.hub.deid.Pseudonymizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The de-identified copies a run gets in research-active: sample sheets v1 and v2, a VCF checked
 * with bcftools and a BAM checked with samtools, each free of the fake names and MRNs and carrying
 * the same pseudonym for the same sample (and the patient's own pseudonym where an MRN was seen).
 */
class GenomicsDeidentificationTest {

    @TempDir
    Path dir;

    private final Pseudonymizer pseudonymizer = GenomicsFixtures.pseudonymizer();

    private SamplePseudonyms pseudonyms() throws Exception {
        return new SamplePseudonyms(pseudonymizer, GenomicsFixtures.shippedPolicy());
    }

    @Test
    void sampleSheetV1KeepsLayoutIndexesAndSettingsButNoNameOrMrn() throws Exception {
        SamplePseudonyms pseudonyms = pseudonyms();
        String copy = SampleSheetDeidentifier.deidentify(GenomicsFixtures.sampleSheetV1(), pseudonyms);

        GenomicsFixtures.FAKE_PHI.forEach(phi -> assertThat(copy).doesNotContain(phi));
        String patient1 = pseudonymizer.patient("4711001", "HOSPITAL-MRN");
        String patient2 = pseudonymizer.patient("4711002", "HOSP");
        assertThat(copy).contains("[Data]\r\nSample_ID,Sample_Name,Sample_Plate,Sample_Well,I7_Index_ID,index,Sample_Project,"
                + "Description\r\n" + patient1 + "," + pseudonymizer.pseudonym("sample", "DOE_JOHN")
                + ",,A01,N701,TAAGGCGA,ProjectX,\r\n");
        assertThat(copy).contains(pseudonymizer.pseudonym("sample", "S2") + "," + patient2 + ",,B01,N702,CGTACTAG,ProjectX,");
        assertThat(copy).contains("Investigator Name,\r\n", "Experiment Name,\r\n", "Workflow,GenerateFASTQ",
                "Adapter,CTGTCTCTTATACACATCT", "[Reads]\r\n151\r\n151");
        assertThat(pseudonyms.pseudonyms()).contains(patient1, patient2);
    }

    @Test
    void sampleSheetV2TablesInEveryDataSection() throws Exception {
        String copy = SampleSheetDeidentifier.deidentify(GenomicsFixtures.sampleSheetV2(), pseudonyms());

        GenomicsFixtures.FAKE_PHI.forEach(phi -> assertThat(copy).doesNotContain(phi));
        String patient = pseudonymizer.patient("4711001", "HOSPITAL-MRN");
        assertThat(copy).contains("1," + patient + ",TAAGGCGA,TAGATCGC",
                "1," + pseudonymizer.pseudonym("sample", "DOE_JOHN-N") + ",CGTACTAG,CTCTCTAT",
                patient + ",ProjectX," + patient, "FileFormatVersion,2", "RunName,\n", "SoftwareVersion,3.7.4");
    }

    @Test
    void vcfCopyReadsWithBcftoolsWithPseudonymizedSamplesAndNoPhi() throws Exception {
        assumeThat(GenomicsFixtures.Tools.available()).as("samtools and bcftools are required").isTrue();
        Path vcf = GenomicsFixtures.vcfGz(dir);
        Path copy = dir.resolve("copy.vcf.gz");
        SamplePseudonyms pseudonyms = pseudonyms();

        VcfDeidentifier.deidentify(vcf, copy, pseudonyms);

        String header = GenomicsFixtures.Tools.run("bcftools", "view", "-h", copy.toString());
        GenomicsFixtures.FAKE_PHI.forEach(phi -> assertThat(header).doesNotContain(phi));
        String john = pseudonymizer.pseudonym("sample", "DOE_JOHN");
        String jane = pseudonymizer.patient("4711002", "HOSPITAL-MRN");
        assertThat(GenomicsFixtures.Tools.run("bcftools", "query", "-l", copy.toString()).lines().toList())
                .containsExactly(john, jane);
        assertThat(header).contains("##SAMPLE=<ID=" + john + ",Assay=WES>", "##SAMPLE=<ID=" + jane + ",Assay=WES>",
                "/data/" + john + ".bam");
        // the genotypes are untouched
        assertThat(GenomicsFixtures.Tools.run("bcftools", "query", "-f", "%POS[\\t%GT]\\n", copy.toString()))
                .isEqualTo(GenomicsFixtures.Tools.run("bcftools", "query", "-f", "%POS[\\t%GT]\\n", vcf.toString()));
        // BGZF: bcftools can index the copy
        GenomicsFixtures.Tools.run("bcftools", "index", copy.toString());
    }

    @Test
    void bamCopyHasPseudonymousReadGroupAndIdenticalRecords() throws Exception {
        assumeThat(GenomicsFixtures.Tools.available()).as("samtools and bcftools are required").isTrue();
        Path bam = GenomicsFixtures.bam(dir);
        Path copy = dir.resolve("copy.bam");

        BamDeidentifier.deidentify(bam, copy, pseudonyms());

        String header = GenomicsFixtures.Tools.run("samtools", "view", "-H", copy.toString());
        GenomicsFixtures.FAKE_PHI.forEach(phi -> assertThat(header).doesNotContain(phi));
        assertThat(header).contains("SM:" + pseudonymizer.pseudonym("sample", "DOE_JOHN"),
                pseudonymizer.patient("4711001", "HOSP") + ".fq");
        assertThat(GenomicsFixtures.Tools.run("samtools", "view", copy.toString()))
                .isEqualTo(GenomicsFixtures.Tools.run("samtools", "view", bam.toString()));
        assertThat(GenomicsFixtures.Tools.run("samtools", "quickcheck", "-v", copy.toString())).isEmpty();
    }

    @Test
    void policyIsReadStrictly() {
        assertThatThrownBy(() -> GenomicsDeidPolicy.parse(new org.yaml.snakeyaml.Yaml().load(
                "sampleSheet:\n  columns:\n    Sample_ID: pseudo\n  colums: {}\nbam:\n  readGroupSamples: yes-please\n"), "x.yaml"))
                .hasMessageContaining("Sample_ID: action must be sample, patient, remove or keep")
                .hasMessageContaining("unknown key 'colums'")
                .hasMessageContaining("bam.readGroupSamples");
    }

    @Test
    void sidecarsInMd5sumAndBareFormatsAndGarbageRefused() throws Exception {
        Path file = dir.resolve("a.fastq.gz");
        Files.writeString(dir.resolve("a.fastq.gz.md5"), "D41D8CD98F00B204E9800998ECF8427E  a.fastq.gz\n");
        Files.writeString(dir.resolve("a.fastq.gz.sha256"), "not a digest\n");
        assertThat(RunFiles.digestFromSidecar(dir.resolve("a.fastq.gz.md5"), 32)).isEqualTo("d41d8cd98f00b204e9800998ecf8427e");
        assertThatThrownBy(() -> RunFiles.digestFromSidecar(dir.resolve("a.fastq.gz.sha256"), 64))
                .isInstanceOf(RunRefusedException.class).extracting("reasonCode").isEqualTo("GENOMICS_SIDECAR_INVALID");
        assertThat(RunFiles.digestFromSidecar(file.resolveSibling("missing.md5"), 32)).isNull();
    }

    @Test
    void runMetadataFromRunInfoAndNanoporeSummary() throws Exception {
        Path illumina = Files.createDirectories(dir.resolve("illumina"));
        Files.writeString(illumina.resolve("RunInfo.xml"), "<?xml version=\"1.0\"?><RunInfo Version=\"2\"><Run "
                + "Id=\"261201_M00123_0007_000000000-ABCDE\" Number=\"7\"><Flowcell>000000000-ABCDE</Flowcell>"
                + "<Instrument>M00123</Instrument></Run></RunInfo>");
        assertThat(RunMetadata.ofRunFolder(illumina)).isEqualTo(new RunMetadata("261201_M00123_0007_000000000-ABCDE",
                "illumina", "M00123", "000000000-ABCDE"));
        Path ont = Files.createDirectories(dir.resolve("ont"));
        Files.writeString(ont.resolve("final_summary_FAX12345_abcdef12.txt"), String.join("\n", "instrument=MN12345",
                "sample_id=DOE_JOHN", "flow_cell_id=FAX12345", "protocol_run_id=5b2c9e1a-0000-4000-8000-000000000001"));
        assertThat(RunMetadata.ofRunFolder(ont)).isEqualTo(new RunMetadata("5b2c9e1a-0000-4000-8000-000000000001",
                "nanopore", "MN12345", "FAX12345"));
        Path dtd = Files.createDirectories(dir.resolve("xxe"));
        Files.writeString(dtd.resolve("RunInfo.xml"), "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM "
                + "\"file:///etc/passwd\">]><RunInfo><Run Id=\"&x;\"/></RunInfo>");
        assertThatThrownBy(() -> RunMetadata.ofRunFolder(dtd)).isInstanceOf(RunRefusedException.class);
    }

    @Test
    void completionMarkersAndStableLooseFiles() throws Exception {
        GenomicsProperties properties = new GenomicsProperties();
        properties.setDropDirs(List.of(dir.resolve("drop")));
        properties.setStableTime(java.time.Duration.ofSeconds(60));
        MutableClock clock = new MutableClock();
        RunFolderScanner scanner = new RunFolderScanner(properties,
                new GenomicsMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry()), clock);
        Path run = Files.createDirectories(dir.resolve("drop/run1"));
        Path loose = dir.resolve("drop/sample.FASTQ.GZ");
        Files.writeString(loose, "@r\nACGT\n+\nFFFF\n");
        assertThat(scanner.ready()).isEmpty();
        Files.writeString(run.resolve("final_summary_FAX1_abc.txt"), "instrument=MN1\n");
        clock.advance(59);
        assertThat(scanner.ready()).extracting(DropItem::kind).containsExactly(DropItem.Kind.RUN_FOLDER);
        clock.advance(2);
        assertThat(scanner.ready()).extracting(DropItem::kind)
                .containsExactlyInAnyOrder(DropItem.Kind.RUN_FOLDER, DropItem.Kind.LOOSE_FILE);
        Files.writeString(loose, "@r\nACGTA\n+\nFFFFF\n");
        assertThat(scanner.ready()).extracting(DropItem::kind).containsExactly(DropItem.Kind.RUN_FOLDER);
    }

    /** A clock the test moves. */
    static final class MutableClock extends java.time.Clock {
        private java.time.Instant now = java.time.Instant.parse("2026-12-05T08:00:00Z");

        void advance(long seconds) {
            now = now.plusSeconds(seconds);
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public java.time.Instant instant() {
            return now;
        }
    }
}
