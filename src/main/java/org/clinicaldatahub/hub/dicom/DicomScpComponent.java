package org.clinicaldatahub.hub.dicom;

import java.util.Map;

import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

/**
 * The Camel component {@code dicom-scp:<AE title>}: a route starting from it receives every
 * instance the hub's C-STORE SCP accepts, as a {@link ReceivedInstance} body, and the SCP answers
 * the C-STORE with success only when the route has completed without an exception. Listener,
 * access control and storage settings come from {@code hub.dicom.*}.
 */
public class DicomScpComponent extends DefaultComponent {

    private final DicomScpSettings settings;
    private volatile int port = -1;

    public DicomScpComponent(DicomScpSettings settings) {
        this.settings = settings;
    }

    /** The port the SCP listens on (useful when configured as 0), -1 when not listening. */
    public int port() {
        return port;
    }

    void listening(int port) {
        this.port = port;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) {
        String aeTitle = remaining == null || remaining.isBlank() ? settings.properties().getAeTitle() : remaining;
        return new DicomScpEndpoint(uri, this, aeTitle, settings);
    }
}
