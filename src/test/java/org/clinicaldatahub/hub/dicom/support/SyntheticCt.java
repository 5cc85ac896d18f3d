package org.clinicaldatahub.hub.dicom.support;

/**
 * A synthetic CT image as a DCMTK dump (dump2dcm input): fake patient (known fake PHI, so tests
 * can check it never leaks), Latin-1 name, a nested sequence, 16 x 16 pixels of 16 bit.
 */
public final class SyntheticCt {

    /** Fake PHI that must never appear in logs, events or the audit trail. */
    public static final String FAKE_PATIENT_NAME = "Testperson^J\u00f6rg";
    public static final String FAKE_PATIENT_ID = "FAKE-MRN-0001";
    public static final String UID_ROOT = "1.2.826.0.1.3680043.2.1143.";

    private SyntheticCt() {
    }

    public static String studyUid(String run) {
        return UID_ROOT + run + ".1";
    }

    public static String seriesUid(String run) {
        return UID_ROOT + run + ".2";
    }

    public static String instanceUid(String run, int n) {
        return UID_ROOT + run + ".3." + n;
    }

    public static String dump(String run) {
        return dumpWithInstance(run, 0);
    }

    /** {@code run} must be digits: it becomes part of the UIDs. */
    public static String dumpWithInstance(String run, int n) {
        StringBuilder pixels = new StringBuilder();
        for (int i = 0; i < 256; i++) {
            pixels.append(i == 0 ? "" : "\\").append(String.format("%04x", (i * 37) % 4096));
        }
        return "(0008,0005) CS [ISO_IR 100]\n"
                + "(0008,0016) UI =CTImageStorage\n"
                + "(0008,0018) UI [" + instanceUid(run, n) + "]\n"
                + "(0008,0060) CS [CT]\n"
                + "(0010,0010) PN [" + FAKE_PATIENT_NAME + "]\n"
                + "(0010,0020) LO [" + FAKE_PATIENT_ID + "]\n"
                + "(0020,000d) UI [" + studyUid(run) + "]\n"
                + "(0020,000e) UI [" + seriesUid(run) + "]\n"
                + "(0008,1115) SQ (Sequence with undefined length #=1)\n"
                + "  (fffe,e000) na (Item with undefined length #=1)\n"
                + "    (0020,000e) UI [" + seriesUid(run) + "]\n"
                + "    (0008,1140) SQ (Sequence with undefined length #=1)\n"
                + "      (fffe,e000) na (Item with undefined length #=1)\n"
                + "        (0008,1150) UI =CTImageStorage\n"
                + "      (fffe,e00d) na (ItemDelimitationItem)\n"
                + "    (fffe,e0dd) na (SequenceDelimitationItem)\n"
                + "  (fffe,e00d) na (ItemDelimitationItem)\n"
                + "(fffe,e0dd) na (SequenceDelimitationItem)\n"
                + "(0028,0002) US 1\n"
                + "(0028,0004) CS [MONOCHROME2]\n"
                + "(0028,0010) US 16\n"
                + "(0028,0011) US 16\n"
                + "(0028,0100) US 16\n"
                + "(0028,0101) US 12\n"
                + "(0028,0102) US 11\n"
                + "(0028,0103) US 0\n"
                + "(7fe0,0010) OW " + pixels + "\n";
    }
}
