package org.clinicaldatahub.hub.audit.internal;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * A minimal X.509 v3 certificate (RFC 5280 section 4.1) for an Ed25519 key, signed by itself
 * with id-Ed25519 as in RFC 8410 section 6: TBSCertificate with version, serial, algorithm,
 * issuer = subject = one CN, validity from now to 9999-12-31, the key's SubjectPublicKeyInfo and
 * no extensions. It only carries the development key into a PKCS12 keystore; nobody is meant to
 * trust it as a certificate.
 */
public final class SelfSignedCertificate {

    private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private SelfSignedCertificate() {
    }

    public static X509Certificate create(KeyPair keyPair, String commonName, Instant notBefore)
            throws GeneralSecurityException {
        byte[] algorithm = Der.sequence(Der.OID_ED25519);
        byte[] name = Der.sequence(Der.set(Der.sequence(Der.OID_COMMON_NAME, Der.utf8String(commonName))));
        byte[] validity = Der.sequence(Der.utcTime(UTC_TIME.format(notBefore)), Der.generalizedTime("99991231235959Z"));
        byte[] serial = new byte[16];
        new SecureRandom().nextBytes(serial);
        byte[] tbs = Der.sequence(
                Der.explicit(0, Der.integer(BigInteger.valueOf(2))),
                Der.integer(new BigInteger(1, serial)),
                algorithm,
                name,
                validity,
                name,
                keyPair.getPublic().getEncoded());
        Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(keyPair.getPrivate());
        signer.update(tbs);
        byte[] certificate = Der.sequence(tbs, algorithm, Der.bitString(signer.sign()));
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(certificate));
    }
}
