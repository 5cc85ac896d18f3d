package org.clinicaldatahub.hub.genomics;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.clinicaldatahub.hub.storage.MultipartUpload;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/** The sequencer drop-folder channel ({@code hub.genomics.*}); each property is in the README's table. */
@ConfigurationProperties("hub.genomics")
public class GenomicsProperties {

    /** What happens to a run folder or loose file once it is verified in the store. */
    public enum AfterIngest {
        /** Moved into {@code done-dir} (the drop folder stays small). */
        MOVE,
        /** Left where it is with a {@code .hub-ingested} marker (instrument software that expects its folders). */
        MARKER
    }

    /** Start the drop-folder scanner. */
    private boolean enabled = true;
    /** Directories sequencers write run folders and loose files into. */
    private List<Path> dropDirs = new ArrayList<>(List.of(Path.of("./data/genomics/drop")));
    /** Where verified runs are moved with {@code after-ingest: MOVE}. */
    private Path doneDir = Path.of("./data/genomics/done");
    /** Where refused runs are moved, each with a {@code <name>.reason.txt} beside it. */
    private Path errorDir = Path.of("./data/genomics/error");
    /** Upload ids of multipart uploads in progress and per-run progress, to resume after a crash. */
    private Path stateDir = Path.of("./data/genomics/state");
    /** MOVE or MARKER. */
    private AfterIngest afterIngest = AfterIngest.MOVE;
    /**
     * File names (globs) whose presence at the top of a run folder says the instrument finished:
     * Illumina CopyComplete.txt, RTAComplete.txt, RunCompletionStatus.xml; Oxford Nanopore
     * final_summary*.txt; add a site's own marker here.
     */
    private List<String> completionMarkers = new ArrayList<>(List.of("CopyComplete.txt", "RTAComplete.txt",
            "RunCompletionStatus.xml", "final_summary*.txt"));
    /** Loose files (globs, case-insensitive) taken from the top of a drop directory. */
    private List<String> looseFilePatterns = new ArrayList<>(List.of("*.fastq", "*.fastq.gz", "*.fq", "*.fq.gz",
            "*.bam", "*.cram", "*.vcf", "*.vcf.gz", "*.bcf"));
    /** A loose file is taken once its size and modification time have not changed for this long. */
    private Duration stableTime = Duration.ofMinutes(2);
    /** How often the drop directories are scanned. */
    private Duration scanInterval = Duration.ofSeconds(30);
    /** Part size of the multipart uploads (at least 5 MB); {@code upload-concurrency + 1} parts are in memory per upload. */
    private DataSize partSize = DataSize.ofMegabytes(16);
    /**
     * Parts of one file on the wire at once (at least 1). One part at a time leaves the link idle
     * while each part is acknowledged; 4 keeps it busy at 5 x part-size of heap per upload.
     */
    private int uploadConcurrency = MultipartUpload.DEFAULT_CONCURRENCY;
    /** Data class of the raw (identified) run files and manifests. */
    private String dataClass = "instrument-staging";
    /** Data class of the de-identified sample sheet, VCF and BAM copies. */
    private String researchDataClass = "research-active";
    /** First segment of every object key: {@code <channel>/<run id>/<path in the run>}. */
    private String channel = "genomics";
    /** Kafka topic of the per-run events. */
    private String runTopic = "hub.genomics.run";
    /** De-identification policy for sample sheets, VCF headers and BAM read groups. */
    private Path deidPolicyFile = Path.of("mappings/genomics-deid.yaml");

    public boolean isEnabled() { return enabled; }
    public void setEnabled(boolean enabled) { this.enabled = enabled; }
    public List<Path> getDropDirs() { return dropDirs; }
    public void setDropDirs(List<Path> dropDirs) { this.dropDirs = dropDirs; }
    public Path getDoneDir() { return doneDir; }
    public void setDoneDir(Path doneDir) { this.doneDir = doneDir; }
    public Path getErrorDir() { return errorDir; }
    public void setErrorDir(Path errorDir) { this.errorDir = errorDir; }
    public Path getStateDir() { return stateDir; }
    public void setStateDir(Path stateDir) { this.stateDir = stateDir; }
    public AfterIngest getAfterIngest() { return afterIngest; }
    public void setAfterIngest(AfterIngest afterIngest) { this.afterIngest = afterIngest; }
    public List<String> getCompletionMarkers() { return completionMarkers; }
    public void setCompletionMarkers(List<String> completionMarkers) { this.completionMarkers = completionMarkers; }
    public List<String> getLooseFilePatterns() { return looseFilePatterns; }
    public void setLooseFilePatterns(List<String> looseFilePatterns) { this.looseFilePatterns = looseFilePatterns; }
    public Duration getStableTime() { return stableTime; }
    public void setStableTime(Duration stableTime) { this.stableTime = stableTime; }
    public Duration getScanInterval() { return scanInterval; }
    public void setScanInterval(Duration scanInterval) { this.scanInterval = scanInterval; }
    public DataSize getPartSize() { return partSize; }
    public void setPartSize(DataSize partSize) { this.partSize = partSize; }
    public int getUploadConcurrency() { return uploadConcurrency; }
    public void setUploadConcurrency(int uploadConcurrency) { this.uploadConcurrency = uploadConcurrency; }
    public String getDataClass() { return dataClass; }
    public void setDataClass(String dataClass) { this.dataClass = dataClass; }
    public String getResearchDataClass() { return researchDataClass; }
    public void setResearchDataClass(String researchDataClass) { this.researchDataClass = researchDataClass; }
    public String getChannel() { return channel; }
    public void setChannel(String channel) { this.channel = channel; }
    public String getRunTopic() { return runTopic; }
    public void setRunTopic(String runTopic) { this.runTopic = runTopic; }
    public Path getDeidPolicyFile() { return deidPolicyFile; }
    public void setDeidPolicyFile(Path deidPolicyFile) { this.deidPolicyFile = deidPolicyFile; }
}
