package org.clinicaldatahub.hub.dicom.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The PS3.6 data dictionary as far as the codec needs it: the VR of a tag (for Implicit VR data
 * sets, PS3.5 Annex A.1) and its keyword. Loaded once from the data file
 * {@code dicom/elements.tsv}; repeating groups (overlays {@code 60xx}, curves {@code 50xx}) are
 * matched by mask.
 */
public final class ElementDictionary {

    private static final String RESOURCE = "/dicom/elements.tsv";
    private static final ElementDictionary STANDARD = load();

    private final Map<Integer, Entry> exact;
    private final Map<Integer, Entry> groupMasked;
    private final Map<Integer, Entry> elementMasked;

    private record Entry(Vr vr, String keyword) {
    }

    private ElementDictionary(Map<Integer, Entry> exact, Map<Integer, Entry> groupMasked,
            Map<Integer, Entry> elementMasked) {
        this.exact = exact;
        this.groupMasked = groupMasked;
        this.elementMasked = elementMasked;
    }

    public static ElementDictionary standard() {
        return STANDARD;
    }

    /**
     * The VR an Implicit VR reader assumes for {@code tag}: from the dictionary; UL for group
     * lengths; LO for private creators; UN for anything unknown (private data included).
     */
    public Vr vrOf(int tag) {
        if (Tag.isGroupLength(tag)) {
            return Vr.UL;
        }
        if (Tag.isPrivate(tag)) {
            return Tag.isPrivateCreator(tag) ? Vr.LO : Vr.UN;
        }
        Entry entry = lookup(tag);
        return entry == null ? Vr.UN : entry.vr();
    }

    /** The PS3.6 keyword, e.g. {@code StudyInstanceUID}; null when unknown. */
    public String keywordOf(int tag) {
        Entry entry = lookup(tag);
        return entry == null ? null : entry.keyword();
    }

    private Entry lookup(int tag) {
        Entry entry = exact.get(tag);
        if (entry == null) {
            entry = groupMasked.get(tag & 0xFF00FFFF);
        }
        if (entry == null) {
            entry = elementMasked.get(tag & 0xFFFFFF00);
        }
        return entry;
    }

    private static ElementDictionary load() {
        Map<Integer, Entry> exact = new HashMap<>(8192);
        Map<Integer, Entry> groupMasked = new HashMap<>();
        Map<Integer, Entry> elementMasked = new HashMap<>();
        try (InputStream in = ElementDictionary.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the class path");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] columns = line.split("\t");
                String group = columns[0].substring(0, 4);
                String element = columns[0].substring(5, 9);
                Entry entry = new Entry(Vr.valueOf(columns[1]), columns[2]);
                if (group.endsWith("xx")) {
                    groupMasked.put(Tag.of(Integer.parseInt(group.substring(0, 2) + "00", 16),
                            Integer.parseInt(element, 16)), entry);
                } else if (element.endsWith("xx")) {
                    elementMasked.put(Tag.of(Integer.parseInt(group, 16),
                            Integer.parseInt(element.substring(0, 2) + "00", 16)), entry);
                } else {
                    exact.put(Tag.of(Integer.parseInt(group, 16), Integer.parseInt(element, 16)), entry);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
        return new ElementDictionary(Map.copyOf(exact), Map.copyOf(groupMasked), Map.copyOf(elementMasked));
    }
}
