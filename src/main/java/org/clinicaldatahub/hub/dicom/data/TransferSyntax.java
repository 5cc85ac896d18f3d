package org.clinicaldatahub.hub.dicom.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A transfer syntax (PS3.5 Section 10): how a data set is encoded. The known ones come from the
 * data file {@code dicom/transfer-syntaxes.tsv}; encapsulated ones differ from Explicit VR Little
 * Endian only in their pixel data, which the hub passes through as fragments.
 *
 * @param uid       transfer syntax UID
 * @param keyword   PS3.6 keyword
 * @param encoding  how the data set is encoded
 */
public record TransferSyntax(String uid, String keyword, Encoding encoding) {

    /** Data set encodings (PS3.5 A.1 - A.5). */
    public enum Encoding {
        IMPLICIT_LE, EXPLICIT_LE, EXPLICIT_BE, DEFLATED, ENCAPSULATED
    }

    public static final String IMPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2";
    public static final String EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1";
    public static final String DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1.99";
    public static final String EXPLICIT_VR_BIG_ENDIAN = "1.2.840.10008.1.2.2";

    private static final Map<String, TransferSyntax> KNOWN = load();

    public static final TransferSyntax IMPLICIT_LE = KNOWN.get(IMPLICIT_VR_LITTLE_ENDIAN);
    public static final TransferSyntax EXPLICIT_LE = KNOWN.get(EXPLICIT_VR_LITTLE_ENDIAN);
    public static final TransferSyntax DEFLATED = KNOWN.get(DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN);
    public static final TransferSyntax EXPLICIT_BE = KNOWN.get(EXPLICIT_VR_BIG_ENDIAN);

    /** The known transfer syntax with this UID, or null. */
    public static TransferSyntax of(String uid) {
        return uid == null ? null : KNOWN.get(uid);
    }

    /** Every known transfer syntax, in the order of the data file. */
    public static List<TransferSyntax> known() {
        return List.copyOf(KNOWN.values());
    }

    public boolean explicitVr() {
        return encoding != Encoding.IMPLICIT_LE;
    }

    public boolean bigEndian() {
        return encoding == Encoding.EXPLICIT_BE;
    }

    public boolean deflated() {
        return encoding == Encoding.DEFLATED;
    }

    public boolean encapsulated() {
        return encoding == Encoding.ENCAPSULATED;
    }

    private static Map<String, TransferSyntax> load() {
        String resource = "/dicom/transfer-syntaxes.tsv";
        Map<String, TransferSyntax> known = new LinkedHashMap<>();
        try (InputStream in = TransferSyntax.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the class path");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] columns = line.split("\t");
                Encoding encoding = Encoding.valueOf(columns[2].trim().toUpperCase().replace('-', '_'));
                known.put(columns[0], new TransferSyntax(columns[0], columns[1], encoding));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
        List<String> required = new ArrayList<>(List.of(IMPLICIT_VR_LITTLE_ENDIAN, EXPLICIT_VR_LITTLE_ENDIAN,
                DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN, EXPLICIT_VR_BIG_ENDIAN));
        required.removeAll(known.keySet());
        if (!required.isEmpty()) {
            throw new IllegalStateException(resource + " lacks " + required);
        }
        return known;
    }
}
