package org.clinicaldatahub.hub.deid.dicom;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Reads an analyst-edited YAML file of this package into a typed record: SnakeYAML (anchors and
 * aliases work) then Jackson binding, which refuses unknown keys so a misspelt option is an
 * error at start-up, not an option silently left off.
 */
final class ProfileYaml {

    private static final ObjectMapper BINDER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
            .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true);

    private ProfileYaml() {
    }

    static <T> T read(Path file, Class<T> type) throws IOException {
        Object tree;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            tree = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
        }
        try {
            return BINDER.convertValue(tree, type);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** Parses a tag as PS3.6 writes it, {@code (0010,0010)}, or 8 hex digits. */
    static int tag(String text) {
        String hex = text.replaceAll("[(),\\s]", "");
        if (hex.length() != 8) {
            throw new IllegalArgumentException("not a tag: " + text);
        }
        return (int) Long.parseLong(hex, 16);
    }
}
