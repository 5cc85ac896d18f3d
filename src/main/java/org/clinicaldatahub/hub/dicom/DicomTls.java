package org.clinicaldatahub.hub.dicom;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS listener's socket factory (DICOM TLS secure transport connection profile, PS3.15 B.1)
 * from the JDK: the hub's key and certificate from {@code hub.dicom.tls.keystore-*}, and with a
 * truststore, client certificates required and checked against it.
 */
final class DicomTls {

    private DicomTls() {
    }

    static SSLServerSocketFactory serverSocketFactory(DicomProperties.Tls tls) throws IOException {
        try {
            KeyStore keys = load(tls.getKeystorePath(), tls.getKeystorePassword(), tls.getKeystoreType());
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keys, password(tls.getKeystorePassword()));
            TrustManagerFactory trustManagers = null;
            if (tls.getTruststorePath() != null) {
                trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trustManagers.init(load(tls.getTruststorePath(), tls.getTruststorePassword(), tls.getKeystoreType()));
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), trustManagers == null ? null : trustManagers.getTrustManagers(),
                    null);
            return context.getServerSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IOException("DICOM TLS keystore unusable: " + e.getClass().getSimpleName(), e);
        }
    }

    private static KeyStore load(java.nio.file.Path path, String password, String type)
            throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(type);
        try (InputStream in = Files.newInputStream(path)) {
            store.load(in, password(password));
        }
        return store;
    }

    private static char[] password(String password) {
        return password == null ? new char[0] : password.toCharArray();
    }
}
