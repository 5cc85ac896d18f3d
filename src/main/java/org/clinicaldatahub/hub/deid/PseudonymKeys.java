package org.clinicaldatahub.hub.deid;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the pseudonym key: given as text, in a PKCS12 keystore, or (embedded default only) a
 * development key generated on first start. Whoever holds the key can recompute every pseudonym
 * from a list of MRNs, so the development key is announced loudly and production refuses to
 * start without a real one.
 */
public final class PseudonymKeys {

    private static final Logger LOG = LoggerFactory.getLogger(PseudonymKeys.class);
    static final String DEVELOPMENT_KEY_FILE = "pseudonym.key";

    private PseudonymKeys() {
    }

    /** The key bytes from the settings. */
    public static byte[] load(DeidProperties properties) {
        String text = properties.getPseudonymKey();
        if (text != null && !text.isBlank()) {
            return fromText(text.trim());
        }
        DeidProperties.Keystore keystore = properties.getKeystore();
        if (keystore.getPath() != null && !keystore.getPath().toString().isEmpty()) {
            return fromKeystore(keystore);
        }
        if (!properties.isGenerateDevelopmentKey()) {
            throw new IllegalStateException("no pseudonym key: set hub.deid.pseudonym-key (HUB_PSEUDONYM_KEY) or "
                    + "hub.deid.keystore.path; see the README, De-identification");
        }
        return developmentKey(properties.getDataDir().resolve("deid"));
    }

    static byte[] fromText(String text) {
        byte[] key = text.startsWith("base64:")
                ? Base64.getDecoder().decode(text.substring("base64:".length()))
                : text.getBytes(StandardCharsets.UTF_8);
        if (key.length < 16) {
            throw new IllegalStateException("hub.deid.pseudonym-key is too short: at least 16 bytes (32 recommended)");
        }
        return key;
    }

    private static byte[] fromKeystore(DeidProperties.Keystore settings) {
        char[] password = settings.getPassword() == null ? new char[0] : settings.getPassword().toCharArray();
        try (InputStream in = Files.newInputStream(settings.getPath())) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            if (!(store.getKey(settings.getAlias(), password) instanceof SecretKey key) || key.getEncoded() == null) {
                throw new IllegalStateException("keystore " + settings.getPath() + " has no secret key '"
                        + settings.getAlias() + "' (keytool -genseckey -keyalg HmacSHA256 -keysize 256 -storetype PKCS12)");
            }
            return key.getEncoded();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the pseudonym keystore " + settings.getPath() + ": "
                    + e.getClass().getSimpleName(), e);
        }
    }

    private static byte[] developmentKey(Path dir) {
        Path file = dir.resolve(DEVELOPMENT_KEY_FILE);
        try {
            if (Files.exists(file)) {
                LOG.warn("DEVELOPMENT PSEUDONYM KEY in use ({}): pseudonyms made with it are not safe to share. "
                        + "Set hub.deid.pseudonym-key or hub.deid.keystore.path for real data.", file);
                return Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).trim());
            }
            Files.createDirectories(dir);
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            Files.writeString(file, Base64.getEncoder().encodeToString(key) + "\n", StandardCharsets.US_ASCII,
                    StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // Windows: the directory's ACL is all there is
            }
            LOG.warn("GENERATED A DEVELOPMENT PSEUDONYM KEY at {}: fine for the embedded default, never for "
                    + "real data. Set hub.deid.pseudonym-key or hub.deid.keystore.path.", file);
            return key;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read or create the development pseudonym key in " + dir, e);
        }
    }
}
