package org.clinicaldatahub.hub.deid.dicom;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;

import org.clinicaldatahub.hub.dicom.data.DicomReader;
import org.clinicaldatahub.hub.dicom.data.FileMetaInformation;
import org.clinicaldatahub.hub.dicom.data.Tag;
import org.clinicaldatahub.hub.dicom.data.TransferSyntax;
import org.clinicaldatahub.hub.dicom.data.Vr;
import org.clinicaldatahub.hub.dicom.data.DicomParseException;

/**
 * The first of the de-identifier's two passes over a Part 10 file: what the rewrite must know
 * before it writes the first element. The IOD (SOP class) decides combined actions, Patient ID
 * and issuer give the pseudonym and the date shift, Burned In Annotation and modality decide
 * whether the instance may be released at all, and the identifying values anywhere in the data
 * set (person names, IDs, addresses...) are what Clean must scrub from descriptions that come
 * earlier in the data set than the names do. Pixel data is skipped, not read.
 */
public record InstanceSurvey(FileMetaInformation meta, TransferSyntax transferSyntax, String sopClassUid,
        String sopInstanceUid, String studyInstanceUid, String seriesInstanceUid, String modality,
        String patientId, String issuerOfPatientId, String burnedInAnnotation, Set<String> identifiers) {

    static final int ISSUER_OF_PATIENT_ID = Tag.ISSUER_OF_PATIENT_ID;
    static final int BURNED_IN_ANNOTATION = 0x00280301;
    private static final long MAX_SURVEYED_VALUE = 64 * 1024;
    /**
     * Keywords of non-PN attributes whose values identify: IDs, numbers, addresses, contacts,
     * places, institutions, stations. Not the other "...Name" attributes (Protocol Name, ROI
     * Name): those are descriptors, what Clean keeps.
     */
    private static final Pattern IDENTIFYING_KEYWORD = Pattern.compile(
            ".*(ID|IDs|Number|Numbers|Address|Telephone\\w*|TelecomInformation|Email\\w*|City|Region|Country"
                    + "|Issuer\\w*)$|(Institution|Station|Department|Institutional)\\w*");

    /** Reads the file's meta information and data set up to the pixel data. */
    public static InstanceSurvey of(Path file, ConfidentialityProfileTable table) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 65536)) {
            FileMetaInformation meta = FileMetaInformation.readFrom(in);
            TransferSyntax syntax = TransferSyntax.of(meta.transferSyntaxUid());
            if (syntax == null) {
                throw new DicomParseException("unknown transfer syntax " + meta.transferSyntaxUid());
            }
            String[] top = new String[8];
            Set<String> identifiers = new LinkedHashSet<>();
            try (DicomReader reader = new DicomReader(in, syntax)) {
                for (DicomReader.Event e = reader.next(); e != DicomReader.Event.END; e = reader.next()) {
                    if (e == DicomReader.Event.FRAGMENTS_START
                            || (e == DicomReader.Event.ELEMENT && reader.tag() == Tag.PIXEL_DATA && reader.depth() == 0)) {
                        break;
                    }
                    if (e != DicomReader.Event.ELEMENT || Tag.isPrivate(reader.tag())
                            || reader.length() > MAX_SURVEYED_VALUE || reader.vr() == null || !reader.vr().isText()) {
                        continue;
                    }
                    int tag = reader.tag();
                    if (reader.depth() == 0) {
                        int slot = slot(tag);
                        if (slot >= 0) {
                            top[slot] = reader.readString().trim();
                        }
                    }
                    if (identifying(tag, reader.vr(), table)) {
                        identifiers.addAll(TextCleaner.tokens(reader.readString()));
                    }
                }
            }
            return new InstanceSurvey(meta, syntax, top[0], top[1], top[2], top[3], top[4], top[5], top[6], top[7],
                    Set.copyOf(identifiers));
        }
    }

    private static boolean identifying(int tag, Vr vr, ConfidentialityProfileTable table) {
        if (vr == Vr.PN) {
            return true;
        }
        if (vr != Vr.LO && vr != Vr.SH && vr != Vr.ST && vr != Vr.LT && vr != Vr.UC && vr != Vr.CS) {
            return false;
        }
        ConfidentialityProfileTable.Row row = table.rowFor(tag);
        return row != null && row.keyword() != null && !row.basic().equals("K")
                && IDENTIFYING_KEYWORD.matcher(row.keyword()).matches();
    }

    private static int slot(int tag) {
        return switch (tag) {
            case Tag.SOP_CLASS_UID -> 0;
            case Tag.SOP_INSTANCE_UID -> 1;
            case Tag.STUDY_INSTANCE_UID -> 2;
            case Tag.SERIES_INSTANCE_UID -> 3;
            case Tag.MODALITY -> 4;
            case Tag.PATIENT_ID -> 5;
            case ISSUER_OF_PATIENT_ID -> 6;
            case BURNED_IN_ANNOTATION -> 7;
            default -> -1;
        };
    }
}
