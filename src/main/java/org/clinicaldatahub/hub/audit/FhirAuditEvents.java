package org.clinicaldatahub.hub.audit;

import java.util.Date;
import java.util.Map;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventEntityComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;

/**
 * Audit events as FHIR R4 AuditEvent resources, shaped after IHE Basic Audit Log Patterns (BALP):
 * a DICOM audit event type, the hub's step as subtype, the sender or user as requesting agent,
 * the hub node as source observer, and the references as entities (patient only by pseudonym).
 * Like the events themselves, they hold no PHI.
 */
public final class FhirAuditEvents {

    /** The hub's own code system for its audit steps (received, published, stored, ...). */
    public static final String STEP_SYSTEM = "https://clinicaldatahub.org/fhir/CodeSystem/audit-step";
    /** Identifier system of the hub's references (control id, object key, ...): suffix is the reference name. */
    public static final String REFERENCE_SYSTEM = "https://clinicaldatahub.org/fhir/audit-reference/";
    private static final String DCM = "http://dicom.nema.org/resources/ontology/DCM";
    private static final String ENTITY_TYPE = "http://terminology.hl7.org/CodeSystem/audit-entity-type";
    private static final String OBJECT_ROLE = "http://terminology.hl7.org/CodeSystem/object-role";
    private static final String LIFECYCLE = "http://terminology.hl7.org/CodeSystem/iso-21089-lifecycle";
    private static final String SECURITY_SOURCE = "http://terminology.hl7.org/CodeSystem/security-source-type";

    private FhirAuditEvents() {
    }

    public static org.hl7.fhir.r4.model.AuditEvent toFhir(AuditEvent event) {
        org.hl7.fhir.r4.model.AuditEvent fhir = new org.hl7.fhir.r4.model.AuditEvent();
        fhir.setId(event.id());
        fhir.setType(eventType(event.step()));
        fhir.addSubtype(new Coding(STEP_SYSTEM, event.step().wireName(), null));
        fhir.setAction(action(event.step()));
        fhir.setRecorded(Date.from(java.time.Instant.parse(event.time())));
        fhir.setOutcome(outcome(event.outcome()));
        if (event.reason() != null) {
            fhir.setOutcomeDesc(event.reason());
        }
        AuditEventAgentComponent agent = fhir.addAgent().setRequestor(true);
        agent.getWho().setDisplay(event.actor() == null ? "unknown" : event.actor());
        if (event.route() != null) {
            AuditEventAgentComponent route = fhir.addAgent().setRequestor(false);
            route.getWho().setDisplay("route " + event.route());
        }
        fhir.getSource().setSite(event.node())
                .setObserver(new Reference().setDisplay("clinical-data-hub " + event.node()))
                .addType(new Coding(SECURITY_SOURCE, "4", "Application Server"));
        fhir.addEntity().setWhat(new Reference().setIdentifier(
                new Identifier().setSystem(REFERENCE_SYSTEM + "seq").setValue(event.node() + "/" + event.seq())))
                .setType(new Coding(ENTITY_TYPE, "2", "System Object"));
        for (Map.Entry<String, String> ref : event.refs().entrySet()) {
            AuditEventEntityComponent entity = fhir.addEntity();
            entity.setWhat(new Reference().setIdentifier(
                    new Identifier().setSystem(REFERENCE_SYSTEM + ref.getKey()).setValue(ref.getValue())));
            if (AuditRef.PATIENT_PSEUDONYM.wireName().equals(ref.getKey())) {
                entity.setType(new Coding(ENTITY_TYPE, "1", "Person"))
                        .setRole(new Coding(OBJECT_ROLE, "1", "Patient"));
            } else {
                entity.setType(new Coding(ENTITY_TYPE, "2", "System Object"));
                entity.setLifecycle(lifecycle(event.step()));
            }
        }
        if (event.checksum() != null) {
            fhir.addEntity().setWhat(new Reference().setIdentifier(
                    new Identifier().setSystem(REFERENCE_SYSTEM + "sha256").setValue(event.checksum())))
                    .setType(new Coding(ENTITY_TYPE, "2", "System Object"));
        }
        return fhir;
    }

    private static Coding eventType(AuditStep step) {
        return switch (step) {
            case RECEIVED -> new Coding(DCM, "110107", "Import");
            case FORWARDED -> new Coding(DCM, "110106", "Export");
            case READ -> new Coding(DCM, "110110", "Patient Record");
            default -> new Coding(DCM, "110100", "Application Activity");
        };
    }

    /** ISO 21089 record life-cycle event of the step, where one fits. */
    private static Coding lifecycle(AuditStep step) {
        String code = switch (step) {
            case RECEIVED -> "receive";
            case PUBLISHED, FORWARDED -> "transmit";
            case STORED -> "archive";
            case DEIDENTIFIED -> "deidentify";
            case MAPPED -> "transform";
            case READ -> "access";
            default -> null;
        };
        return code == null ? null : new Coding(LIFECYCLE, code, null);
    }

    private static AuditEventAction action(AuditStep step) {
        return switch (step) {
            case RECEIVED, STORED, PUBLISHED -> AuditEventAction.C;
            case READ -> AuditEventAction.R;
            case DEIDENTIFIED, MAPPED -> AuditEventAction.U;
            default -> AuditEventAction.E;
        };
    }

    private static AuditEventOutcome outcome(AuditOutcome outcome) {
        return switch (outcome) {
            case SUCCESS -> AuditEventOutcome._0;
            case REJECTED -> AuditEventOutcome._4;
            case ERROR -> AuditEventOutcome._8;
        };
    }
}
