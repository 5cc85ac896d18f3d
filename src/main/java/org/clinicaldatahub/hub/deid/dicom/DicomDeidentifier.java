package org.clinicaldatahub.hub.deid.dicom;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import org.clinicaldatahub.hub.deid.Pseudonymizer;
import org.clinicaldatahub.hub.dicom.data.DicomReader;
import org.clinicaldatahub.hub.dicom.data.DicomWriter;
import org.clinicaldatahub.hub.dicom.data.FileMetaInformation;
import org.clinicaldatahub.hub.dicom.net.HubImplementation;

/**
 * De-identifies a DICOM Part 10 file per PS3.15 Annex E (Basic Application Level Confidentiality
 * Profile and the options of a {@link DicomDeidProfile}) on the hub's streaming codec: one pass
 * surveys the header ({@link InstanceSurvey}), a second rewrites the data set element by element
 * ({@link InstanceRewrite}); pixel data streams from input to output, never held whole.
 * UIDs, the Patient ID and the date shift come from the hub-wide {@link Pseudonymizer}, so the
 * same patient has the same pseudonym here as in HL7 and FHIR, and the same input gives
 * byte-identical output every time. Nothing identifying is logged or put into exceptions.
 */
public final class DicomDeidentifier {

    /** Review reason: the instance declares burned-in text (0028,0301) = YES. */
    public static final String BURNED_IN_DECLARED = "DICOM_BURNED_IN_ANNOTATION";
    /** Review reason: a modality or SOP class known to carry burned-in text. */
    public static final String BURNED_IN_LIKELY = "DICOM_BURNED_IN_TEXT_LIKELY";
    /** Issuer used for a date shift keyed on the study when an instance has no Patient ID. */
    static final String STUDY_SHIFT_ISSUER = "urn:dicom:study-instance-uid";

    private final DicomDeidProfile profile;
    private final Pseudonymizer pseudonymizer;

    public DicomDeidentifier(DicomDeidProfile profile, Pseudonymizer pseudonymizer) {
        this.profile = profile;
        this.pseudonymizer = pseudonymizer;
    }

    public DicomDeidProfile profile() {
        return profile;
    }

    /**
     * Writes the de-identified Part 10 file of {@code source} to {@code target} (not closed),
     * unless the instance must go to review for burned-in text: then nothing is written.
     */
    public DeidentificationResult deidentify(Path source, OutputStream target) throws IOException {
        InstanceSurvey survey = InstanceSurvey.of(source, profile.table());
        String review = reviewReason(survey);
        if (review != null) {
            return DeidentificationResult.review(review, survey);
        }
        String patientId = blankToNull(survey.patientId());
        String pseudonym = patientId == null ? null : pseudonymizer.patient(patientId, survey.issuerOfPatientId());
        int shift = patientId != null ? pseudonymizer.dateShiftDays(patientId, survey.issuerOfPatientId())
                : pseudonymizer.dateShiftDays(String.valueOf(survey.studyInstanceUid()), STUDY_SHIFT_ISSUER);
        InstanceRewrite rewrite = new InstanceRewrite(profile, pseudonymizer, survey, pseudonym, shift);
        FileMetaInformation meta = survey.meta();
        String newSopInstanceUid = rewrite.instanceUid(meta.mediaStorageSopInstanceUid() != null
                ? meta.mediaStorageSopInstanceUid() : survey.sopInstanceUid());
        new FileMetaInformation(meta.mediaStorageSopClassUid(), newSopInstanceUid, meta.transferSyntaxUid(),
                HubImplementation.CLASS_UID, HubImplementation.VERSION_NAME, null).writeTo(target);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(source), 65536)) {
            FileMetaInformation.readFrom(in);
            try (DicomReader reader = new DicomReader(in, survey.transferSyntax())) {
                DicomWriter writer = new DicomWriter(target, survey.transferSyntax());
                rewrite.run(reader, writer);
            }
        }
        return new DeidentificationResult(true, null, survey.sopClassUid(), survey.modality(),
                rewrite.instanceUid(survey.studyInstanceUid()), rewrite.instanceUid(survey.seriesInstanceUid()),
                rewrite.instanceUid(survey.sopInstanceUid()), pseudonym, rewrite.actionCounts());
    }

    /** Why the instance may not be released automatically (PS3.15 E.3.1: burned-in text), or null. */
    public String reviewReason(InstanceSurvey survey) {
        DicomDeidProfile.BurnedInText rule = profile.burnedInText();
        String declared = survey.burnedInAnnotation() == null ? ""
                : survey.burnedInAnnotation().trim().toUpperCase(Locale.ROOT);
        if (rule.quarantineWhenDeclared() && declared.equals("YES")) {
            return BURNED_IN_DECLARED;
        }
        boolean likely = (survey.modality() != null && rule.modalities().contains(survey.modality().trim()))
                || (survey.sopClassUid() != null && rule.sopClasses().contains(survey.sopClassUid().trim()));
        if (likely && !(rule.trustDeclaredNo() && declared.equals("NO"))) {
            return BURNED_IN_LIKELY;
        }
        return null;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
