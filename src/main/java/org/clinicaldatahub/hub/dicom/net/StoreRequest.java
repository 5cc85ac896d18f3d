package org.clinicaldatahub.hub.dicom.net;

/**
 * A C-STORE-RQ as the SCP handler sees it (PS3.7 9.1.1.1).
 *
 * @param association       the association it arrived on
 * @param transferSyntaxUid transfer syntax of the presentation context: the data set's encoding
 * @param sopClassUid       Affected SOP Class UID
 * @param sopInstanceUid    Affected SOP Instance UID
 * @param messageId         Message ID
 * @param priority          0 medium, 1 high, 2 low
 * @param moveOriginatorAe  Move Originator AE title when sent on behalf of a C-MOVE, else null
 */
public record StoreRequest(AssociationInfo association, String transferSyntaxUid, String sopClassUid,
        String sopInstanceUid, int messageId, int priority, String moveOriginatorAe) {
}
