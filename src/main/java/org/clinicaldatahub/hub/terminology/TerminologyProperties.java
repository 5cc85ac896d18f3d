package org.clinicaldatahub.hub.terminology;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** Where the terminology tables and bindings live, how they are reloaded, and the unmapped-code queue. */
@ConfigurationProperties("hub.terminology")
public class TerminologyProperties {

    /** The terminology directory (code systems, concept maps, {@code terminology.yaml} listing them). */
    private Path dir = Path.of("terminology");
    /** Directory of licensed releases in their official formats (LOINC, SNOMED CT RF2, ICD-10-CM, GEMs); none when empty. */
    private Path releaseDir;
    /** Which coded fields are mapped to which systems, and the HL7 v2 coding-system names. */
    private Path bindingsFile = Path.of("mappings/terminology-bindings.yaml");
    /** Reload when a file in the terminology directory or the bindings file changes. */
    private boolean watch = true;
    /** Quiet period after the last file change before the reload (editors write in several steps). */
    private Duration watchDelay = Duration.ofSeconds(1);
    /**
     * Refuse a target code whose code system is not loaded. Off by default: LOINC is licensed and
     * may not be installed, and a map row's LOINC code is then added unverified (and counted so).
     */
    private boolean requireLoadedTargetSystem = false;
    /** Kafka topic of the unmapped-code work queue (one record per code and node, latest state). */
    private String unmappedTopic = "hub.terminology.unmapped";
    /** How often changed work-queue entries are published to the topic. */
    private Duration unmappedPublishInterval = Duration.ofSeconds(5);
    /** Most distinct unmapped codes kept in memory; further new codes are counted but not listed. */
    private int unmappedMaxCodes = 100_000;

    public Path getDir() { return dir; }
    public void setDir(Path dir) { this.dir = dir; }
    public Path getReleaseDir() { return releaseDir; }
    public void setReleaseDir(Path releaseDir) { this.releaseDir = releaseDir; }
    public Path getBindingsFile() { return bindingsFile; }
    public void setBindingsFile(Path bindingsFile) { this.bindingsFile = bindingsFile; }
    public boolean isWatch() { return watch; }
    public void setWatch(boolean watch) { this.watch = watch; }
    public Duration getWatchDelay() { return watchDelay; }
    public void setWatchDelay(Duration watchDelay) { this.watchDelay = watchDelay; }
    public boolean isRequireLoadedTargetSystem() { return requireLoadedTargetSystem; }
    public void setRequireLoadedTargetSystem(boolean value) { this.requireLoadedTargetSystem = value; }
    public String getUnmappedTopic() { return unmappedTopic; }
    public void setUnmappedTopic(String unmappedTopic) { this.unmappedTopic = unmappedTopic; }
    public Duration getUnmappedPublishInterval() { return unmappedPublishInterval; }
    public void setUnmappedPublishInterval(Duration interval) { this.unmappedPublishInterval = interval; }
    public int getUnmappedMaxCodes() { return unmappedMaxCodes; }
    public void setUnmappedMaxCodes(int unmappedMaxCodes) { this.unmappedMaxCodes = unmappedMaxCodes; }
}
