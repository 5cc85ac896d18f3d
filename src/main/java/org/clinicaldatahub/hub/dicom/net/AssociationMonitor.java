package org.clinicaldatahub.hub.dicom.net;

/**
 * Life-cycle notifications of associations, for the audit trail and metrics. Reason codes are
 * {@code DICOM_*} tokens (e.g. {@code DICOM_CALLED_AE_NOT_RECOGNIZED}); nothing here carries PHI.
 */
public interface AssociationMonitor {

    default void accepted(AssociationInfo association) {
    }

    /** A-ASSOCIATE-RJ sent. */
    default void rejected(AssociationInfo association, String reasonCode) {
    }

    /** Ended abnormally: A-ABORT sent or received, connection lost, timeout. */
    default void aborted(AssociationInfo association, String reasonCode) {
    }

    default void released(AssociationInfo association) {
    }

    /** A presentation context was not accepted (result 1-4). */
    default void contextRejected(AssociationInfo association, String abstractSyntax, int result) {
    }

    AssociationMonitor NONE = new AssociationMonitor() {
    };
}
