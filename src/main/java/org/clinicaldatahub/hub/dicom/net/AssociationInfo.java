package org.clinicaldatahub.hub.dicom.net;

/**
 * Who is on the other end of an association, for handlers and the audit trail. AE titles and
 * addresses are references, not PHI.
 *
 * @param id                        short id of the association in this hub process
 * @param remoteAddress             peer IP address
 * @param callingAeTitle            calling AE title (empty before the A-ASSOCIATE-RQ was read)
 * @param calledAeTitle             called AE title
 * @param implementationClassUid    peer's implementation class UID, may be null
 * @param implementationVersionName peer's implementation version name, may be null
 * @param tls                       arrived on the TLS port
 */
public record AssociationInfo(String id, String remoteAddress, String callingAeTitle, String calledAeTitle,
        String implementationClassUid, String implementationVersionName, boolean tls) {

    AssociationInfo withRequest(AssociateRequest rq) {
        return new AssociationInfo(id, remoteAddress, rq.callingAeTitle(), rq.calledAeTitle(),
                rq.userInformation().implementationClassUid(), rq.userInformation().implementationVersionName(), tls);
    }
}
