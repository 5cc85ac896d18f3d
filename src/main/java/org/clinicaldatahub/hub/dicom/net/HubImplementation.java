package org.clinicaldatahub.hub.dicom.net;

/**
 * The hub's DICOM implementation identity (PS3.7 D.3.3.2), sent in every A-ASSOCIATE and written
 * into the File Meta Information of every stored instance. The class UID is a UUID-derived UID
 * (PS3.5 B.2) fixed for this implementation; the version name changes with incompatible releases.
 */
public final class HubImplementation {

    public static final String CLASS_UID = "2.25.186403217846203461983541629390562840311";
    /** At most 16 characters (SH). */
    public static final String VERSION_NAME = "CLINDATAHUB_1";

    private HubImplementation() {
    }
}
