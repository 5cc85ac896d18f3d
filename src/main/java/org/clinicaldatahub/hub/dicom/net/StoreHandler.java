package org.clinicaldatahub.hub.dicom.net;

import java.io.IOException;
import java.io.InputStream;

/**
 * What the SCP does with each received instance. Called on the association's thread; the C-STORE
 * response is sent with the returned status once this method returns, so a handler returns
 * success only after the instance is durably stored.
 */
@FunctionalInterface
public interface StoreHandler {

    /**
     * @param dataSet the data set bytes exactly as sent, in the request's transfer syntax; ends at
     *                the last data fragment. An {@link IOException} from it means the association
     *                broke: rethrow it (after cleaning up) rather than answering.
     */
    DimseStatus store(StoreRequest request, InputStream dataSet) throws IOException;
}
