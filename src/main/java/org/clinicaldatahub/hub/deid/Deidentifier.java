package org.clinicaldatahub.hub.deid;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Set;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.clinicaldatahub.hub.HubHeaders;
import org.clinicaldatahub.hub.storage.Sha256;

/**
 * The de-identification step YAML routes call (bean {@code deidentifier}, also {@code deidentify}):
 * {@code method: "deidentify(*, 'safe-harbor')"} replaces the body (HL7 v2 ER7 or one FHIR R4
 * resource in JSON) by its de-identified form under the named profile (mappings/deid/&lt;profile&gt;.yaml).
 * Then {@code researchHeaders} leaves only the headers the de-identified zone may see, with the
 * record's provenance. A record that cannot be de-identified safely fails the exchange with
 * {@link DeidRejection}; the reason code is in {@code hubReasonCode} for quarantine and audit.
 */
public class Deidentifier {

    /** Headers a research record keeps (plus the provenance set here); everything else on the exchange goes. */
    private static final Set<String> RESEARCH_HEADERS = Set.of(HubHeaders.MESSAGE_TYPE, HubHeaders.VERSION,
            HubHeaders.CHARSET, HubHeaders.PATIENT_PSEUDONYM, HubHeaders.SHA256, HubHeaders.CHANNEL,
            DeidHeaders.PROFILE, DeidHeaders.PROFILE_VERSION, DeidHeaders.HUB_VERSION, DeidHeaders.SOURCE_REF,
            DeidHeaders.SOURCE_SHA256, DeidHeaders.CHANGES);

    private final DeidProfiles profiles;
    private final Hl7Deidentifier hl7;
    private final FhirDeidentifier fhir;
    private final DeidStatistics statistics;
    private final String hubVersion;

    public Deidentifier(DeidProfiles profiles, Hl7Deidentifier hl7, FhirDeidentifier fhir, DeidStatistics statistics,
            String hubVersion) {
        this.profiles = profiles;
        this.hl7 = hl7;
        this.fhir = fhir;
        this.statistics = statistics;
        this.hubVersion = hubVersion;
    }

    /** De-identifies text under a profile: HL7 v2 when it starts with MSH, else FHIR R4 JSON. */
    public DeidResult deidentify(String text, String profileName, String recordKey) {
        DeidProfile profile = profiles.get(profileName);
        String start = text.stripLeading();
        DeidResult result;
        if (start.startsWith("MSH")) {
            result = hl7.deidentify(start, profile);
        } else if (start.startsWith("{")) {
            result = fhir.deidentify(text, profile, recordKey);
        } else {
            throw new DeidRejection("DEID_UNPARSEABLE", "record is neither HL7 v2 (MSH) nor FHIR R4 JSON");
        }
        statistics.record(profile.name(), result.changes());
        return result;
    }

    /** What a profile would change in a sample record, without counting it in the running statistics. */
    public DeidChanges deidentifyForReport(String text, String profileName) {
        DeidProfile profile = profiles.get(profileName);
        String start = text.stripLeading();
        if (start.startsWith("MSH")) {
            return hl7.deidentify(start, profile).changes();
        }
        if (start.startsWith("{")) {
            return fhir.deidentify(text, profile, null).changes();
        }
        throw new DeidRejection("DEID_UNPARSEABLE", "record is neither HL7 v2 (MSH) nor FHIR R4 JSON");
    }

    /** The route step: body de-identified, patient pseudonym and provenance set. */
    public void deidentify(Exchange exchange, String profileName) {
        Message in = exchange.getMessage();
        try {
            Object body = in.getBody();
            Charset charset = charset(in.getHeader(HubHeaders.CHARSET, String.class));
            byte[] source = body instanceof byte[] bytes ? bytes : in.getMandatoryBody(String.class).getBytes(charset);
            String text = new String(source, charset);
            String recordKey = in.getHeader(KafkaConstants.KEY, String.class);
            DeidResult result = deidentify(text, profileName, recordKey);
            DeidProfile profile = profiles.get(profileName);
            byte[] out = result.text().getBytes(charset);
            in.setHeader(DeidHeaders.SOURCE_SHA256, Sha256.hexDigest(source));
            in.setHeader(DeidHeaders.SOURCE_REF, sourceRef(in));
            in.setHeader(DeidHeaders.PROFILE, profile.name());
            in.setHeader(DeidHeaders.PROFILE_VERSION, profile.version());
            in.setHeader(DeidHeaders.HUB_VERSION, hubVersion);
            in.setHeader(DeidHeaders.CHANGES, result.changes().toString());
            in.setHeader(HubHeaders.SHA256, Sha256.hexDigest(out));
            in.setHeader(HubHeaders.CHARSET, charset.name());
            if (result.patientPseudonym() != null) {
                in.setHeader(HubHeaders.PATIENT_PSEUDONYM, result.patientPseudonym());
            }
            exchange.setProperty(RESEARCH_KEY, result.patientPseudonym());
            in.setBody(out);
        } catch (DeidRejection e) {
            in.setHeader(HubHeaders.REASON_CODE, e.reasonCode());
            statistics.rejected(profileName, e.reasonCode());
            throw e;
        } catch (org.apache.camel.InvalidPayloadException e) {
            in.setHeader(HubHeaders.REASON_CODE, "DEID_UNPARSEABLE");
            throw new DeidRejection("DEID_UNPARSEABLE", "record body is empty or not text");
        } catch (IllegalArgumentException e) {
            in.setHeader(HubHeaders.REASON_CODE, "DEID_PROFILE_UNKNOWN");
            throw new DeidRejection("DEID_PROFILE_UNKNOWN", "no de-identification profile " + profileName);
        }
    }

    /**
     * For the route's error handler: a failure that is not a {@link DeidRejection} (the store or
     * Kafka failed, a bug) is quarantined as {@code DEID_FAILED}; the exception's message is never
     * used, as it may quote the record.
     */
    public void classifyRefusal(Exchange exchange) {
        Message in = exchange.getMessage();
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (failure instanceof DeidRejection rejection) {
            in.setHeader(HubHeaders.REASON_CODE, rejection.reasonCode());
        } else if (in.getHeader(HubHeaders.REASON_CODE) == null) {
            in.setHeader(HubHeaders.REASON_CODE, "DEID_FAILED");
        }
        in.setHeader(HubHeaders.OUTCOME, "rejected");
    }

    /** Exchange property holding the research record key (the patient pseudonym). */
    public static final String RESEARCH_KEY = "hubResearchKey";

    /**
     * Leaves only the headers the de-identified zone may see (message type, version, charset,
     * checksum, patient pseudonym, provenance) and keys the record by the patient pseudonym; the
     * source's control id, actor, dedup key and Kafka key (the MRN) go.
     */
    public void researchHeaders(Exchange exchange) {
        Message in = exchange.getMessage();
        in.setHeader(HubHeaders.CHANNEL, exchange.getFromRouteId());
        in.getHeaders().keySet().removeIf(name -> !RESEARCH_HEADERS.contains(name));
        String key = exchange.getProperty(RESEARCH_KEY, String.class);
        if (key != null) {
            in.setHeader(KafkaConstants.KEY, key);
        }
    }

    private static String sourceRef(Message in) {
        String topic = in.getHeader(KafkaConstants.TOPIC, String.class);
        Object partition = in.getHeader(KafkaConstants.PARTITION);
        Object offset = in.getHeader(KafkaConstants.OFFSET);
        if (topic == null) {
            return in.getExchange().getFromRouteId() + "/" + in.getExchange().getExchangeId();
        }
        return topic + "/" + partition + "/" + offset;
    }

    private static Charset charset(String name) {
        if (name == null || name.isBlank()) {
            return StandardCharsets.UTF_8;
        }
        try {
            return Charset.forName(name);
        } catch (IllegalArgumentException e) {
            return StandardCharsets.UTF_8;
        }
    }
}
