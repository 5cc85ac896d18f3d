package org.clinicaldatahub.hub.dicom;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The storage SOP classes the SCP accepts: a data file of {@code UID TAB keyword} lines, by default
 * {@code dicom/storage-sop-classes.tsv} in the jar (every standard and retired storage SOP class
 * of PS3.4 Annex B.5), or the file {@code hub.dicom.sop-classes-file} names.
 */
public final class StorageSopClasses {

    private static final String DEFAULT_RESOURCE = "/dicom/storage-sop-classes.tsv";

    private StorageSopClasses() {
    }

    /** UID to keyword, in file order. */
    public static Map<String, String> load(Path file) {
        try (InputStream in = file == null ? StorageSopClasses.class.getResourceAsStream(DEFAULT_RESOURCE)
                : Files.newInputStream(file)) {
            if (in == null) {
                throw new IllegalStateException(DEFAULT_RESOURCE + " is missing from the class path");
            }
            Map<String, String> classes = new LinkedHashMap<>();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                String[] columns = trimmed.split("\\s+", 2);
                if (!DicomInstanceReceiver.isUid(columns[0])) {
                    throw new IllegalStateException("not a UID in the SOP class list: " + columns[0]);
                }
                classes.put(columns[0], columns.length > 1 ? columns[1] : "");
            }
            return classes;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the storage SOP class list", e);
        }
    }
}
