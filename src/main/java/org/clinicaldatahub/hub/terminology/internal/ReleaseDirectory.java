package org.clinicaldatahub.hub.terminology.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import org.clinicaldatahub.hub.terminology.ConceptMapTable;

/**
 * The directory where a site installs the licensed releases (hub.terminology.release-dir), read
 * in their official formats wherever they sit below it (as unpacked from the release archives):
 * <ul>
 * <li>LOINC: {@code Loinc.csv}</li>
 * <li>SNOMED CT RF2 snapshot: {@code sct2_Concept_Snapshot*.txt} with the
 *     {@code sct2_Description_Snapshot*.txt} files of the same directory, and
 *     {@code der2_iisssccRefset_ExtendedMapSnapshot*.txt} (ICD-10 / ICD-10-CM maps) when present</li>
 * <li>ICD-10-CM order file: {@code icd10cm_order_*.txt} / {@code icd10cm-order-*.txt}</li>
 * <li>CMS GEM ICD-9-CM to ICD-10-CM: {@code *I9gem*.txt}</li>
 * </ul>
 * Loading is skipped when the found files are unchanged since the last load ({@link #fingerprint}),
 * since a full SNOMED CT release takes seconds to read.
 */
public final class ReleaseDirectory {

    private ReleaseDirectory() {
    }

    /** The release files found, sorted, one per line as path, size and modification time. */
    public static String fingerprint(Path directory) throws IOException {
        StringBuilder fingerprint = new StringBuilder();
        for (Path file : releaseFiles(directory)) {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            fingerprint.append(file).append(' ').append(attributes.size()).append(' ')
                    .append(attributes.lastModifiedTime().toMillis()).append('\n');
        }
        return fingerprint.toString();
    }

    public static LoadedTables load(Path directory) throws IOException {
        LoadedTables tables = new LoadedTables();
        List<Path> files = releaseFiles(directory);
        for (Path file : files) {
            String name = lower(file);
            long start = System.nanoTime();
            if (name.equals("loinc.csv")) {
                tables.add(LoincLoader.load(file, null), "loinc-csv", start);
            } else if (name.startsWith("sct2_concept_snapshot")) {
                List<Path> descriptions;
                try (Stream<Path> siblings = Files.list(file.getParent())) {
                    descriptions = siblings.filter(p -> lower(p).startsWith("sct2_description_snapshot")).sorted().toList();
                }
                tables.add(SnomedLoaders.rf2Snapshot(file, descriptions, null), "snomed-rf2", start);
            } else if (name.startsWith("der2_iisssccrefset_extendedmapsnapshot")) {
                for (ConceptMapTable map : SnomedLoaders.extendedMap(file, null, ConceptMapTable.REFERENCE)) {
                    tables.add(map, "snomed-rf2-extended-map", start);
                }
            } else if (isIcd10cmOrder(name)) {
                tables.add(IcdLoaders.icd10cmOrder(file, null), "icd10cm-order", start);
            } else if (isGem(name)) {
                tables.add(IcdLoaders.gemIcd9ToIcd10(file, null, ConceptMapTable.REFERENCE), "cms-gem", start);
            }
        }
        return tables;
    }

    private static List<Path> releaseFiles(Path directory) throws IOException {
        if (directory == null || !Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(directory, 8)) {
            return walk.filter(Files::isRegularFile).filter(ReleaseDirectory::isReleaseFile)
                    .sorted(Comparator.comparing(Path::toString)).toList();
        }
    }

    private static boolean isReleaseFile(Path file) {
        String name = lower(file);
        return name.equals("loinc.csv") || name.startsWith("sct2_concept_snapshot")
                || name.startsWith("sct2_description_snapshot")
                || name.startsWith("der2_iisssccrefset_extendedmapsnapshot") || isIcd10cmOrder(name) || isGem(name);
    }

    private static boolean isIcd10cmOrder(String name) {
        return (name.startsWith("icd10cm_order") || name.startsWith("icd10cm-order")) && name.endsWith(".txt");
    }

    private static boolean isGem(String name) {
        return name.contains("i9gem") && name.endsWith(".txt");
    }

    private static String lower(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT);
    }

}
