package org.clinicaldatahub.hub.genomics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.clinicaldatahub.hub.deid.Pseudonymizer;
import org.clinicaldatahub.hub.storage.MultipartUpload;
import org.clinicaldatahub.hub.storage.StoredObject;
import org.clinicaldatahub.hub.storage.TieredStore;

/**
 * Writes a run's de-identified copies into the research data class: the sample sheet, every VCF
 * and (when the policy asks) every BAM, with sample names and patient identifiers replaced by keyed
 * pseudonyms. FASTQ read headers name only instrument, run, flow cell and tile; FASTQ, CRAM and BCF
 * are not copied. Copies are named by keyed pseudonyms of their paths, because run file names
 * often carry the sample name: {@code <channel>/<run id>/deid/<pseudonym>.vcf.gz}.
 */
final class RunDeidentifier {

    /** A de-identified copy and the run file it was made from. */
    record Copy(String sourcePath, StoredObject stored) {
    }

    private final TieredStore store;
    private final Pseudonymizer pseudonymizer;
    private final GenomicsProperties properties;

    RunDeidentifier(TieredStore store, Pseudonymizer pseudonymizer, GenomicsProperties properties) {
        this.store = store;
        this.pseudonymizer = pseudonymizer;
        this.properties = properties;
    }

    List<Copy> copies(String runId, List<RunFiles.RunFile> files, SamplePseudonyms pseudonyms) throws IOException {
        List<Copy> copies = new ArrayList<>();
        Path work = Files.createDirectories(properties.getStateDir().resolve("deid"));
        // the sample sheet first: the names it maps are scrubbed from the VCF and BAM headers too
        for (RunFiles.RunFile file : files) {
            String name = file.file().getFileName().toString().toLowerCase(Locale.ROOT);
            if (name.startsWith("samplesheet") && name.endsWith(".csv")) {
                String sheet = SampleSheetDeidentifier.deidentify(
                        Files.readString(file.file(), StandardCharsets.UTF_8), pseudonyms);
                Path copy = work.resolve(runId + ".samplesheet.csv");
                Files.writeString(copy, sheet, StandardCharsets.UTF_8);
                String target = name.equals("samplesheet.csv") ? "SampleSheet.csv" : pseudonym(file) + ".csv";
                copies.add(new Copy(file.relativePath(), put(runId, target, copy)));
            }
        }
        for (RunFiles.RunFile file : files) {
            String name = file.file().getFileName().toString();
            if (VcfDeidentifier.isVcf(name)) {
                Path copy = work.resolve(runId + ".vcf");
                VcfDeidentifier.deidentify(file.file(), copy, pseudonyms);
                String suffix = VcfDeidentifier.isGzip(file.file()) ? ".vcf.gz" : ".vcf";
                copies.add(new Copy(file.relativePath(), put(runId, pseudonym(file) + suffix, copy)));
            } else if (BamDeidentifier.isBam(name) && pseudonyms.policy().pseudonymizeBamReadGroups()) {
                Path copy = work.resolve(runId + ".bam");
                BamDeidentifier.deidentify(file.file(), copy, pseudonyms);
                copies.add(new Copy(file.relativePath(), put(runId, pseudonym(file) + ".bam", copy)));
            }
        }
        return copies;
    }

    private String pseudonym(RunFiles.RunFile file) {
        return pseudonymizer.pseudonym("genomics-file", file.relativePath());
    }

    private StoredObject put(String runId, String name, Path copy) throws IOException {
        try {
            String key = store.keyFor(properties.getResearchDataClass(), properties.getChannel(), runId + "/deid/" + name);
            return store.putFileStreaming(properties.getResearchDataClass(), key, properties.getChannel(), copy,
                    Map.of("run-id", runId, "deid-profile", properties.getDeidPolicyFile().getFileName().toString(),
                            "source-system", "sequencer"),
                    MultipartUpload.Options.partSize(properties.getPartSize().toBytes())
                            .withConcurrency(properties.getUploadConcurrency()));
        } finally {
            Files.deleteIfExists(copy);
        }
    }
}
