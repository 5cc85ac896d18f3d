package org.clinicaldatahub.hub.dicom;

/**
 * Camel headers of the DICOM channel, beside the shared {@link org.clinicaldatahub.hub.HubHeaders}.
 * UIDs are references (the audit trail names them too); patient data never travels in headers.
 */
public final class DicomHeaders {

    public static final String SOP_CLASS_UID = "hubDicomSopClassUid";
    public static final String SOP_INSTANCE_UID = "hubDicomSopInstanceUid";
    public static final String STUDY_INSTANCE_UID = "hubDicomStudyInstanceUid";
    public static final String SERIES_INSTANCE_UID = "hubDicomSeriesInstanceUid";
    public static final String TRANSFER_SYNTAX_UID = "hubDicomTransferSyntaxUid";
    /** True when the instance went to the local spool because the object store was unreachable. */
    public static final String SPOOLED = "hubDicomSpooled";
    /** True when the same instance (same key, same SHA-256) was already stored: not written again. */
    public static final String ALREADY_STORED = "hubDicomAlreadyStored";
    /**
     * The received file's {@link java.nio.channels.FileChannel}, open for writing until the route
     * has run (the SCP closes it); not a reference, never audited or published.
     */
    public static final String OPEN_FILE = "hubDicomOpenFile";

    private DicomHeaders() {
    }
}
