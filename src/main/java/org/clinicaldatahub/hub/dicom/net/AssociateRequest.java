package org.clinicaldatahub.hub.dicom.net;

import java.util.List;

/**
 * A-ASSOCIATE-RQ (PS3.8 9.3.2) or, with answered presentation contexts, A-ASSOCIATE-AC (9.3.3):
 * both PDUs share this layout.
 *
 * @param protocolVersion      bit field; bit 0 = version 1
 * @param calledAeTitle        called AE title, trimmed
 * @param callingAeTitle       calling AE title, trimmed
 * @param applicationContext   application context name
 * @param presentationContexts proposals (RQ) or answers (AC)
 * @param userInformation      user information item
 */
public record AssociateRequest(int protocolVersion, String calledAeTitle, String callingAeTitle,
        String applicationContext, List<PresentationContext> presentationContexts, UserInformation userInformation) {

    /** The DICOM Application Context Name (PS3.7 A.2.1). */
    public static final String DICOM_APPLICATION_CONTEXT = "1.2.840.10008.3.1.1.1";

    public AssociateRequest {
        presentationContexts = List.copyOf(presentationContexts);
    }

    public PresentationContext presentationContext(int id) {
        for (PresentationContext pc : presentationContexts) {
            if (pc.id() == id) {
                return pc;
            }
        }
        return null;
    }
}
