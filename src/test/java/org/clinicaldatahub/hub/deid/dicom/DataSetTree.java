package org.clinicaldatahub.hub.deid.dicom;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.clinicaldatahub.hub.dicom.data.DicomReader;
import org.clinicaldatahub.hub.dicom.data.FileMetaInformation;
import org.clinicaldatahub.hub.dicom.data.TransferSyntax;
import org.clinicaldatahub.hub.dicom.data.Vr;

/**
 * A Part 10 file read flat for assertions: every element and sequence by its path, e.g.
 * {@code 00081115/0/00081140/0/00081155} (tag, item number, tag...). Sequences map to the
 * number of items; values are text (trailing padding removed) or, for binary VRs, their length.
 */
final class DataSetTree {

    final FileMetaInformation meta;
    final Map<String, String> values = new LinkedHashMap<>();
    final Map<String, Vr> vrs = new LinkedHashMap<>();

    private DataSetTree(FileMetaInformation meta) {
        this.meta = meta;
    }

    static DataSetTree read(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            FileMetaInformation meta = FileMetaInformation.readFrom(in);
            DataSetTree tree = new DataSetTree(meta);
            List<String> path = new ArrayList<>();
            List<Integer> itemCounts = new ArrayList<>();
            try (DicomReader reader = new DicomReader(in, TransferSyntax.of(meta.transferSyntaxUid()))) {
                for (DicomReader.Event e = reader.next(); e != DicomReader.Event.END; e = reader.next()) {
                    String prefix = path.isEmpty() ? "" : String.join("/", path) + "/";
                    switch (e) {
                        case ELEMENT -> {
                            String key = prefix + String.format("%08X", reader.tag());
                            tree.vrs.put(key, reader.vr());
                            tree.values.put(key, reader.vr().isText() ? reader.readString() : "#" + reader.length());
                        }
                        case SEQUENCE_START -> {
                            String key = prefix + String.format("%08X", reader.tag());
                            tree.vrs.put(key, Vr.SQ);
                            tree.values.put(key, "SQ0");
                            path.add(String.format("%08X", reader.tag()));
                            itemCounts.add(0);
                        }
                        case ITEM_START -> {
                            int n = itemCounts.get(itemCounts.size() - 1);
                            itemCounts.set(itemCounts.size() - 1, n + 1);
                            String sequenceKey = String.join("/", path);
                            tree.values.put(sequenceKey, "SQ" + (n + 1));
                            path.add(String.valueOf(n));
                        }
                        case ITEM_END -> path.remove(path.size() - 1);
                        case SEQUENCE_END -> {
                            if (reader.tag() != 0x7FE00010) {
                                path.remove(path.size() - 1);
                                itemCounts.remove(itemCounts.size() - 1);
                            }
                        }
                        case FRAGMENTS_START -> tree.values.put(prefix + "7FE00010", "fragments");
                        default -> {
                        }
                    }
                }
            }
            return tree;
        }
    }

    String get(String path) {
        return values.get(path);
    }

    boolean has(String path) {
        return values.containsKey(path);
    }
}
