package org.clinicaldatahub.hub.fhir.support;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * Synthetic FHIR R4 data with fake PHI that is unique per run (names made of random letters,
 * nine-digit MRNs), so tests can assert the values never reach logs, audit events or metrics.
 * Each patient comes with an Encounter, a Condition and two Observations (LOINC-coded labs).
 */
public final class SyntheticFhir {

    private final Random random;
    private final List<String> phi = new ArrayList<>();

    public SyntheticFhir(long seed) {
        this.random = new Random(seed);
    }

    /** Every fake identifying value handed out so far. */
    public List<String> phi() {
        return phi;
    }

    public Patient patient() {
        Patient patient = new Patient();
        String family = "Zx" + letters(7);
        String given = "Qv" + letters(6);
        String mrn = Integer.toString(100_000_000 + random.nextInt(899_999_999));
        patient.addName().setFamily(family).addGiven(given);
        patient.addIdentifier().setSystem("urn:oid:2.16.840.1.113883.19.5").setValue(mrn);
        patient.setGender(random.nextBoolean() ? Enumerations.AdministrativeGender.FEMALE
                : Enumerations.AdministrativeGender.MALE);
        patient.setBirthDate(new Date(-1_000_000_000_000L + (long) random.nextInt(1_000_000) * 1_000_000L));
        phi.add(family);
        phi.add(given);
        phi.add(mrn);
        return patient;
    }

    /** Resources of {@code patients} patients, five per patient, with references to the patient's full URL. */
    public List<Resource> clinicalResources(Patient patient, Reference subject) {
        List<Resource> resources = new ArrayList<>();
        Encounter encounter = new Encounter();
        encounter.setStatus(Encounter.EncounterStatus.FINISHED);
        encounter.getClass_().setSystem("http://terminology.hl7.org/CodeSystem/v3-ActCode").setCode("AMB");
        encounter.setSubject(subject);
        resources.add(encounter);
        Condition condition = new Condition();
        condition.setSubject(subject);
        condition.setCode(new CodeableConcept().addCoding(new org.hl7.fhir.r4.model.Coding(
                "http://snomed.info/sct", "44054006", "Diabetes mellitus type 2")));
        resources.add(condition);
        for (String loinc : new String[] {"2345-7", "718-7"}) {
            Observation observation = new Observation();
            observation.setStatus(Observation.ObservationStatus.FINAL);
            observation.setCode(new CodeableConcept().addCoding(new org.hl7.fhir.r4.model.Coding(
                    "http://loinc.org", loinc, null)));
            observation.setSubject(subject);
            observation.setValue(new Quantity().setValue(50 + random.nextInt(100)).setUnit("mg/dL"));
            resources.add(observation);
        }
        return resources;
    }

    /** A transaction Bundle of {@code count} resources (POST), patients first, referenced by urn:uuid. */
    public Bundle transaction(int count) {
        return bundle(Bundle.BundleType.TRANSACTION, count);
    }

    public Bundle bundle(Bundle.BundleType type, int count) {
        Bundle bundle = new Bundle();
        bundle.setType(type);
        while (bundle.getEntry().size() < count) {
            Patient patient = patient();
            String fullUrl = "urn:uuid:" + UUID.randomUUID();
            add(bundle, patient, fullUrl);
            for (Resource resource : clinicalResources(patient, new Reference(fullUrl))) {
                if (bundle.getEntry().size() < count) {
                    add(bundle, resource, "urn:uuid:" + UUID.randomUUID());
                }
            }
        }
        return bundle;
    }

    private static void add(Bundle bundle, Resource resource, String fullUrl) {
        bundle.addEntry().setFullUrl(fullUrl).setResource(resource).getRequest()
                .setMethod(Bundle.HTTPVerb.POST).setUrl(resource.fhirType());
    }

    private String letters(int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append((char) ('a' + random.nextInt(26)));
        }
        return s.toString();
    }
}
