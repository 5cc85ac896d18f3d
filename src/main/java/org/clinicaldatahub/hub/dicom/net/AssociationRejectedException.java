package org.clinicaldatahub.hub.dicom.net;

import java.io.IOException;

/** The called AE answered A-ASSOCIATE-RJ (PS3.8 9.3.4). */
public class AssociationRejectedException extends IOException {

    private final int result;
    private final int source;
    private final int reason;

    public AssociationRejectedException(int result, int source, int reason) {
        super("association rejected: result " + result + ", source " + source + ", reason " + reason);
        this.result = result;
        this.source = source;
        this.reason = reason;
    }

    public int result() {
        return result;
    }

    public int source() {
        return source;
    }

    public int reason() {
        return reason;
    }
}
