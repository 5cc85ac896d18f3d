package org.clinicaldatahub.hub.deid.dicom;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.clinicaldatahub.hub.deid.Pseudonymizer;

/** A keyed stand-in for the hub-wide pseudonymizer in unit tests (same contract, test key). */
final class TestPseudonymizer implements Pseudonymizer {

    private final SecretKeySpec key = new SecretKeySpec("unit-test-key".getBytes(StandardCharsets.UTF_8), "HmacSHA256");

    private byte[] mac(String... parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(String.join("\u0000", parts).getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String patient(String identifier, String issuer) {
        if (identifier == null || identifier.isBlank()) {
            return null;
        }
        return "P" + Base64.getUrlEncoder().withoutPadding().encodeToString(mac("patient", identifier.trim(),
                issuer == null ? "" : issuer.trim())).substring(0, 16).toUpperCase().replace('-', 'X').replace('_', 'Y');
    }

    @Override
    public String pseudonym(String namespace, String value) {
        return value == null || value.isBlank() ? null : namespace + "-" + new BigInteger(1, mac(namespace, value)).toString(36);
    }

    @Override
    public int dateShiftDays(String identifier, String issuer) {
        int raw = Math.floorMod(new BigInteger(1, mac("shift", identifier, issuer == null ? "" : issuer)).intValue(), 730);
        return raw < 365 ? -(raw + 1) : raw - 364;
    }

    @Override
    public String uid(String originalUid) {
        return "2.25." + new BigInteger(1, Arrays.copyOf(mac("uid", originalUid), 16));
    }
}
