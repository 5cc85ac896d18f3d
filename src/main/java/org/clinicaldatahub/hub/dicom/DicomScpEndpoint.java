package org.clinicaldatahub.hub.dicom;

import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultEndpoint;

/** Endpoint of {@link DicomScpComponent}: consumer only (forwarding uses {@code DicomScu} from a bean). */
public class DicomScpEndpoint extends DefaultEndpoint {

    private final String aeTitle;
    private final DicomScpSettings settings;

    DicomScpEndpoint(String uri, DicomScpComponent component, String aeTitle, DicomScpSettings settings) {
        super(uri, component);
        this.aeTitle = aeTitle;
        this.settings = settings;
    }

    @Override
    public Producer createProducer() {
        throw new UnsupportedOperationException("dicom-scp is a consumer only");
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        DicomScpConsumer consumer = new DicomScpConsumer(this, processor, aeTitle, settings);
        configureConsumer(consumer);
        return consumer;
    }

    @Override
    public boolean isSingleton() {
        return true;
    }
}
