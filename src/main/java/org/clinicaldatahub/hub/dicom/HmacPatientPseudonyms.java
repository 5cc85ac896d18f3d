package org.clinicaldatahub.hub.dicom;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA-256 over {@code issuer^patientId} with the key {@code hub.dicom.pseudonym-key}, as
 * 64 hex digits. Without a key there is no pseudonym (events then carry no patient reference).
 */
public final class HmacPatientPseudonyms implements PatientPseudonyms {

    private final SecretKeySpec key;

    public HmacPatientPseudonyms(String secret) {
        this.key = secret == null || secret.isEmpty() ? null
                : new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    @Override
    public String pseudonym(String patientId, String issuer) {
        if (key == null || patientId == null || patientId.isBlank()) {
            return null;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            String subject = (issuer == null ? "" : issuer.trim()) + "^" + patientId.trim();
            return HexFormat.of().formatHex(mac.doFinal(subject.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every JDK", e);
        }
    }
}
