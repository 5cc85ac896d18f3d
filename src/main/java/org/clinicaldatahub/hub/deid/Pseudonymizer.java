package org.clinicaldatahub.hub.deid;

/**
 * Keyed pseudonyms for the whole hub (DESIGN.md, De-identification): one patient identifier
 * yields the same pseudonym in HL7 v2, FHIR, DICOM and genomics, and nobody without the key can
 * compute it from the identifier or invert it. The Spring bean is named {@code pseudonymizer}.
 *
 * <p>Inputs are PHI: implementations never log them nor put them into exception messages.
 */
public interface Pseudonymizer {

    /**
     * The keyed pseudonym of a patient identifier (an MRN with its assigning authority, a DICOM
     * Patient ID with its issuer), in the configured format.
     *
     * @param identifier the identifier value; blank gives null
     * @param issuer     the assigning authority, issuer or FHIR identifier system as the sender
     *                   spells it (aliases in mappings/deid/patient-id-issuers.yaml); may be null
     * @return the pseudonym, or null for a blank identifier
     */
    String patient(String identifier, String issuer);

    /**
     * The keyed pseudonym of another identifier, e.g. {@code ("sample", id)}, {@code ("accession", id)}
     * or {@code ("encounter", id)}. Different namespaces never give the same pseudonym for one value.
     *
     * @return the pseudonym, or null for a blank value
     */
    String pseudonym(String namespace, String value);

    /**
     * The patient's date shift in days: derived from the keyed hash, so every record of one
     * patient moves by the same amount; within plus or minus {@code hub.deid.date-shift-days},
     * never 0.
     */
    int dateShiftDays(String identifier, String issuer);

    /**
     * A replacement UID, {@code 2.25.} and the decimal of 128 bits of the keyed hash of the
     * original: the same original always gives the same UID, so references between instances,
     * series and studies still resolve.
     */
    String uid(String originalUid);
}
