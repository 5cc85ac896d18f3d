package org.clinicaldatahub.hub.genomics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where runs go afterwards: done area, in-place marker (then skipped by the scanner), error area with reason. */
class DropAreasTest {

    @TempDir
    Path dir;

    private GenomicsProperties properties(GenomicsProperties.AfterIngest afterIngest) {
        GenomicsProperties properties = new GenomicsProperties();
        properties.setDropDirs(List.of(dir.resolve("drop")));
        properties.setDoneDir(dir.resolve("done"));
        properties.setErrorDir(dir.resolve("error"));
        properties.setAfterIngest(afterIngest);
        return properties;
    }

    @Test
    void markerModeLeavesTheRunInPlaceAndTheScannerSkipsIt() throws Exception {
        GenomicsProperties properties = properties(GenomicsProperties.AfterIngest.MARKER);
        Path run = Files.createDirectories(dir.resolve("drop/run1"));
        Files.writeString(run.resolve("CopyComplete.txt"), "");
        Path loose = Files.writeString(dir.resolve("drop/a.vcf"), "##fileformat=VCFv4.2\n");
        RunFolderScanner scanner = new RunFolderScanner(properties, new GenomicsMetrics(new SimpleMeterRegistry()));
        DropAreas areas = new DropAreas(properties, Clock.systemUTC());

        areas.done(new DropItem(run, dir.resolve("drop"), DropItem.Kind.RUN_FOLDER));
        areas.done(new DropItem(loose, dir.resolve("drop"), DropItem.Kind.LOOSE_FILE));

        assertThat(run.resolve(".hub-ingested")).isRegularFile();
        assertThat(dir.resolve("drop/a.vcf.hub-ingested")).isRegularFile();
        assertThat(scanner.ready()).isEmpty();
    }

    @Test
    void moveModeNeverOverwritesAndErrorsGetAReasonFileAndTheirSidecars() throws Exception {
        GenomicsProperties properties = properties(GenomicsProperties.AfterIngest.MOVE);
        DropAreas areas = new DropAreas(properties, Clock.systemUTC());
        Path drop = Files.createDirectories(dir.resolve("drop"));
        for (int i = 0; i < 2; i++) {
            Path run = Files.createDirectories(drop.resolve("run1"));
            Files.writeString(run.resolve("f" + i), "x");
            areas.done(new DropItem(run, drop, DropItem.Kind.RUN_FOLDER));
        }
        try (var done = Files.list(dir.resolve("done"))) {
            assertThat(done.map(p -> p.getFileName().toString()).toList()).hasSize(2).contains("run1");
        }

        Path loose = Files.writeString(drop.resolve("b.fastq.gz"), "x");
        Files.writeString(drop.resolve("b.fastq.gz.md5"), "00000000000000000000000000000000  b.fastq.gz\n");
        Path reason = areas.error(new DropItem(loose, drop, DropItem.Kind.LOOSE_FILE), "GENOMICS_CHECKSUM_MISMATCH",
                "MD5 of b.fastq.gz does not match its sidecar");
        assertThat(reason).hasFileName("b.fastq.gz.reason.txt");
        assertThat(Files.readString(reason)).startsWith("reason: GENOMICS_CHECKSUM_MISMATCH");
        assertThat(dir.resolve("error/b.fastq.gz")).isRegularFile();
        assertThat(dir.resolve("error/b.fastq.gz.md5")).isRegularFile();
        assertThat(drop.resolve("b.fastq.gz.md5")).doesNotExist();
    }
}
