package org.clinicaldatahub.hub.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import org.clinicaldatahub.hub.audit.internal.SelfSignedCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditSigningKeysTest {

    @TempDir
    Path dir;

    @Test
    void developmentKeyIsGeneratedOnceAndReused() {
        AuditSigningKeys first = AuditSigningKeys.developmentKey(dir);
        AuditSigningKeys second = AuditSigningKeys.developmentKey(dir);

        assertThat(first.wasGenerated()).isTrue();
        assertThat(second.wasGenerated()).isFalse();
        assertThat(second.isDevelopmentKey()).isTrue();
        assertThat(second.keyId()).isEqualTo(first.keyId()).matches("[0-9a-f]{16}");
        assertThat(dir.resolve(AuditSigningKeys.DEV_KEYSTORE)).exists();
        byte[] data = "checkpoint".getBytes(StandardCharsets.US_ASCII);
        assertThat(AuditSigningKeys.verify(first.publicKey(), data, second.sign(data))).isTrue();
    }

    @Test
    void keystoreEntryIsLoadedAndItsPublicKeyExportedAsPem() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        X509Certificate certificate = SelfSignedCertificate.create(pair, "audit test", Instant.now());
        certificate.verify(pair.getPublic());
        assertThat(certificate.getSigAlgName()).isEqualToIgnoringCase("Ed25519");
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("audit", pair.getPrivate(), "secret".toCharArray(), new Certificate[] {certificate});
        Path keystore = dir.resolve("audit.p12");
        try (OutputStream out = Files.newOutputStream(keystore)) {
            store.store(out, "secret".toCharArray());
        }

        AuditSigningKeys keys = AuditSigningKeys.fromKeystore(keystore, "secret".toCharArray(), "audit", "PKCS12");
        Path pem = keys.exportPublicKey(dir.resolve("audit-public-key.pem"));

        assertThat(keys.isDevelopmentKey()).isFalse();
        assertThat(Files.readString(pem)).startsWith("-----BEGIN PUBLIC KEY-----\n");
        assertThat(AuditSigningKeys.readPublicKey(pem)).isEqualTo(pair.getPublic());
        assertThat(AuditSigningKeys.keyIdOf(pair.getPublic())).isEqualTo(keys.keyId());
        assertThatThrownBy(() -> AuditSigningKeys.fromKeystore(keystore, "secret".toCharArray(), "other", "PKCS12"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no private key entry 'other'");
    }

    @Test
    void aPemThatIsNotEd25519IsRefused() throws Exception {
        KeyPair rsa = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        Path pem = dir.resolve("rsa.pem");
        Files.writeString(pem, AuditSigningKeys.toPem(rsa.getPublic()));

        assertThatThrownBy(() -> AuditSigningKeys.readPublicKey(pem)).hasMessageContaining("Ed25519");
    }
}
