package org.clinicaldatahub.hub.genomics;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

import org.clinicaldatahub.hub.deid.HmacPseudonymizer;
import org.clinicaldatahub.hub.deid.PatientIdIssuers;
import org.clinicaldatahub.hub.deid.PseudonymFormat;
import org.clinicaldatahub.hub.deid.Pseudonymizer;

/**
 * Synthetic sequencer output for the genomics tests: an Illumina-style run folder whose sample
 * sheet names fake patients and MRNs, FASTQ.gz files with md5 sidecars, and a VCF and BAM made by
 * Debian's bcftools and samtools. All names and numbers are invented.
 */
final class GenomicsFixtures {

    /** Fake PHI the tests look for in every output. */
    static final List<String> FAKE_PHI = List.of("DOE_JOHN", "Doe, John", "MRN4711001", "4711001", "ROE_JANE",
            "4711002", "Dr Fakename", "Quincy Example");

    private GenomicsFixtures() {
    }

    static Pseudonymizer pseudonymizer() {
        return new HmacPseudonymizer("unit-test-key-unit-test-key-0123".getBytes(StandardCharsets.UTF_8),
                new PseudonymFormat("P", PseudonymFormat.Alphabet.BASE32, 16),
                new PatientIdIssuers("HOSPITAL-MRN", Map.of("HOSPITAL-MRN", List.of("HOSP"))), 365);
    }

    static GenomicsDeidPolicy shippedPolicy() throws IOException {
        return GenomicsDeidPolicy.load(Path.of("mappings/genomics-deid.yaml"));
    }

    static String sampleSheetV1() {
        return String.join("\r\n",
                "[Header]",
                "IEMFileVersion,4",
                "Investigator Name,Dr Fakename",
                "Experiment Name,Quincy Example tumour panel",
                "Date,12/01/2026",
                "Workflow,GenerateFASTQ",
                "",
                "[Reads]",
                "151",
                "151",
                "",
                "[Settings]",
                "Adapter,CTGTCTCTTATACACATCT",
                "",
                "[Data]",
                "Sample_ID,Sample_Name,Sample_Plate,Sample_Well,I7_Index_ID,index,Sample_Project,Description",
                "MRN4711001-T,DOE_JOHN,,A01,N701,TAAGGCGA,ProjectX,\"Doe, John tumour\"",
                "S2,ROE_JANE_MRN4711002,,B01,N702,CGTACTAG,ProjectX,normal",
                "");
    }

    static String sampleSheetV2() {
        return String.join("\n",
                "[Header]",
                "FileFormatVersion,2",
                "RunName,Quincy Example run",
                "InstrumentPlatform,NextSeq1k2k",
                "",
                "[BCLConvert_Settings]",
                "SoftwareVersion,3.7.4",
                "",
                "[BCLConvert_Data]",
                "Lane,Sample_ID,index,index2",
                "1,MRN4711001-T,TAAGGCGA,TAGATCGC",
                "1,DOE_JOHN-N,CGTACTAG,CTCTCTAT",
                "",
                "[Cloud_Data]",
                "Sample_ID,ProjectName,LibraryName",
                "MRN4711001-T,ProjectX,MRN4711001-T_TAAGGCGA",
                "");
    }

    /** A gzip FASTQ with Illumina read headers (instrument:run:flowcell:lane:tile:x:y), {@code reads} reads. */
    static void fastqGz(Path file, int reads, long seed) throws IOException {
        java.util.Random random = new java.util.Random(seed);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            StringBuilder record = new StringBuilder();
            char[] bases = { 'A', 'C', 'G', 'T' };
            for (int i = 0; i < reads; i++) {
                record.setLength(0);
                record.append("@M00123:7:000000000-ABCDE:1:1101:").append(1000 + i).append(':').append(2000 + i)
                        .append(" 1:N:0:1\n");
                for (int b = 0; b < 100; b++) {
                    record.append(bases[random.nextInt(4)]);
                }
                record.append("\n+\n").append("F".repeat(100)).append('\n');
                out.write(record.toString().getBytes(StandardCharsets.US_ASCII));
            }
        }
    }

    /** An {@code md5sum}-style sidecar for {@code file}. */
    static void md5Sidecar(Path file) throws IOException {
        java.security.MessageDigest md5;
        try {
            md5 = java.security.MessageDigest.getInstance("MD5");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (var in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) > 0) {
                md5.update(buffer, 0, n);
            }
        }
        Files.writeString(file.resolveSibling(file.getFileName() + ".md5"),
                java.util.HexFormat.of().formatHex(md5.digest()) + "  " + file.getFileName() + "\n");
    }

    /** A two-sample VCF made with bcftools (bgzipped), with ##SAMPLE lines naming the fake patients. */
    static Path vcfGz(Path dir) throws IOException, InterruptedException {
        Path plain = dir.resolve("calls-plain.vcf");
        Files.writeString(plain, String.join("\n",
                "##fileformat=VCFv4.2",
                "##contig=<ID=chr1,length=248956422>",
                "##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">",
                "##SAMPLE=<ID=DOE_JOHN,Individual=\"Doe, John\",Description=\"MRN4711001 tumour\",Assay=WES>",
                "##SAMPLE=<ID=ROE_JANE_MRN4711002,Individual=Jane Roe,Assay=WES>",
                "##commandline=\"caller --tumor /data/DOE_JOHN.bam --normal /data/ROE_JANE_MRN4711002.bam\"",
                "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tDOE_JOHN\tROE_JANE_MRN4711002",
                "chr1\t10177\t.\tA\tAC\t50\tPASS\t.\tGT\t0/1\t0/0",
                "chr1\t10352\t.\tT\tTA\t60\tPASS\t.\tGT\t1/1\t0/1",
                ""));
        Path vcf = dir.resolve("DOE_JOHN_MRN4711001.vcf.gz");
        Tools.run("bcftools", "view", "-Oz", "-o", vcf.toString(), plain.toString());
        Files.delete(plain);
        return vcf;
    }

    /** A small BAM made with samtools whose @RG SM: and @PG CL: name a fake patient. */
    static Path bam(Path dir) throws IOException, InterruptedException {
        Path sam = dir.resolve("reads.sam");
        List<String> lines = new ArrayList<>(List.of(
                "@HD\tVN:1.6\tSO:unsorted",
                "@SQ\tSN:chr1\tLN:248956422",
                "@RG\tID:rg1\tSM:DOE_JOHN\tLB:DOE_JOHN-lib1\tPL:ILLUMINA",
                "@PG\tID:bwa\tPN:bwa\tCL:bwa mem ref.fa DOE_JOHN_R1.fastq.gz MRN4711001.fq"));
        for (int i = 0; i < 2000; i++) {
            lines.add("read" + i + "\t0\tchr1\t" + (10000 + i) + "\t60\t10M\t*\t0\t0\tACGTACGTAC\tFFFFFFFFFF\tRG:Z:rg1");
        }
        Files.write(sam, lines);
        Path bam = dir.resolve("DOE_JOHN.bam");
        Tools.run("samtools", "view", "-b", "-o", bam.toString(), sam.toString());
        Files.delete(sam);
        return bam;
    }

    /** Runs Debian's samtools / bcftools. */
    static final class Tools {
        private Tools() {
        }

        static boolean available() {
            try {
                return run("samtools", "--version").contains("samtools") && run("bcftools", "--version").contains("bcftools");
            } catch (IOException | InterruptedException e) {
                return false;
            }
        }

        static String run(String... command) throws IOException, InterruptedException {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + output);
            }
            return output;
        }
    }
}
