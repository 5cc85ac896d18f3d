package org.clinicaldatahub.hub.deid;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The three-digit ZIP prefixes whose area has 20,000 people or fewer, which Safe Harbor reports as
 * {@code 000} (45 CFR 164.514(b)(2)(i)(B)). Read from {@code mappings/deid/hipaa-restricted-zip3.csv}
 * (columns {@code zip3,state_by_usps_prefix,<one Y/N column per published list>,replace_with}); a
 * profile names which lists apply, and a prefix on any of them is restricted.
 */
public final class RestrictedZip3 {

    private RestrictedZip3() {
    }

    public static Set<String> load(Path csv, Collection<String> lists) throws IOException {
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        if (lines.isEmpty()) {
            throw new IOException(csv + " is empty");
        }
        List<String> header = Arrays.asList(lines.get(0).trim().split(","));
        int zipColumn = header.indexOf("zip3");
        if (zipColumn < 0) {
            throw new IOException(csv + ":1: the header has no zip3 column");
        }
        int[] columns = new int[lists.size()];
        int i = 0;
        for (String list : lists) {
            columns[i] = header.indexOf(list);
            if (columns[i] < 0) {
                throw new IOException(csv + ":1: the header has no column " + list + " (columns: " + header + ")");
            }
            i++;
        }
        Set<String> restricted = new TreeSet<>();
        for (int n = 1; n < lines.size(); n++) {
            String line = lines.get(n).trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] cells = line.split(",", -1);
            String zip3 = cells[zipColumn].trim();
            if (!zip3.matches("\\d{3}")) {
                throw new IOException(csv + ":" + (n + 1) + ": zip3 must be three digits");
            }
            for (int column : columns) {
                if (column < cells.length && "Y".equalsIgnoreCase(cells[column].trim())) {
                    restricted.add(zip3);
                }
            }
        }
        return Set.copyOf(restricted);
    }
}
