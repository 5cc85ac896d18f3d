package org.clinicaldatahub.hub.deid.dicom;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.clinicaldatahub.hub.dicom.support.Dcmtk;

/**
 * A synthetic study of one fake patient with known fake PHI in every kind of place: names (with
 * a Latin-1 character), IDs, issuer, dates, address, phone, institution, physicians, operators,
 * descriptions and comments that mention the patient, request attributes in a sequence,
 * private attributes (also a private sequence holding a name), an overlay group with a
 * description. Three series: two CT series (2 images each, one frame of reference) and a
 * Grayscale Softcopy Presentation State series that references the CT images.
 */
final class PhiStudy {

    /** Unique per run: the embedded servers keep data between local runs. */
    static final String ROOT = "1.2.826.0.1.3680043.2.1143.77." + (System.currentTimeMillis() % 1_000_000_000L) + ".";
    static final String PATIENT_ID = "FAKE-MRN-0001";
    static final String ISSUER = "FAKEHOSP";
    static final String STUDY_UID = ROOT + "1";
    static final String FRAME_OF_REFERENCE_UID = ROOT + "9";
    static final String CT = "1.2.840.10008.5.1.4.1.1.2";
    static final String GSPS = "1.2.840.10008.5.1.4.1.1.11.1";

    /** Every string that must not survive de-identification, in any byte of the output. */
    static final List<String> FAKE_PHI = List.of("Testperson", "J\u00f6rg", PATIENT_ID, ISSUER, "FAKE-OTHER-77",
            "19610304", "20240115", "Fakestreet", "Springfield", "555-0100-4242", "Fake General Hospital",
            "Fakeville", "Drfake", "Quincy", "Techfake", "Olga", "Readerfake", "FAKESTUDY77", "FAKEACC9911",
            "FAKEREQ555", "FAKESPS31", "FAKEVENDOR", "Hiddenfake", "SCANNER-FAKE-7", "SN-FAKE-0042",
            "Fakeoverlay", "fake.person@example.org", STUDY_UID, FRAME_OF_REFERENCE_UID, ROOT + "2.", ROOT + "3.");

    private PhiStudy() {
    }

    static String seriesUid(int series) {
        return ROOT + "2." + series;
    }

    static String instanceUid(int series, int n) {
        return ROOT + "3." + series + "." + n;
    }

    private static String patientAndStudy() {
        return "(0008,0005) CS [ISO_IR 100]\n"
                + "(0008,0020) DA [20240115]\n"
                + "(0008,0030) TM [101500]\n"
                + "(0008,0050) SH [FAKEACC9911]\n"
                + "(0008,0070) LO [AcmeScanners]\n"
                + "(0008,0080) LO [Fake General Hospital]\n"
                + "(0008,0081) ST [1 Fakestreet, Fakeville]\n"
                + "(0008,0090) PN [Drfake^Quincy]\n"
                + "(0008,1010) SH [SCANNER-FAKE-7]\n"
                + "(0008,1030) LO [CT HEAD for Testperson]\n"
                + "(0008,1050) PN [Drfake^Quincy]\n"
                + "(0008,1070) PN [Techfake^Olga]\n"
                + "(0010,0010) PN [Testperson^J\u00f6rg]\n"
                + "(0010,0020) LO [" + PATIENT_ID + "]\n"
                + "(0010,0021) LO [" + ISSUER + "]\n"
                + "(0010,0030) DA [19610304]\n"
                + "(0010,0040) CS [M]\n"
                + "(0010,1000) LO [FAKE-OTHER-77]\n"
                + "(0010,1010) AS [062Y]\n"
                + "(0010,1040) LO [12 Fakestreet, Springfield]\n"
                + "(0010,2154) SH [555-0100-4242]\n"
                + "(0010,4000) LT [Patient Testperson, mail fake.person@example.org]\n"
                + "(0018,1000) LO [SN-FAKE-0042]\n"
                + "(0020,000d) UI [" + STUDY_UID + "]\n"
                + "(0020,0010) SH [FAKESTUDY77]\n"
                + "(0040,0275) SQ (Sequence with undefined length #=1)\n"
                + "  (fffe,e000) na (Item with undefined length #=1)\n"
                + "    (0040,0009) SH [FAKESPS31]\n"
                + "    (0040,1001) SH [FAKEREQ555]\n"
                + "    (0032,1060) LO [Head CT for Testperson]\n"
                + "  (fffe,e00d) na (ItemDelimitationItem)\n"
                + "(fffe,e0dd) na (SequenceDelimitationItem)\n"
                + "(0009,0010) LO [FAKEVENDOR]\n"
                + "(0009,1001) LO [Testperson secret note]\n"
                + "(0009,1002) SQ (Sequence with undefined length #=1)\n"
                + "  (fffe,e000) na (Item with undefined length #=1)\n"
                + "    (0010,0010) PN [Hiddenfake^Testperson]\n"
                + "  (fffe,e00d) na (ItemDelimitationItem)\n"
                + "(fffe,e0dd) na (SequenceDelimitationItem)\n";
    }

    static String ctDump(int series, int n) {
        StringBuilder pixels = new StringBuilder();
        for (int i = 0; i < 64 * 64; i++) {
            pixels.append(i == 0 ? "" : "\\").append(String.format("%04x", (i * 37 + n) % 4096));
        }
        StringBuilder overlay = new StringBuilder();
        for (int i = 0; i < 64 * 64 / 16; i++) {
            overlay.append(i == 0 ? "" : "\\").append(i % 5 == 0 ? "ffff" : "0000");
        }
        return patientAndStudy()
                + "(0008,0008) CS [ORIGINAL\\PRIMARY\\AXIAL]\n"
                + "(0008,0016) UI [" + CT + "]\n"
                + "(0008,0018) UI [" + instanceUid(series, n) + "]\n"
                + "(0008,0021) DA [20240115]\n"
                + "(0008,0023) DA [20240115]\n"
                + "(0008,0031) TM [101600]\n"
                + "(0008,0033) TM [101700]\n"
                + "(0008,0060) CS [CT]\n"
                + "(0008,103e) LO [Series of J\u00f6rg Testperson 19610304]\n"
                + "(0018,0010) LO [Fakecontrast for Testperson]\n"
                + "(0018,0050) DS [1.0]\n"
                + "(0018,0060) DS [120]\n"
                + "(0020,000e) UI [" + seriesUid(series) + "]\n"
                + "(0020,0011) IS [" + series + "]\n"
                + "(0020,0012) IS [1]\n"
                + "(0020,0013) IS [" + n + "]\n"
                + "(0020,0020) CS [L\\P]\n"
                + "(0020,0032) DS [0\\0\\" + n + "]\n"
                + "(0020,0037) DS [1\\0\\0\\0\\1\\0]\n"
                + "(0020,0052) UI [" + FRAME_OF_REFERENCE_UID + "]\n"
                + "(0020,1040) LO []\n"
                + "(0020,4000) LT [Image of Testperson MRN " + PATIENT_ID + "]\n"
                + "(0028,0002) US 1\n"
                + "(0028,0004) CS [MONOCHROME2]\n"
                + "(0028,0010) US 64\n"
                + "(0028,0011) US 64\n"
                + "(0028,0030) DS [0.5\\0.5]\n"
                + "(0028,0100) US 16\n"
                + "(0028,0101) US 12\n"
                + "(0028,0102) US 11\n"
                + "(0028,0103) US 0\n"
                + "(0028,1052) DS [-1024]\n"
                + "(0028,1053) DS [1]\n"
                + "(6000,0010) US 64\n"
                + "(6000,0011) US 64\n"
                + "(6000,0022) LO [Fakeoverlay Testperson]\n"
                + "(6000,0040) CS [G]\n"
                + "(6000,0050) SS 1\\1\n"
                + "(6000,0100) US 1\n"
                + "(6000,0102) US 0\n"
                + "(6000,3000) OW " + overlay + "\n"
                + "(7fe0,0010) OW " + pixels + "\n";
    }

    static String gspsDump(int series) {
        StringBuilder references = new StringBuilder();
        for (int s = 1; s <= 2; s++) {
            references.append("  (fffe,e000) na (Item with undefined length #=2)\n")
                    .append("    (0008,1140) SQ (Sequence with undefined length #=2)\n");
            for (int n = 1; n <= 2; n++) {
                references.append("      (fffe,e000) na (Item with undefined length #=2)\n")
                        .append("        (0008,1150) UI [" + CT + "]\n")
                        .append("        (0008,1155) UI [" + instanceUid(s, n) + "]\n")
                        .append("      (fffe,e00d) na (ItemDelimitationItem)\n");
            }
            references.append("    (fffe,e0dd) na (SequenceDelimitationItem)\n")
                    .append("    (0020,000e) UI [" + seriesUid(s) + "]\n")
                    .append("  (fffe,e00d) na (ItemDelimitationItem)\n");
        }
        return patientAndStudy()
                + "(0008,0016) UI [" + GSPS + "]\n"
                + "(0008,0018) UI [" + instanceUid(series, 1) + "]\n"
                + "(0008,0023) DA [20240115]\n"
                + "(0008,0033) TM [101800]\n"
                + "(0008,0060) CS [PR]\n"
                + "(0008,1115) SQ (Sequence with undefined length #=2)\n"
                + references
                + "(fffe,e0dd) na (SequenceDelimitationItem)\n"
                + "(0020,000e) UI [" + seriesUid(series) + "]\n"
                + "(0020,0011) IS [" + series + "]\n"
                + "(0020,0013) IS [1]\n"
                + "(0028,1050) DS [40]\n"
                + "(0070,0080) CS [FAKELABEL]\n"
                + "(0070,0081) LO [Testperson view]\n"
                + "(0070,0082) DA [20240115]\n"
                + "(0070,0083) TM [102000]\n"
                + "(0070,0084) PN [Readerfake^Ann]\n"
                + "(2050,0020) CS [IDENTITY]\n";
    }

    /** Writes the study as Part 10 files (Explicit VR Little Endian) into {@code dir}: CT 1.1, 1.2, 2.1, 2.2, PR 3.1. */
    static List<Path> write(Path dir) throws Exception {
        Files.createDirectories(dir);
        List<Path> files = new ArrayList<>();
        for (int series = 1; series <= 2; series++) {
            for (int n = 1; n <= 2; n++) {
                files.add(write(dir, "ct-" + series + "-" + n, ctDump(series, n)));
            }
        }
        files.add(write(dir, "pr-3-1", gspsDump(3)));
        return files;
    }

    static Path write(Path dir, String name, String dump) throws Exception {
        Path dumpFile = dir.resolve(name + ".dump");
        Files.createDirectories(dir);
        Files.writeString(dumpFile, dump, StandardCharsets.ISO_8859_1);
        Path file = dir.resolve(name + ".dcm");
        Dcmtk.ok("dump2dcm", "+te", "+l", "1000000", dumpFile.toString(), file.toString());
        return file;
    }
}
