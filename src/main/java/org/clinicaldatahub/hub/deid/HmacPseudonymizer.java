package org.clinicaldatahub.hub.deid;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.clinicaldatahub.hub.deid.internal.RecentPseudonyms;

/**
 * HMAC-SHA-256 pseudonyms. Every use has its own namespace in the MAC input (patient, date
 * shift, UID, sample, ...), so a pseudonym of one kind says nothing about another. Patient
 * identifiers are hashed with their canonical issuer, so the same MRN from two hospitals differs
 * while the same MRN spelled "HOSP" in HL7 and "urn:oid:..." in FHIR does not.
 */
public final class HmacPseudonymizer implements Pseudonymizer {

    private static final byte SEPARATOR = 0x1f; // unit separator: cannot occur in HL7, FHIR or DICOM text
    private static final String DATE_SHIFT = "date-shift";
    /** Per thread: a patient's messages carry the same few identifiers again and again. */
    private static final int RECENT_RESULTS = 1024;

    private final SecretKeySpec key;
    private final PseudonymFormat format;
    private final PatientIdIssuers issuers;
    private final int dateShiftDays;

    public HmacPseudonymizer(byte[] key, PseudonymFormat format, PatientIdIssuers issuers, int dateShiftDays) {
        if (key == null || key.length < 16) {
            throw new IllegalArgumentException("the pseudonym key must have at least 16 bytes (32 recommended)");
        }
        if (dateShiftDays < 1 || dateShiftDays > 3650) {
            throw new IllegalArgumentException("hub.deid.date-shift-days must be between 1 and 3650, was " + dateShiftDays);
        }
        this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
        this.format = format;
        this.issuers = issuers;
        this.dateShiftDays = dateShiftDays;
    }

    @Override
    public String patient(String identifier, String issuer) {
        if (isBlank(identifier)) {
            return null;
        }
        RecentPseudonyms recent = recentResults.get();
        Object known = recent.get("patient", issuer, identifier);
        if (known != null) {
            return (String) known;
        }
        String pseudonym = format.format(mac("patient", patientSubject(identifier, issuer)));
        recent.put("patient", issuer, identifier, pseudonym);
        return pseudonym;
    }

    @Override
    public String pseudonym(String namespace, String value) {
        if (isBlank(namespace) || "patient".equals(namespace) || "date-shift".equals(namespace) || "uid".equals(namespace)) {
            throw new IllegalArgumentException("namespace must be a name of its own, not blank, patient, date-shift or uid");
        }
        if (isBlank(value)) {
            return null;
        }
        RecentPseudonyms recent = recentResults.get();
        Object known = recent.get(namespace, null, value);
        if (known != null) {
            return (String) known;
        }
        String pseudonym = format.format(mac(namespace, value.trim()));
        recent.put(namespace, null, value, pseudonym);
        return pseudonym;
    }

    @Override
    public int dateShiftDays(String identifier, String issuer) {
        if (isBlank(identifier)) {
            return 0;
        }
        RecentPseudonyms recent = recentResults.get();
        Object known = recent.get(DATE_SHIFT, issuer, identifier);
        if (known != null) {
            return (Integer) known;
        }
        byte[] hash = mac(DATE_SHIFT, patientSubject(identifier, issuer));
        long span = 2L * dateShiftDays;
        long pick = new BigInteger(1, Arrays.copyOf(hash, 16)).mod(BigInteger.valueOf(span)).longValue();
        // 0..span-1 onto -N..-1 and 1..N: a shift of 0 would leave the real dates
        int days = (int) (pick < dateShiftDays ? pick - dateShiftDays : pick - dateShiftDays + 1);
        recent.put(DATE_SHIFT, issuer, identifier, days);
        return days;
    }

    @Override
    public String uid(String originalUid) {
        if (isBlank(originalUid)) {
            return originalUid;
        }
        byte[] hash = mac("uid", originalUid.trim());
        return "2.25." + new BigInteger(1, Arrays.copyOf(hash, 16));
    }

    private String patientSubject(String identifier, String issuer) {
        return issuers.canonical(issuer) + "^" + identifier.trim();
    }

    /** One initialized Mac per thread: getInstance + init cost more than the HMAC of a short identifier. */
    private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);
    /**
     * Results already computed on this thread with this key, by the arguments as given (the issuer as
     * the sender spells it: its canonical form is a function of it). "patient" and "date-shift" are
     * namespaces {@link #pseudonym} refuses, so the kinds cannot collide.
     */
    private final ThreadLocal<RecentPseudonyms> recentResults = ThreadLocal.withInitial(
            () -> new RecentPseudonyms(RECENT_RESULTS));

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every JDK", e);
        }
    }

    private byte[] mac(String namespace, String value) {
        Mac mac = macs.get();
        mac.reset();
        mac.update(namespace.getBytes(StandardCharsets.UTF_8));
        mac.update(SEPARATOR);
        return mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
