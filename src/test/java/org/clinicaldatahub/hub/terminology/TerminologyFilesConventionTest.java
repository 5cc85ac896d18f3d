package org.clinicaldatahub.hub.terminology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.clinicaldatahub.hub.terminology.internal.CuratedLoaders;
import org.clinicaldatahub.hub.terminology.internal.TerminologyManifest;
import org.junit.jupiter.api.Test;

/**
 * Convention over the analyst-edited files: every data file in terminology/ is listed in its
 * manifest (and the licence notice sits beside the GPS), every listed file loads, curated CSVs
 * have the documented header, the README names every file, and the bindings name only systems
 * they define.
 */
class TerminologyFilesConventionTest {

    private static final Path DIR = Path.of("terminology");

    @Test
    void everyDataFileIsListedAndDocumented() throws Exception {
        Set<String> listed = TerminologyManifest.read(DIR).stream().map(TerminologyManifest.Entry::file).collect(Collectors.toSet());
        String readme = Files.readString(DIR.resolve("README.md"));
        List<String> files;
        try (Stream<Path> walk = Files.walk(DIR)) {
            files = walk.filter(Files::isRegularFile).map(p -> DIR.relativize(p).toString().replace('\\', '/')).toList();
        }
        for (String file : files) {
            if (file.equals("README.md") || file.equals(TerminologyManifest.FILE_NAME) || file.endsWith("NOTICE.txt")) {
                continue;
            }
            assertThat(listed).as("terminology.yaml lists " + file).contains(file);
            assertThat(readme).as("README.md names " + file).contains(file);
        }
        assertThat(files).contains("reference/SNOMEDCT-GPS-NOTICE.txt", "reference/snomedct-gps-20200930.csv");
        assertThat(readme).contains("reference/SNOMEDCT-GPS-NOTICE.txt");
    }

    @Test
    void curatedCsvFilesHaveTheDocumentedHeader() throws Exception {
        for (TerminologyManifest.Entry entry : TerminologyManifest.read(DIR)) {
            String header = Files.readAllLines(DIR.resolve(entry.file())).get(0);
            if (entry.format().equals("conceptmap-csv")) {
                assertThat(header).as(entry.file()).isEqualTo(String.join(",", CuratedLoaders.CONCEPT_MAP_HEADER));
            } else if (entry.format().equals("codesystem-csv")) {
                assertThat(header).as(entry.file()).isEqualTo(String.join(",", CuratedLoaders.CODE_SYSTEM_HEADER));
            }
        }
    }

    @Test
    void everyListedFileLoadsAndEveryBoundTargetIsADefinedSystem() throws Exception {
        assertThat(TerminologyManifest.load(DIR).codeSystems).isNotEmpty();
        TerminologyBindings bindings = TerminologyBindings.load(Path.of("mappings/terminology-bindings.yaml"));
        for (String segment : List.of("OBX", "OBR", "DG1", "PRB", "AL1")) {
            assertThat(bindings.hl7(segment)).as(segment).isNotEmpty();
            bindings.hl7(segment).forEach(b -> b.targets().forEach(t -> assertThat(bindings.system(t)).as(t).isNotNull()));
        }
        bindings.fhir().forEach(b -> b.targets().forEach(t -> assertThat(bindings.system(t)).as(t).isNotNull()));
    }
}
