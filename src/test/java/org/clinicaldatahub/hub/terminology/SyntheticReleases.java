package org.clinicaldatahub.hub.terminology;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Writes synthetic release files in the official layouts the release directory loader reads:
 * LOINC {@code Loinc.csv} (the 40 columns of LOINC 2.7x, quoted, CRLF, a definition with a line
 * break), SNOMED CT RF2 snapshot concept / description / extended map files (tab-separated, RF2
 * headers), an ICD-10-CM order file (fixed width) and a CMS GEM text file. The content is made
 * up (no LOINC or SNOMED CT text), except code numbers reused so maps can point at them.
 */
final class SyntheticReleases {

    static final List<String> LOINC_COLUMNS = List.of("LOINC_NUM", "COMPONENT", "PROPERTY", "TIME_ASPCT", "SYSTEM",
            "SCALE_TYP", "METHOD_TYP", "CLASS", "VersionLastChanged", "CHNG_TYPE", "DefinitionDescription", "STATUS",
            "CONSUMER_NAME", "CLASSTYPE", "FORMULA", "EXMPL_ANSWERS", "SURVEY_QUEST_TEXT", "SURVEY_QUEST_SRC",
            "UNITSREQUIRED", "RELATEDNAMES2", "SHORTNAME", "ORDER_OBS", "HL7_FIELD_SUBFIELD_ID",
            "EXTERNAL_COPYRIGHT_NOTICE", "EXAMPLE_UNITS", "LONG_COMMON_NAME", "EXAMPLE_UCUM_UNITS", "STATUS_REASON",
            "STATUS_TEXT", "CHANGE_REASON_PUBLIC", "COMMON_TEST_RANK", "COMMON_ORDER_RANK", "HL7_ATTACHMENT_STRUCTURE",
            "EXTERNAL_COPYRIGHT_LINK", "PanelType", "AskAtOrderEntry", "AssociatedObservations", "VersionFirstReleased",
            "ValidHL7AttachmentRequest", "DisplayName");
    static final String SNOMED_RELEASE = "INT_20240301";
    static final String MODULE = "900000000000207008";

    private SyntheticReleases() {
    }

    /** LOINC: the named codes (code -> STATUS) first, then {@code extra} generated ones. */
    static Path loinc(Path releaseDir, Map<String, String> codes, int extra) throws IOException {
        Path file = releaseDir.resolve("Loinc_2.77/LoincTable/Loinc.csv");
        Files.createDirectories(file.getParent());
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write(String.join(",", LOINC_COLUMNS.stream().map(c -> '"' + c + '"').toList()));
            out.write("\r\n");
            int n = 0;
            List<String> all = new ArrayList<>(codes.keySet());
            Collections.sort(all);
            for (String code : all) {
                writeLoincRow(out, code, codes.get(code), n++ % 3 == 0 ? "2.77" : "2.9");
            }
            for (int i = 0; i < extra; i++) {
                writeLoincRow(out, (100000 + i) + "-" + (i % 10), i % 50 == 0 ? "DEPRECATED" : "ACTIVE", i % 2 == 0 ? "2.40" : "2.61");
            }
        }
        return file;
    }

    private static void writeLoincRow(BufferedWriter out, String code, String status, String versionLastChanged) throws IOException {
        String[] row = new String[LOINC_COLUMNS.size()];
        java.util.Arrays.fill(row, "");
        row[0] = code;
        row[1] = "Synthetic analyte " + code;
        row[2] = "MCnc";
        row[3] = "Pt";
        row[4] = "Ser/Plas";
        row[5] = "Qn";
        row[7] = "CHEM";
        row[8] = versionLastChanged;
        row[9] = "MIN";
        row[10] = "A synthetic definition,\nwith a comma, a line break and \"quotes\".";
        row[11] = status;
        row[20] = "Synth " + code;
        row[21] = "Both";
        row[25] = "Synthetic analyte " + code + " [Mass/volume] in Serum or Plasma";
        row[37] = "2.40";
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < row.length; i++) {
            if (i > 0) {
                line.append(',');
            }
            line.append('"').append(row[i].replace("\"", "\"\"")).append('"');
        }
        out.write(line.append("\r\n").toString());
    }

    /**
     * SNOMED CT RF2 snapshot: concepts (id -> active), one FSN and one synonym each, plus
     * {@code extra} generated active concepts, and an extended map file when {@code mapRows} is
     * not empty (each row: referencedComponentId, mapGroup, mapPriority, mapRule, mapTarget, refsetId).
     */
    static Path rf2(Path releaseDir, Map<String, Boolean> concepts, int extra, List<String[]> mapRows) throws IOException {
        Path snapshot = releaseDir.resolve("SnomedCT_InternationalRF2_PRODUCTION_20240301T120000Z/Snapshot");
        Path terminology = Files.createDirectories(snapshot.resolve("Terminology"));
        List<String> ids = new ArrayList<>(concepts.keySet());
        Collections.sort(ids);
        for (int i = 0; i < extra; i++) {
            ids.add(syntheticSctid(i));
        }
        try (BufferedWriter c = Files.newBufferedWriter(terminology.resolve("sct2_Concept_Snapshot_" + SNOMED_RELEASE + ".txt"));
             BufferedWriter d = Files.newBufferedWriter(terminology.resolve("sct2_Description_Snapshot-en_" + SNOMED_RELEASE + ".txt"))) {
            c.write("id\teffectiveTime\tactive\tmoduleId\tdefinitionStatusId\r\n");
            d.write("id\teffectiveTime\tactive\tmoduleId\tconceptId\tlanguageCode\ttypeId\tterm\tcaseSignificanceId\r\n");
            long descriptionId = 1000;
            for (String id : ids) {
                boolean active = concepts.getOrDefault(id, Boolean.TRUE);
                c.write(id + "\t20240301\t" + (active ? "1" : "0") + "\t" + MODULE + "\t900000000000074008\r\n");
                d.write((descriptionId++) + "011\t20240301\t1\t" + MODULE + "\t" + id + "\ten\t900000000000003001\tSynthetic \"concept\" "
                        + id + " (disorder)\t900000000000448009\r\n");
                d.write((descriptionId++) + "017\t20240301\t1\t" + MODULE + "\t" + id + "\ten\t900000000000013009\tSynonym of "
                        + id + "\t900000000000448009\r\n");
            }
        }
        if (!mapRows.isEmpty()) {
            Path map = Files.createDirectories(snapshot.resolve("Refset/Map"));
            try (BufferedWriter m = Files.newBufferedWriter(map.resolve("der2_iisssccRefset_ExtendedMapSnapshot_" + SNOMED_RELEASE + ".txt"))) {
                m.write("id\teffectiveTime\tactive\tmoduleId\trefsetId\treferencedComponentId\tmapGroup\tmapPriority\tmapRule"
                        + "\tmapAdvice\tmapTarget\tcorrelationId\tmapCategoryId\r\n");
                int n = 0;
                for (String[] row : mapRows) {
                    m.write("0000000" + (n++) + "-uuid\t20240301\t1\t" + MODULE + "\t" + row[5] + "\t" + row[0] + "\t" + row[1] + "\t"
                            + row[2] + "\t" + row[3] + "\tALWAYS " + row[4] + "\t" + row[4] + "\t447561005\t447637006\r\n");
                }
            }
        }
        return terminology;
    }

    /** A made-up SCTID-shaped identifier (not checked against the Verhoeff digit). */
    static String syntheticSctid(int i) {
        return (900_000_000L + i) + "1" + "0" + "9";
    }

    /** ICD-10-CM order file in the official fixed-width layout: (code, billable, long description). */
    static Path icd10cmOrder(Path releaseDir, String name, List<String[]> codes) throws IOException {
        Path file = releaseDir.resolve(name);
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.ISO_8859_1)) {
            int order = 1;
            for (String[] code : codes) {
                String shortText = code[2].length() > 60 ? code[2].substring(0, 60) : code[2];
                out.write(String.format("%05d %-7s %s %-60s %s%n", order++, code[0], code[1], shortText, code[2]));
            }
        }
        return file;
    }

    /** CMS GEM text: source, target, flags separated by blanks, as in 2018_I9gem.txt. */
    static Path gem(Path releaseDir, List<String[]> rows) throws IOException {
        Path file = releaseDir.resolve("2018_I9gem.txt");
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
            for (String[] row : rows) {
                out.write(String.format("%-5s %-7s %s%n", row[0], row[1], row[2]));
            }
        }
        return file;
    }
}
