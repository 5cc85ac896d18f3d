package org.clinicaldatahub.hub.genomics;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Who made a run and which one it is: the run id (the object key prefix and the idempotency key),
 * instrument and flow cell. Read from Illumina's RunInfo.xml ({@code <Run Id>}, {@code <Instrument>},
 * {@code <Flowcell>}) or Oxford Nanopore's final_summary*.txt ({@code protocol_run_id},
 * {@code instrument}, {@code flow_cell_id}); other run folders are known by their folder name.
 */
public record RunMetadata(String runId, String platform, String instrument, String flowCell) {

    /** Reads the metadata of a run folder. */
    public static RunMetadata ofRunFolder(Path folder) throws IOException, RunRefusedException {
        Path runInfo = folder.resolve("RunInfo.xml");
        if (Files.isRegularFile(runInfo, LinkOption.NOFOLLOW_LINKS)) {
            return illumina(runInfo);
        }
        try (DirectoryStream<Path> summaries = Files.newDirectoryStream(folder, "final_summary*.txt")) {
            for (Path summary : summaries) {
                if (Files.isRegularFile(summary, LinkOption.NOFOLLOW_LINKS)) {
                    return nanopore(summary, folder);
                }
            }
        }
        return new RunMetadata(safeId(folder.getFileName().toString()), "other", "", "");
    }

    private static RunMetadata illumina(Path runInfo) throws IOException, RunRefusedException {
        Document xml;
        try (InputStream in = Files.newInputStream(runInfo)) {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setExpandEntityReferences(false);
            xml = factory.newDocumentBuilder().parse(in);
        } catch (javax.xml.parsers.ParserConfigurationException | org.xml.sax.SAXException e) {
            throw new RunRefusedException("GENOMICS_RUNINFO_INVALID", "RunInfo.xml is not well-formed XML: " + e.getMessage());
        }
        Element run = (Element) xml.getElementsByTagName("Run").item(0);
        if (run == null || run.getAttribute("Id").isBlank()) {
            throw new RunRefusedException("GENOMICS_RUNINFO_INVALID", "RunInfo.xml has no <Run Id=...>");
        }
        return new RunMetadata(safeId(run.getAttribute("Id")), "illumina", text(run, "Instrument"), text(run, "Flowcell"));
    }

    private static RunMetadata nanopore(Path summary, Path folder) throws IOException {
        String runId = null;
        String instrument = "";
        String flowCell = "";
        for (String line : Files.readAllLines(summary, StandardCharsets.UTF_8)) {
            int eq = line.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String value = line.substring(eq + 1).trim();
            switch (line.substring(0, eq).trim()) {
                case "protocol_run_id" -> runId = value;
                case "instrument" -> instrument = value;
                case "flow_cell_id" -> flowCell = value;
                default -> {
                    // sample_id and the rest may name the patient: not read
                }
            }
        }
        return new RunMetadata(safeId(runId == null || runId.isBlank() ? folder.getFileName().toString() : runId),
                "nanopore", safe(instrument), safe(flowCell));
    }

    private static String text(Element parent, String tag) {
        var nodes = parent.getElementsByTagName(tag);
        return nodes.getLength() == 0 ? "" : safe(nodes.item(0).getTextContent().trim());
    }

    /** A run id usable as one object key segment and audit reference: letters, digits, {@code . _ -}. */
    static String safeId(String raw) {
        String id = safe(raw);
        return id.isEmpty() || id.startsWith(".") ? "run-" + id : id;
    }

    private static String safe(String raw) {
        return raw.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
