package org.clinicaldatahub.hub.deid.dicom;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.clinicaldatahub.hub.dicom.data.Tag;

/**
 * A synthetic CT instance that carries every attribute of Table E.1-1 that a data set can hold
 * (not the command group 0000 nor File Meta Information 0002), each with a value built from its
 * tag, at the top level and again two sequences deep; plus a curve group, an overlay group and
 * private attributes (one safe, two not). Written as a DCMTK dump for dump2dcm.
 */
final class TableInstance {

    /** A family name every text value carries, so Clean has something to find. */
    static final String NAME = "Tpx";
    static final String PATIENT_NAME = NAME + "^Fakerson";
    static final String PATIENT_ID = "FAKE-MRN-4242";
    static final String UID_ROOT = "1.2.826.0.1.3680043.2.1143.9.";
    /** Two sequences not in Table E.1-1 (kept), the nest every attribute is repeated in. */
    static final int OUTER = 0x00081115;
    static final int INNER = 0x00540016;

    private TableInstance() {
    }

    /** Rows a data set can carry: no command group, no file meta, no patterns, not the private row. */
    static List<ConfidentialityProfileTable.Row> dataSetRows(ConfidentialityProfileTable table) {
        List<ConfidentialityProfileTable.Row> rows = new ArrayList<>();
        for (ConfidentialityProfileTable.Row row : table.rows()) {
            // (FFFC,FFFC) Data Set Trailing Padding is no attribute a writer keeps (dump2dcm drops it)
            if (row.mask() == -1 && Tag.group(row.tag()) > 0x0002 && row.vr() != null && row.tag() != 0xFFFCFFFC) {
                rows.add(row);
            }
        }
        return rows;
    }

    /** The tag spelt with letters for digits, so text values never look like digit runs (IDs). */
    static String code(int tag) {
        StringBuilder out = new StringBuilder();
        for (char c : String.format("%08X", tag).toCharArray()) {
            out.append(Character.isDigit(c) ? (char) ('G' + (c - '0')) : c);
        }
        return out.toString();
    }

    /** The original value of a row's attribute as {@link DataSetTree} reads it back. */
    static String value(int tag, String vr) {
        return switch (vr) {
            case "AE" -> "A" + code(tag);
            case "AS" -> "045Y";
            case "CS" -> code(tag);
            case "DA" -> "20200115";
            case "DT" -> "20200115103000";
            case "TM" -> "103000";
            case "DS" -> "1.5";
            case "IS" -> "7";
            case "PN" -> code(tag) + "^" + NAME;
            case "UI" -> UID_ROOT + Integer.toUnsignedString(tag);
            case "UR" -> "http://example.org/" + code(tag);
            case "SH" -> code(tag) + " " + NAME;
            case "LO", "LT", "ST", "UT", "UC" -> code(tag) + " " + NAME;
            case "US" -> "#2";
            case "OB", "UN" -> "#2";
            default -> throw new IllegalArgumentException("no test value for VR " + vr);
        };
    }

    private static String line(int tag, String vr, String indent) {
        String t = String.format("(%04x,%04x)", Tag.group(tag), Tag.element(tag));
        return switch (vr) {
            case "US" -> indent + t + " US 5\n";
            case "OB", "UN" -> indent + t + " " + vr + " 01\\02\n";
            case "SQ" -> indent + t + " SQ (Sequence with undefined length #=1)\n"
                    + indent + "  (fffe,e000) na (Item with undefined length #=1)\n"
                    + indent + "    (0008,0100) SH [" + code(tag) + "]\n"
                    + indent + "  (fffe,e00d) na (ItemDelimitationItem)\n"
                    + indent + "(fffe,e0dd) na (SequenceDelimitationItem)\n";
            default -> indent + t + " " + vr + " [" + value(tag, vr) + "]\n";
        };
    }

    private static Map<Integer, String> attributes(ConfidentialityProfileTable table, String indent) {
        Map<Integer, String> lines = new TreeMap<>(Integer::compareUnsigned);
        for (ConfidentialityProfileTable.Row row : dataSetRows(table)) {
            lines.put(row.tag(), line(row.tag(), row.vr(), indent));
        }
        lines.put(Tag.PATIENT_NAME, indent + "(0010,0010) PN [" + PATIENT_NAME + "]\n");
        lines.put(Tag.PATIENT_ID, indent + "(0010,0020) LO [" + PATIENT_ID + "]\n");
        lines.put(0x00190010, indent + "(0019,0010) LO [GEMS_ACQU_01]\n");
        lines.put(0x00191023, indent + "(0019,1023) DS [1.5]\n");
        lines.put(0x00191099, indent + "(0019,1099) LO [" + NAME + " private]\n");
        lines.put(0x00110010, indent + "(0011,0010) LO [FAKE CREATOR]\n");
        lines.put(0x00111001, indent + "(0011,1001) LO [" + NAME + " secret]\n");
        return lines;
    }

    static String dump(ConfidentialityProfileTable table) {
        Map<Integer, String> top = attributes(table, "");
        top.put(0x00080005, "(0008,0005) CS [ISO_IR 100]\n");
        top.put(Tag.SOP_CLASS_UID, "(0008,0016) UI =CTImageStorage\n");
        top.put(Tag.MODALITY, "(0008,0060) CS [CT]\n");
        StringBuilder nested = new StringBuilder();
        nested.append("(0008,1115) SQ (Sequence with undefined length #=1)\n");
        nested.append("  (fffe,e000) na (Item with undefined length #=1)\n");
        nested.append("    (0054,0016) SQ (Sequence with undefined length #=1)\n");
        nested.append("      (fffe,e000) na (Item with undefined length #=1)\n");
        attributes(table, "        ").values().forEach(nested::append);
        nested.append("      (fffe,e00d) na (ItemDelimitationItem)\n");
        nested.append("    (fffe,e0dd) na (SequenceDelimitationItem)\n");
        nested.append("  (fffe,e00d) na (ItemDelimitationItem)\n");
        nested.append("(fffe,e0dd) na (SequenceDelimitationItem)\n");
        top.put(OUTER, nested.toString());
        top.put(0x50000005, "(5000,0005) US 1\n");
        top.put(0x50003000, "(5000,3000) OW 0001\\0002\n");
        top.put(0x60000010, "(6000,0010) US 16\n");
        top.put(0x60000011, "(6000,0011) US 16\n");
        top.put(0x60000040, "(6000,0040) CS [G]\n");
        top.put(0x60000050, "(6000,0050) SS 1\\1\n");
        top.put(0x60000100, "(6000,0100) US 1\n");
        top.put(0x60000102, "(6000,0102) US 0\n");
        top.put(0x60003000, "(6000,3000) OW " + "ffff\\".repeat(15) + "ffff\n");
        top.put(0x60004000, "(6000,4000) LT [" + NAME + " overlay comment]\n");
        top.put(0x00280002, "(0028,0002) US 1\n");
        top.put(0x00280004, "(0028,0004) CS [MONOCHROME2]\n");
        top.put(0x00280010, "(0028,0010) US 4\n");
        top.put(0x00280011, "(0028,0011) US 4\n");
        top.put(0x00280100, "(0028,0100) US 16\n");
        top.put(0x00280101, "(0028,0101) US 12\n");
        top.put(0x00280102, "(0028,0102) US 11\n");
        top.put(0x00280103, "(0028,0103) US 0\n");
        top.put(Tag.PIXEL_DATA, "(7fe0,0010) OW " + "0100\\".repeat(15) + "0100\n");
        StringBuilder dump = new StringBuilder();
        top.values().forEach(dump::append);
        return dump.toString();
    }

    /** Path of an attribute in {@link DataSetTree}: top level, or inside the two nested items. */
    static String path(int tag, boolean nested) {
        String hex = String.format("%08X", tag);
        return nested ? String.format("%08X/0/%08X/0/", OUTER, INNER) + hex : hex;
    }
}
