package org.clinicaldatahub.hub.genomics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;

import org.clinicaldatahub.hub.deid.Pseudonymizer;

/**
 * The pseudonyms of one run's samples, kept so every copy of the run says the same thing: a
 * sample named in the sample sheet, a VCF column and a BAM read group gets one pseudonym. A value
 * carrying a patient identifier (the policy's pattern) becomes the patient's keyed pseudonym, the
 * one the HL7, FHIR and DICOM channels give that patient; any other sample id or name becomes its
 * keyed pseudonym in the {@code sample} namespace. Also scrubs free text (VCF and BAM header lines)
 * of every original value it has seen and of patient identifiers. Holds PHI: never logged.
 */
public final class SamplePseudonyms {

    private final Pseudonymizer pseudonymizer;
    private final GenomicsDeidPolicy policy;
    private final Map<String, String> byOriginal = new LinkedHashMap<>();
    private final Set<String> samplePseudonyms = new LinkedHashSet<>();

    public SamplePseudonyms(Pseudonymizer pseudonymizer, GenomicsDeidPolicy policy) {
        this.pseudonymizer = pseudonymizer;
        this.policy = policy;
    }

    /** The pseudonym of a sample id or name. */
    public String sample(String value) {
        return replace(value, GenomicsDeidPolicy.Action.SAMPLE);
    }

    /** Applies a policy action to a value. */
    public String replace(String value, GenomicsDeidPolicy.Action action) {
        if (value == null || value.isBlank()) {
            return value;
        }
        String original = value.trim();
        String pseudonym = switch (action) {
            case KEEP -> value;
            case REMOVE -> "";
            case PATIENT -> patient(original);
            case SAMPLE -> {
                String patient = patientIdentifierIn(original);
                yield patient != null ? patient(patient) : pseudonymizer.pseudonym("sample", original);
            }
        };
        if (action == GenomicsDeidPolicy.Action.SAMPLE || action == GenomicsDeidPolicy.Action.PATIENT) {
            byOriginal.put(original, pseudonym);
            samplePseudonyms.add(pseudonym);
        }
        return pseudonym;
    }

    private String patient(String identifier) {
        return pseudonymizer.patient(identifier, policy.patientIdIssuer());
    }

    private String patientIdentifierIn(String value) {
        if (policy.patientIdentifierPattern() == null) {
            return null;
        }
        Matcher matcher = policy.patientIdentifierPattern().matcher(value);
        return matcher.find() ? matcher.group("mrn") : null;
    }

    /**
     * Free text with every sample value seen so far replaced by its pseudonym (longest first, so
     * a name that contains another is replaced whole) and any patient identifier by the patient's.
     */
    public String scrub(String text) {
        List<Map.Entry<String, String>> entries = new ArrayList<>(byOriginal.entrySet());
        entries.sort(Comparator.comparingInt((Map.Entry<String, String> e) -> e.getKey().length()).reversed());
        String result = text;
        for (Map.Entry<String, String> entry : entries) {
            if (entry.getKey().length() >= 3) {
                result = result.replace(entry.getKey(), entry.getValue());
            }
        }
        if (policy.patientIdentifierPattern() != null) {
            Matcher matcher = policy.patientIdentifierPattern().matcher(result);
            StringBuilder scrubbed = new StringBuilder();
            while (matcher.find()) {
                matcher.appendReplacement(scrubbed, Matcher.quoteReplacement(patient(matcher.group("mrn"))));
            }
            matcher.appendTail(scrubbed);
            result = scrubbed.toString();
        }
        return result;
    }

    /** Every pseudonym handed out for this run, in order of first use (for the run event). */
    public List<String> pseudonyms() {
        return List.copyOf(samplePseudonyms);
    }

    public GenomicsDeidPolicy policy() {
        return policy;
    }
}
