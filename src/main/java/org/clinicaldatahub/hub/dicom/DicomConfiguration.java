package org.clinicaldatahub.hub.dicom;

import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.clinicaldatahub.hub.DaemonThreads;
import org.clinicaldatahub.hub.audit.AuditRecorder;
import org.clinicaldatahub.hub.storage.Quarantine;
import org.clinicaldatahub.hub.storage.TieredStore;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Beans of the DICOM channel: the {@code dicom-scp} Camel component, the beans its route calls
 * ({@code dicomInstanceStore}, {@code dicomStoredEvent}, {@code dicomSpool}, {@code dicomSpoolDrainPacing}) and the patient
 * patient pseudonyms come from the hub-wide pseudonymizer (deid.DeidConfiguration).
 */
@Configuration(proxyBeanMethods = false)
public class DicomConfiguration {

    /** Large enough that a CT slice (0.5 MB) is never forced twice, small enough to overlap a 50 MB instance. */
    static final long EARLY_WRITEBACK_STEP = 8L << 20;

    @Bean
    DicomInstanceReceiver dicomInstanceReceiver(DicomProperties properties, PatientPseudonyms pseudonyms,
            DicomSpool spool) throws IOException {
        // spooled: every received file is forced before its answer, so start writing large ones early,
        // and receive straight into the spool's slots
        boolean spooled = properties.getAcknowledgeAfter() == DicomProperties.AcknowledgeAfter.SPOOLED;
        return new DicomInstanceReceiver(properties.getSpoolDir().resolve("incoming"), pseudonyms,
                spooled ? EARLY_WRITEBACK_STEP : 0, spooled ? spool : null);
    }

    @Bean
    DicomSpool dicomSpool(DicomProperties properties) {
        // slots only where every instance is spooled; otherwise the spool holds the few of an outage
        boolean spooled = properties.getAcknowledgeAfter() == DicomProperties.AcknowledgeAfter.SPOOLED;
        return new DicomSpool(properties.getSpoolDir(), spooled ? properties.getSpoolSlots() : 0,
                properties.getSpoolSlotSize().toBytes());
    }

    @Bean
    SpoolDrainPacing dicomSpoolDrainPacing(DicomProperties properties, DicomSpool spool) {
        return new SpoolDrainPacing(properties.getSpoolDrainQuietPeriod(), properties.getSpoolDrainMaxDelay(), () -> {
            try {
                return spool.hasPending();
            } catch (IOException e) {
                return true; // let the drain find out
            }
        });
    }

    /**
     * The threads of the spool drain's parallel uploads ({@code hub.dicom.spool-drain-uploads}),
     * named so a thread dump shows what they are. Spring shuts the pool down with the context.
     */
    @Bean(destroyMethod = "shutdown")
    ExecutorService dicomSpoolDrainUploads(DicomProperties properties) {
        return Executors.newFixedThreadPool(properties.getSpoolDrainUploads(),
                DaemonThreads.numbered("dicom-spool-upload-"));
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
            Quarantine quarantine, AuditRecorder recorder, SpoolDrainPacing pacing) {
        return new DicomScpComponent(new DicomScpSettings(properties, receiver, audit, quarantine, recorder, pacing));
    }
}
