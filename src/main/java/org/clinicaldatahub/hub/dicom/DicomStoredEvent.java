package org.clinicaldatahub.hub.dicom;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.clinicaldatahub.hub.HubHeaders;

/**
 * The bean {@code dicomStoredEvent}: makes the per-instance metadata event of topic
 * {@code hub.dicom.stored} (claim check: where the instance is, not the instance). Keyed by the
 * patient pseudonym (per-patient ordering), else by the Study Instance UID. Holds references only:
 * UIDs, SOP class, modality, transfer syntax, size, sha256, calling AE, object key, pseudonym.
 */
public final class DicomStoredEvent {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final String nodeId;

    public DicomStoredEvent(String nodeId) {
        this.nodeId = nodeId;
    }

    /** Replaces the body with the event JSON and sets the Kafka key. */
    public void build(Exchange exchange) throws JsonProcessingException {
        Message message = exchange.getMessage();
        ReceivedInstance instance = message.getHeader(DicomInstanceStore.INSTANCE_HEADER, ReceivedInstance.class);
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("type", "dicom.instance.stored");
        event.put("studyInstanceUid", instance.studyInstanceUid());
        event.put("seriesInstanceUid", instance.seriesInstanceUid());
        event.put("sopInstanceUid", instance.sopInstanceUid());
        event.put("sopClassUid", instance.sopClassUid());
        event.put("modality", instance.modality());
        event.put("transferSyntaxUid", instance.transferSyntaxUid());
        event.put("size", instance.size());
        event.put("sha256", instance.sha256());
        event.put("callingAeTitle", DicomAudit.printable(instance.callingAeTitle()));
        event.put("bucket", message.getHeader(HubHeaders.BUCKET, String.class));
        event.put("objectKey", message.getHeader(HubHeaders.OBJECT_KEY, String.class));
        if (instance.patientPseudonym() != null) {
            event.put("patientPseudonym", instance.patientPseudonym());
        }
        event.put("hubNode", nodeId);
        event.put("storedAt", Instant.now().toString());
        message.setBody(JSON.writeValueAsBytes(event));
        message.setHeader("kafka.KEY", instance.patientPseudonym() != null ? instance.patientPseudonym()
                : instance.studyInstanceUid());
        if (instance.patientPseudonym() != null) {
            message.setHeader(HubHeaders.PATIENT_PSEUDONYM, instance.patientPseudonym());
        }
    }
}
