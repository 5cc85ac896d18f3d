package org.clinicaldatahub.hub.deid.dicom;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.clinicaldatahub.hub.dicom.data.Tag;

/**
 * PS3.15 Annex E Table E.1-1 (Application Level Confidentiality Profile Attributes) as data: read
 * from {@code mappings/deid/dicom-confidentiality-profile.json} (a copy of the reference table,
 * 2024b), never retyped into code. Each row gives the basic-profile action and the action of
 * each option column. Pattern rows are matched by mask: {@code (50XX,XXXX)} curves,
 * {@code (60XX,3000)} and {@code (60XX,4000)} overlays; the row {@code (GGGG,EEEE) where GGGG is
 * odd} is {@link #privateAttributes()}.
 */
public final class ConfidentialityProfileTable {

    /**
     * One row of Table E.1-1.
     *
     * @param tag      the tag, or the pattern's fixed bits
     * @param mask     which bits of a tag must equal {@code tag} (all for an exact row)
     * @param keyword  PS3.6 keyword (null for pattern rows)
     * @param vr       VR as the table gives it ({@code OB or OW}, null when none)
     * @param basic    basic-profile action code, e.g. {@code X/Z/D}
     * @param options  action code per option column that has an entry
     */
    public record Row(int tag, int mask, String keyword, String vr, String basic, Map<DeidOption, String> options) {

        public boolean matches(int candidate) {
            return (candidate & mask) == tag;
        }

        /** The tag as Table E.1-1 spells it, e.g. {@code (0010,0010)} or {@code (60XX,3000)}. */
        public String label() {
            if (mask == -1) {
                return Tag.toString(tag);
            }
            String hex = String.format("%08X", tag);
            StringBuilder label = new StringBuilder();
            for (int i = 0; i < 8; i++) {
                boolean fixed = ((mask >>> (28 - 4 * i)) & 0xF) == 0xF;
                label.append(fixed ? hex.charAt(i) : 'X');
            }
            return "(" + label.substring(0, 4) + "," + label.substring(4) + ")";
        }
    }

    private final String edition;
    private final Map<Integer, Row> exact;
    private final List<Row> patterns;
    private final Row privateAttributes;
    private final List<Row> rows;

    private ConfidentialityProfileTable(String edition, List<Row> rows) {
        this.edition = edition;
        this.rows = List.copyOf(rows);
        Map<Integer, Row> byTag = new HashMap<>();
        List<Row> masked = new ArrayList<>();
        Row privateRow = null;
        for (Row row : rows) {
            if (row.mask() == 0) {
                privateRow = row;
            } else if (row.mask() == -1) {
                byTag.put(row.tag(), row);
            } else {
                masked.add(row);
            }
        }
        if (privateRow == null) {
            throw new IllegalArgumentException("Table E.1-1 data has no row for private attributes");
        }
        this.exact = byTag;
        this.patterns = List.copyOf(masked);
        this.privateAttributes = privateRow;
    }

    public static ConfidentialityProfileTable load(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        }
    }

    static ConfidentialityProfileTable read(InputStream in, String source) throws IOException {
        JsonNode root = new ObjectMapper().readTree(in);
        JsonNode attributes = root.path("attributes");
        if (!attributes.isArray() || attributes.isEmpty()) {
            throw new IllegalArgumentException(source + ": no attributes array (Table E.1-1)");
        }
        List<DeidOption> columns = new ArrayList<>();
        root.path("optionColumns").forEach(c -> columns.add(DeidOption.ofColumn(c.asText())));
        if (columns.size() != DeidOption.values().length) {
            throw new IllegalArgumentException(source + ": expected the " + DeidOption.values().length
                    + " option columns of Table E.1-1, found " + columns);
        }
        List<Row> rows = new ArrayList<>();
        for (JsonNode attribute : attributes) {
            Map<DeidOption, String> options = new EnumMap<>(DeidOption.class);
            for (DeidOption option : columns) {
                JsonNode value = attribute.get(option.column());
                if (value != null && !value.isNull()) {
                    options.put(option, value.asText());
                }
            }
            String tag = attribute.path("tag").asText();
            String hex = attribute.path("hex").isNull() ? null : attribute.path("hex").asText();
            rows.add(row(tag, hex, text(attribute, "keyword"), text(attribute, "vr"),
                    attribute.path("basicProfile").asText(), Collections.unmodifiableMap(options), source));
        }
        return new ConfidentialityProfileTable(root.path("edition").asText(), rows);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static Row row(String tag, String hex, String keyword, String vr, String basic,
            Map<DeidOption, String> options, String source) {
        if (hex == null) {
            if (!tag.contains("GGGG is odd")) {
                throw new IllegalArgumentException(source + ": row " + tag + " has no hex tag");
            }
            return new Row(0, 0, keyword, vr, basic, options);
        }
        int value = 0;
        int mask = 0;
        for (char c : hex.toCharArray()) {
            value <<= 4;
            mask <<= 4;
            if (Character.digit(c, 16) >= 0) {
                value |= Character.digit(c, 16);
                mask |= 0xF;
            } else if (c != 'x' && c != 'X') {
                throw new IllegalArgumentException(source + ": row " + tag + " has a bad hex tag " + hex);
            }
        }
        return new Row(value, mask, keyword, vr, basic, options);
    }

    /** The row for a standard (even group) tag: exact first, then the curve and overlay patterns; or null. */
    public Row rowFor(int tag) {
        Row row = exact.get(tag);
        if (row != null) {
            return row;
        }
        for (Row pattern : patterns) {
            if (pattern.matches(tag)) {
                return pattern;
            }
        }
        return null;
    }

    /** The row {@code (GGGG,EEEE) where GGGG is odd}. */
    public Row privateAttributes() {
        return privateAttributes;
    }

    /** Every row, in the order of the table. */
    public List<Row> rows() {
        return rows;
    }

    /** The DICOM edition the table was taken from, e.g. {@code 2024b}. */
    public String edition() {
        return edition;
    }
}
