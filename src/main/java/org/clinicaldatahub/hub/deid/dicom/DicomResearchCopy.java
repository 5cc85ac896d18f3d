package org.clinicaldatahub.hub.deid.dicom;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.SynchronizationAdapter;
import org.clinicaldatahub.hub.HubHeaders;
import org.clinicaldatahub.hub.deid.Pseudonymizer;
import org.clinicaldatahub.hub.storage.DataClass;
import org.clinicaldatahub.hub.storage.Sha256;
import org.clinicaldatahub.hub.storage.StoredObject;
import org.clinicaldatahub.hub.storage.TieredStore;

import software.amazon.awssdk.core.sync.ResponseTransformer;

/**
 * The bean {@code dicomResearchCopy} of route {@code deid-internal-dicom}: for one
 * {@code hub.dicom.stored} event, reads the instance from the identified zone into a work file,
 * de-identifies it ({@link DicomDeidentifier}) into a second work file (both streamed, the
 * pixel data never held), then either stores the copy in the research data class with its
 * provenance, or, for burned-in text, keeps the original in quarantine for review. Work files
 * are deleted when the exchange ends, however it ends. Headers carry only references.
 */
public final class DicomResearchCopy {

    /** Header: true when the instance goes to review instead of the research zone. */
    public static final String REVIEW = "hubDeidReview";
    static final String CHANNEL = "deid-internal-dicom";
    private static final String SOURCE_PROPERTY = "hubDeidSource";
    private static final String OUTPUT_PROPERTY = "hubDeidOutput";
    private static final String RESULT_PROPERTY = "hubDeidResult";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DicomResearchCopy.class);

    private final DicomDeidentifier deidentifier;
    private final Pseudonymizer pseudonymizer;
    private final TieredStore tieredStore;
    private final DicomDeidProperties properties;

    public DicomResearchCopy(DicomDeidentifier deidentifier, Pseudonymizer pseudonymizer, TieredStore tieredStore,
            DicomDeidProperties properties) throws IOException {
        this.deidentifier = deidentifier;
        this.pseudonymizer = pseudonymizer;
        this.tieredStore = tieredStore;
        this.properties = properties;
        Files.createDirectories(properties.getWorkDir());
    }

    /** De-identifies the instance a {@code hub.dicom.stored} event (the body) points at. */
    public void deidentify(Exchange exchange) throws IOException {
        Message message = exchange.getMessage();
        JsonNode event = JSON.readTree(message.getBody(byte[].class));
        String bucket = event.path("bucket").asText();
        String key = event.path("objectKey").asText();
        DataClass source = tieredStore.policy().dataClass(properties.getSourceDataClass());
        if (!source.bucket().equals(bucket) || key.isEmpty()) {
            throw new IllegalArgumentException("stored event does not point into data class "
                    + properties.getSourceDataClass());
        }
        Path sourceFile = Files.createTempFile(properties.getWorkDir(), "source-", ".dcm");
        Path outputFile = Files.createTempFile(properties.getWorkDir(), "deid-", ".dcm");
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                deleteQuietly(sourceFile);
                deleteQuietly(outputFile);
            }
        });
        Files.delete(sourceFile); // the SDK writes the file itself and refuses to overwrite one
        tieredStore.client(source).getObject(b -> b.bucket(bucket).key(key), ResponseTransformer.toFile(sourceFile));
        MessageDigest digest = Sha256.newDigest();
        DeidentificationResult result;
        try (OutputStream out = new DigestOutputStream(
                new java.io.BufferedOutputStream(Files.newOutputStream(outputFile), 65536), digest)) {
            result = deidentifier.deidentify(sourceFile, out);
        }
        exchange.setProperty(SOURCE_PROPERTY, sourceFile);
        exchange.setProperty(OUTPUT_PROPERTY, outputFile);
        exchange.setProperty(RESULT_PROPERTY, result);
        message.setHeader(HubHeaders.CHANNEL, CHANNEL);
        message.setHeader(REVIEW, !result.released());
        message.removeHeader(HubHeaders.BUCKET);
        message.removeHeader(HubHeaders.OBJECT_KEY);
        if (result.released()) {
            message.setHeader(HubHeaders.SHA256, java.util.HexFormat.of().formatHex(digest.digest()));
            message.setHeader(HubHeaders.PATIENT_PSEUDONYM, result.patientPseudonym());
            message.removeHeader(HubHeaders.REASON_CODE);
        } else {
            message.setHeader(HubHeaders.REASON_CODE, result.reviewReason());
            message.setHeader(HubHeaders.SHA256, event.path("sha256").asText());
            message.setHeader(HubHeaders.PATIENT_PSEUDONYM, event.path("patientPseudonym").asText(null));
        }
        message.setHeader("hubDeidSourceKey", key);
    }

    /** Writes the de-identified copy into the research data class under its new UIDs. */
    public void storeResearchCopy(Exchange exchange) throws IOException {
        Message message = exchange.getMessage();
        DeidentificationResult result = exchange.getProperty(RESULT_PROPERTY, DeidentificationResult.class);
        String key = properties.getKeyLayout().replace("{study}", result.studyInstanceUid())
                .replace("{series}", result.seriesInstanceUid()).replace("{instance}", result.sopInstanceUid());
        Map<String, String> provenance = new LinkedHashMap<>();
        provenance.put("source-system", "hub-dicom");
        provenance.put("deid-profile", deidentifier.profile().name());
        provenance.put("deid-options", String.join(",", deidentifier.profile().optionNames()));
        provenance.put("deid-table", "PS3.15 Table E.1-1 " + deidentifier.profile().table().edition());
        provenance.put("source-data-class", properties.getSourceDataClass());
        provenance.put("source-ref", sourceRef(message.getHeader("hubDeidSourceKey", String.class)));
        provenance.put("sop-class-uid", result.sopClassUid() == null ? "" : result.sopClassUid());
        StoredObject stored = tieredStore.putFileAtKey(properties.getDataClass(), key, CHANNEL,
                exchange.getProperty(OUTPUT_PROPERTY, Path.class), message.getHeader(HubHeaders.SHA256, String.class),
                provenance);
        message.setHeader(HubHeaders.BUCKET, stored.bucket());
        message.setHeader(HubHeaders.OBJECT_KEY, stored.key());
        message.removeHeader("hubDeidSourceKey");
    }

    /** Keeps the original (identified) instance in quarantine for a person to review, with the reason. */
    public void quarantineForReview(Exchange exchange) throws IOException {
        Message message = exchange.getMessage();
        String reason = message.getHeader(HubHeaders.REASON_CODE, String.class);
        Path source = exchange.getProperty(SOURCE_PROPERTY, Path.class);
        String sha256 = java.util.HexFormat.of().formatHex(digestOf(source));
        StoredObject stored = tieredStore.putFile(org.clinicaldatahub.hub.storage.Quarantine.DATA_CLASS, CHANNEL,
                reason + "-" + java.util.UUID.randomUUID() + ".dcm", source, sha256,
                Map.of("reason-code", reason, "source-system", "hub-dicom"));
        message.setHeader(HubHeaders.BUCKET, stored.bucket());
        message.setHeader(HubHeaders.OBJECT_KEY, stored.key());
        message.setHeader(HubHeaders.SHA256, sha256);
        message.removeHeader("hubDeidSourceKey");
    }

    /** Replaces the body with the {@code hub.deid.dicom} event and sets the Kafka key (the pseudonym). */
    public void buildEvent(Exchange exchange) throws IOException {
        Message message = exchange.getMessage();
        DeidentificationResult result = exchange.getProperty(RESULT_PROPERTY, DeidentificationResult.class);
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("type", "dicom.instance.deidentified");
        event.put("studyInstanceUid", result.studyInstanceUid());
        event.put("seriesInstanceUid", result.seriesInstanceUid());
        event.put("sopInstanceUid", result.sopInstanceUid());
        event.put("sopClassUid", result.sopClassUid());
        event.put("modality", result.modality());
        event.put("patientPseudonym", result.patientPseudonym());
        event.put("bucket", message.getHeader(HubHeaders.BUCKET, String.class));
        event.put("objectKey", message.getHeader(HubHeaders.OBJECT_KEY, String.class));
        event.put("sha256", message.getHeader(HubHeaders.SHA256, String.class));
        event.put("size", Files.size(exchange.getProperty(OUTPUT_PROPERTY, Path.class)));
        event.put("profile", deidentifier.profile().name());
        event.put("options", deidentifier.profile().optionNames());
        event.put("hubVersion", tieredStore.hubVersion());
        event.put("deidentifiedAt", Instant.now().toString());
        message.setBody(JSON.writeValueAsBytes(event));
        String kafkaKey = result.patientPseudonym() != null ? result.patientPseudonym() : result.studyInstanceUid();
        message.setHeader("kafka.KEY", kafkaKey);
    }

    /**
     * Marks a failed exchange for quarantine (reason {@code DEID_DICOM_FAILED}) and logs what
     * failed where, by exception class and code location only: messages may quote data.
     */
    public void failed(Exchange exchange) {
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        Message message = exchange.getMessage();
        message.setHeader(HubHeaders.CHANNEL, CHANNEL);
        message.setHeader(HubHeaders.REASON_CODE, "DEID_DICOM_FAILED");
        String where = "";
        if (failure != null) {
            for (StackTraceElement frame : failure.getStackTrace()) {
                if (frame.getClassName().startsWith("org.clinicaldatahub.")) {
                    where = frame.getClassName().substring(frame.getClassName().lastIndexOf('.') + 1) + "."
                            + frame.getMethodName() + ":" + frame.getLineNumber();
                    break;
                }
            }
        }
        if (failure instanceof software.amazon.awssdk.awscore.exception.AwsServiceException aws) {
            where += " status " + aws.statusCode() + " "
                    + (aws.awsErrorDetails() == null ? "" : aws.awsErrorDetails().errorCode());
        }
        LOG.warn("de-identification of a stored DICOM instance failed ({} at {}); event quarantined",
                failure == null ? "unknown" : failure.getClass().getName(), where);
    }

    /**
     * A keyed reference to the identified object: provenance that the hub (holding the key) can
     * match against the clinical key, while the research zone never sees the original UIDs.
     */
    private String sourceRef(String sourceKey) {
        return pseudonymizer.pseudonym("dicom-source-key", sourceKey);
    }

    private static byte[] digestOf(Path file) throws IOException {
        MessageDigest digest = Sha256.newDigest();
        try (var in = new java.security.DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return digest.digest();
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a leftover work file is removed with the work directory; nothing to report by name
        }
    }
}
