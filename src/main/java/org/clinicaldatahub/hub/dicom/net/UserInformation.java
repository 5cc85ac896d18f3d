package org.clinicaldatahub.hub.dicom.net;

import java.util.List;

/**
 * User Information item (PS3.8 Annex D.1, PS3.7 Annex D.3.3) as far as the hub negotiates it.
 *
 * @param maxPduLength              Maximum Length sub-item: largest P-DATA-TF PDU (its variable
 *                                  field) the sender can receive; 0 = no limit
 * @param implementationClassUid    Implementation Class UID sub-item
 * @param implementationVersionName Implementation Version Name sub-item, may be null
 * @param asyncOpsWindow            {max invoked, max performed}, or null when absent (= 1/1)
 * @param roleSelections            SCP/SCU Role Selection sub-items
 */
public record UserInformation(long maxPduLength, String implementationClassUid, String implementationVersionName,
        int[] asyncOpsWindow, List<RoleSelection> roleSelections) {

    public UserInformation {
        roleSelections = List.copyOf(roleSelections);
    }
}
