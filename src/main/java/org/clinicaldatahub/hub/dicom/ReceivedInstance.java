package org.clinicaldatahub.hub.dicom;

import java.nio.file.Path;

/**
 * One instance received by C-STORE and written, as a Part 10 file, to the receive directory:
 * references and sizes only. The patient appears only as a keyed pseudonym.
 *
 * @param file              the Part 10 file (File Meta Information + data set as received)
 * @param size              file size in bytes
 * @param sha256            hex SHA-256 of the file
 * @param dataSetOffset     where the data set starts in the file (after the File Meta Information)
 * @param sopClassUid       SOP Class UID
 * @param sopInstanceUid    SOP Instance UID
 * @param studyInstanceUid  Study Instance UID
 * @param seriesInstanceUid Series Instance UID
 * @param modality          Modality (0008,0060), may be null
 * @param transferSyntaxUid transfer syntax of the data set
 * @param callingAeTitle    who sent it
 * @param remoteAddress     from where
 * @param associationId     association id in this process
 * @param patientPseudonym  keyed pseudonym of the patient, or null
 */
public record ReceivedInstance(Path file, long size, String sha256, long dataSetOffset, String sopClassUid,
        String sopInstanceUid, String studyInstanceUid, String seriesInstanceUid, String modality,
        String transferSyntaxUid, String callingAeTitle, String remoteAddress, String associationId,
        String patientPseudonym) {

    /** The object key for a layout with {study}, {series}, {instance}. */
    public String objectKey(String keyLayout) {
        return keyLayout.replace("{study}", studyInstanceUid).replace("{series}", seriesInstanceUid)
                .replace("{instance}", sopInstanceUid);
    }
}
