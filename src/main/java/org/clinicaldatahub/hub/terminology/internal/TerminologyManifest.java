package org.clinicaldatahub.hub.terminology.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.clinicaldatahub.hub.terminology.ConceptMapTable;

/**
 * {@code terminology/terminology.yaml}: every file of the terminology directory with its format,
 * system and version, in load order. Files not listed are not loaded (the convention test fails
 * on them), so a half-written file in the directory never reaches the index by accident.
 */
public final class TerminologyManifest {

    /** Name of the manifest inside the terminology directory. */
    public static final String FILE_NAME = "terminology.yaml";

    /** Formats a manifest entry may name. */
    public static final Set<String> FORMATS = Set.of("icd10cm-order", "icd9cm-descriptions", "snomedct-gps", "loinc-csv",
            "codesystem-csv", "fhir-codesystem", "cms-gem", "conceptmap-csv", "fhir-conceptmap");

    /**
     * One listed file.
     *
     * @param precedence null for the format's default (curated maps 1, reference maps 0)
     */
    public record Entry(String file, String format, String system, String name, String version, Integer precedence) {
    }

    private TerminologyManifest() {
    }

    public static List<Entry> read(Path directory) throws IOException {
        Path manifest = directory.resolve(FILE_NAME);
        if (!Files.isRegularFile(manifest)) {
            throw new TerminologyFormatException(manifest + ": missing (it lists the files to load)");
        }
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(Files.readAllBytes(manifest));
        JsonNode files = root == null ? null : root.get("files");
        if (files == null || !files.isArray()) {
            throw new TerminologyFormatException(manifest + ": 'files' must be a list");
        }
        List<Entry> entries = new ArrayList<>();
        for (JsonNode node : files) {
            String file = text(node, "file");
            String format = text(node, "format");
            if (file == null || format == null || !FORMATS.contains(format)) {
                throw new TerminologyFormatException(manifest + ": every entry needs 'file' and a 'format' of " + FORMATS
                        + "; got " + node);
            }
            if ("codesystem-csv".equals(format) && text(node, "system") == null) {
                throw new TerminologyFormatException(manifest + ": " + file + ": a codesystem-csv entry needs 'system'");
            }
            entries.add(new Entry(file, format, text(node, "system"), text(node, "name"), text(node, "version"),
                    node.hasNonNull("precedence") ? node.get("precedence").asInt() : null));
        }
        return entries;
    }

    /** Loads every listed file, in order. */
    public static LoadedTables load(Path directory) throws IOException {
        LoadedTables tables = new LoadedTables();
        for (Entry entry : read(directory)) {
            Path file = directory.resolve(entry.file()).normalize();
            if (!file.startsWith(directory.normalize()) || !Files.isRegularFile(file)) {
                throw new TerminologyFormatException(directory.resolve(FILE_NAME) + ": listed file " + entry.file()
                        + " does not exist inside " + directory);
            }
            long start = System.nanoTime();
            int curated = entry.precedence() != null ? entry.precedence() : ConceptMapTable.CURATED;
            int reference = entry.precedence() != null ? entry.precedence() : ConceptMapTable.REFERENCE;
            String name = entry.name() != null ? entry.name() : entry.file();
            switch (entry.format()) {
                case "icd10cm-order" -> tables.add(IcdLoaders.icd10cmOrder(file, entry.version()), entry.format(), start);
                case "icd9cm-descriptions" -> tables.add(IcdLoaders.icd9cmDescriptions(file, entry.version()), entry.format(), start);
                case "snomedct-gps" -> tables.add(SnomedLoaders.globalPatientSet(file, entry.version()), entry.format(), start);
                case "loinc-csv" -> tables.add(LoincLoader.load(file, entry.version()), entry.format(), start);
                case "codesystem-csv" -> tables.add(CuratedLoaders.codeSystemCsv(file, entry.system(),
                        entry.version() != null ? entry.version() : "unversioned"), entry.format(), start);
                case "fhir-codesystem" -> tables.add(FhirTerminologyJson.codeSystem(file, entry.version()), entry.format(), start);
                case "cms-gem" -> tables.add(IcdLoaders.gemIcd9ToIcd10(file, entry.version(), reference), entry.format(), start);
                case "conceptmap-csv" -> tables.add(CuratedLoaders.conceptMapCsv(file, name,
                        entry.version() != null ? entry.version() : "unversioned", curated), entry.format(), start);
                case "fhir-conceptmap" -> tables.add(FhirTerminologyJson.conceptMap(file, entry.version(), curated), entry.format(), start);
                default -> throw new IllegalStateException(entry.format());
            }
        }
        return tables;
    }

    private static String text(JsonNode node, String name) {
        JsonNode value = node.get(name);
        return value == null || value.isNull() || value.asText().isBlank() ? null : value.asText().trim();
    }
}
