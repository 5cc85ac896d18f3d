package org.clinicaldatahub.hub.audit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.EdECKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import org.clinicaldatahub.hub.audit.internal.Hex;
import org.clinicaldatahub.hub.audit.internal.SelfSignedCertificate;
import org.clinicaldatahub.hub.audit.internal.Sha256;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ed25519 key pair (RFC 8032, pure EdDSA) that signs audit checkpoints, and its public half
 * for verifiers. Production loads the private key from a keystore (PKCS12 by default) given by
 * configuration; the embedded default generates a development key pair once, stores it as a
 * PKCS12 keystore under the data directory (with a self-signed certificate, which PKCS12 requires
 * for a key entry) and reuses it on restart, warning loudly each time. The key id is the first 16
 * hex digits of SHA-256 over the public key's SubjectPublicKeyInfo, so checkpoints name the key
 * that signed them and keys can be rotated.
 */
public final class AuditSigningKeys {

    /** File name of the development keystore inside the audit directory. */
    public static final String DEV_KEYSTORE = "dev-signing-key.p12";
    /** File name of the development keystore's password inside the audit directory. */
    public static final String DEV_PASSWORD = "dev-signing-key.password";
    /** Default file name of the exported public key inside the audit directory. */
    public static final String PUBLIC_KEY_PEM = "audit-public-key.pem";

    private static final Logger LOG = LoggerFactory.getLogger(AuditSigningKeys.class);
    private static final String DEV_ALIAS = "audit-dev";

    private final PrivateKey privateKey;
    private final PublicKey publicKey;
    private final String keyId;
    private final boolean developmentKey;
    private final boolean generated;

    private AuditSigningKeys(PrivateKey privateKey, PublicKey publicKey, boolean developmentKey, boolean generated) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
        this.keyId = keyIdOf(publicKey);
        this.developmentKey = developmentKey;
        this.generated = generated;
    }

    /**
     * Loads the signing key from a keystore.
     *
     * @throws IllegalStateException if the entry is missing, not Ed25519, or does not match its certificate
     */
    public static AuditSigningKeys fromKeystore(Path path, char[] password, String alias, String type) {
        try (InputStream in = Files.newInputStream(path)) {
            KeyStore store = KeyStore.getInstance(type == null || type.isBlank() ? "PKCS12" : type);
            store.load(in, password);
            Key key = store.getKey(alias, password);
            Certificate certificate = store.getCertificate(alias);
            if (!(key instanceof PrivateKey) || certificate == null) {
                throw new IllegalStateException("keystore " + path + " has no private key entry '" + alias + "'");
            }
            AuditSigningKeys keys = new AuditSigningKeys((PrivateKey) key, certificate.getPublicKey(), false, false);
            keys.checkPair();
            return keys;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot load audit signing key '" + alias + "' from " + path + ": " + e, e);
        }
    }

    /**
     * The development key of this data directory: generated on first use, reused afterwards.
     * Logs a WARN every time, because a key that sits beside the log it signs proves nothing to
     * an auditor about who wrote the log.
     */
    public static AuditSigningKeys developmentKey(Path auditDir) {
        Path keystore = auditDir.resolve(DEV_KEYSTORE);
        Path passwordFile = auditDir.resolve(DEV_PASSWORD);
        try {
            if (Files.exists(keystore)) {
                char[] password = Files.readString(passwordFile, StandardCharsets.US_ASCII).trim().toCharArray();
                AuditSigningKeys loaded = fromKeystore(keystore, password, DEV_ALIAS, "PKCS12");
                AuditSigningKeys keys = new AuditSigningKeys(loaded.privateKey, loaded.publicKey, true, false);
                LOG.warn("AUDIT SIGNING USES A DEVELOPMENT KEY ({}, key id {}). Not for production: configure "
                        + "hub.audit.keystore-path and set hub.audit.allow-development-key=false.", keystore, keys.keyId);
                return keys;
            }
            Files.createDirectories(auditDir);
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            X509Certificate certificate = SelfSignedCertificate.create(pair,
                    "clinical-data-hub audit development key", Instant.now());
            byte[] secret = new byte[24];
            new SecureRandom().nextBytes(secret);
            char[] password = Base64.getUrlEncoder().withoutPadding().encodeToString(secret).toCharArray();
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(DEV_ALIAS, pair.getPrivate(), password, new Certificate[] {certificate});
            writeOwnerOnly(passwordFile, new String(password).getBytes(StandardCharsets.US_ASCII));
            Path tmp = keystore.resolveSibling(DEV_KEYSTORE + ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                store.store(out, password);
            }
            Files.move(tmp, keystore, StandardCopyOption.ATOMIC_MOVE);
            AuditSigningKeys keys = new AuditSigningKeys(pair.getPrivate(), pair.getPublic(), true, true);
            LOG.warn("GENERATED A DEVELOPMENT AUDIT SIGNING KEY at {} (key id {}). Audit checkpoints signed with it "
                    + "are not evidence: in production configure hub.audit.keystore-path and set "
                    + "hub.audit.allow-development-key=false.", keystore, keys.keyId);
            return keys;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot create or load the development audit key in " + auditDir + ": " + e, e);
        }
    }

    /** A fresh key pair that lives only in memory (tests, benchmarks). */
    public static AuditSigningKeys ephemeral() {
        try {
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            return new AuditSigningKeys(pair.getPrivate(), pair.getPublic(), true, true);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is mandatory since Java 15", e);
        }
    }

    /** Signs with Ed25519. Thread-safe: a new {@link Signature} per call. */
    public byte[] sign(byte[] data) {
        try {
            Signature signature = Signature.getInstance("Ed25519");
            signature.initSign(privateKey);
            signature.update(data);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    /** Verifies an Ed25519 signature made by {@code key}; false for any malformed input. */
    public static boolean verify(PublicKey key, byte[] data, byte[] signature) {
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            verifier.update(data);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    public String keyId() {
        return keyId;
    }

    /** True for a generated key kept beside the log (embedded default), false for a configured keystore. */
    public boolean isDevelopmentKey() {
        return developmentKey;
    }

    /** True when this process generated the key (first start), so the trail can record it. */
    public boolean wasGenerated() {
        return generated;
    }

    /** Writes the public key as a PEM {@code PUBLIC KEY} (RFC 7468 section 13) for the verifier. */
    public Path exportPublicKey(Path pemFile) throws IOException {
        Path parent = pemFile.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Path tmp = pemFile.resolveSibling(pemFile.getFileName() + ".tmp");
        Files.writeString(tmp, toPem(publicKey), StandardCharsets.US_ASCII);
        Files.move(tmp, pemFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return pemFile;
    }

    public static String toPem(PublicKey key) {
        String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded());
        return "-----BEGIN PUBLIC KEY-----\n" + base64 + "\n-----END PUBLIC KEY-----\n";
    }

    /** Reads a PEM {@code PUBLIC KEY} or {@code CERTIFICATE} holding an Ed25519 key. */
    public static PublicKey readPublicKey(Path pemFile) throws IOException {
        String pem = Files.readString(pemFile, StandardCharsets.US_ASCII);
        try {
            if (pem.contains("BEGIN CERTIFICATE")) {
                try (InputStream in = Files.newInputStream(pemFile)) {
                    return requireEd25519(CertificateFactory.getInstance("X.509").generateCertificate(in).getPublicKey());
                }
            }
            int begin = pem.indexOf("-----BEGIN PUBLIC KEY-----");
            int end = pem.indexOf("-----END PUBLIC KEY-----");
            if (begin < 0 || end < begin) {
                throw new IOException(pemFile + " is not a PEM public key or certificate");
            }
            String body = pem.substring(begin + "-----BEGIN PUBLIC KEY-----".length(), end).replaceAll("\\s", "");
            return requireEd25519(KeyFactory.getInstance("Ed25519")
                    .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(body))));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException(pemFile + " does not hold an Ed25519 public key: " + e.getMessage(), e);
        }
    }

    /** First 16 hex digits of SHA-256 over the SubjectPublicKeyInfo encoding. */
    public static String keyIdOf(PublicKey key) {
        return Hex.encode(Sha256.hash(key.getEncoded()), 0, 8);
    }

    private static PublicKey requireEd25519(PublicKey key) throws GeneralSecurityException {
        if (!(key instanceof EdECKey edec)
                || !NamedParameterSpec.ED25519.getName().equalsIgnoreCase(edec.getParams().getName())) {
            throw new GeneralSecurityException("key is not Ed25519");
        }
        return key;
    }

    private void checkPair() throws GeneralSecurityException {
        requireEd25519(publicKey);
        if (!(privateKey instanceof EdECKey)) {
            throw new GeneralSecurityException("private key is not Ed25519");
        }
        byte[] probe = "clinical-data-hub audit key check".getBytes(StandardCharsets.US_ASCII);
        if (!verify(publicKey, probe, sign(probe))) {
            throw new GeneralSecurityException("private key does not match the certificate's public key");
        }
    }

    /** Creates the file readable by its owner only from the start (no window with umask permissions). */
    private static void writeOwnerOnly(Path file, byte[] content) throws IOException {
        Files.deleteIfExists(file);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        Files.write(file, content);
    }

    @Override
    public String toString() {
        return "AuditSigningKeys[keyId=" + keyId + (developmentKey ? ", development" : "") + "]";
    }
}
