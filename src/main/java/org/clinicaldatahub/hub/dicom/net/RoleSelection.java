package org.clinicaldatahub.hub.dicom.net;

/**
 * SCP/SCU Role Selection sub-item (PS3.7 D.3.3.4): the roles the association requestor takes
 * for a SOP class.
 *
 * @param sopClassUid SOP class
 * @param scu         requestor may act as SCU (sends C-STORE requests)
 * @param scp         requestor may act as SCP (receives them)
 */
public record RoleSelection(String sopClassUid, boolean scu, boolean scp) {
}
