package org.clinicaldatahub.hub.dicom;

import java.io.IOException;

import org.clinicaldatahub.hub.audit.AuditRecorder;
import org.clinicaldatahub.hub.storage.Quarantine;
import org.clinicaldatahub.hub.storage.TieredStore;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Beans of the DICOM channel: the {@code dicom-scp} Camel component, the beans its route calls
 * ({@code dicomInstanceStore}, {@code dicomStoredEvent}, {@code dicomSpool}) and the patient
 * patient pseudonyms come from the hub-wide pseudonymizer (deid.DeidConfiguration).
 */
@Configuration(proxyBeanMethods = false)
public class DicomConfiguration {

    @Bean
    DicomInstanceReceiver dicomInstanceReceiver(DicomProperties properties, PatientPseudonyms pseudonyms)
            throws IOException {
        return new DicomInstanceReceiver(properties.getSpoolDir().resolve("incoming"), pseudonyms);
    }

    @Bean
    DicomSpool dicomSpool(DicomProperties properties) {
        return new DicomSpool(properties.getSpoolDir());
    }

    @Bean
    DicomInstanceStore dicomInstanceStore(TieredStore tieredStore, DicomSpool spool, AuditRecorder auditRecorder,
            DicomProperties properties) {
        tieredStore.setMultipart(properties.getMultipartThreshold().toBytes(), properties.getMultipartPartSize().toBytes());
        return new DicomInstanceStore(tieredStore, spool, auditRecorder, properties);
    }

    @Bean
    DicomStoredEvent dicomStoredEvent(@Value("${hub.node-id:local}") String nodeId) {
        return new DicomStoredEvent(nodeId);
    }

    @Bean
    DicomAudit dicomAudit(AuditRecorder auditRecorder) {
        return new DicomAudit(auditRecorder);
    }

    @Bean("dicom-scp")
    DicomScpComponent dicomScpComponent(DicomProperties properties, DicomInstanceReceiver receiver, DicomAudit audit,
            Quarantine quarantine, AuditRecorder recorder) {
        return new DicomScpComponent(new DicomScpSettings(properties, receiver, audit, quarantine, recorder));
    }
}
