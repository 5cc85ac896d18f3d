package org.clinicaldatahub.hub.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.camel.support.jsse.ClientAuthentication;
import org.apache.camel.support.jsse.KeyManagersParameters;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.SSLContextServerParameters;
import org.apache.camel.support.jsse.SecureSocketProtocolsParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;

/**
 * TLS for one of the hub's listeners (MLLP, DICOM): the server's key from a keystore, and the
 * client certificates it trusts when client authentication is asked for. Secrets come from
 * configuration (environment, keystore files outside the repository), never from defaults.
 */
public class TlsSettings {

    /** Whether the listener speaks TLS. */
    private boolean enabled = false;
    /** Keystore (PKCS12 or JKS) holding the listener's private key and certificate chain. */
    private String keystorePath;
    private String keystorePassword;
    private String keystoreType = "PKCS12";
    /** Truststore with the CA certificates of accepted clients (needed for client-auth WANT/REQUIRE). */
    private String truststorePath;
    private String truststorePassword;
    private String truststoreType = "PKCS12";
    /** NONE, WANT or REQUIRE (mutual TLS). */
    private ClientAuthentication clientAuth = ClientAuthentication.NONE;
    /** Protocols offered; TLS 1.2 and 1.3 only, as current guidance for health data asks. */
    private List<String> protocols = List.of("TLSv1.3", "TLSv1.2");

    /**
     * Camel's SSL parameters for this listener; refuses to build a half-configured TLS listener,
     * since a silent fall-back to plain text would send PHI in the clear.
     */
    public SSLContextParameters toCamelParameters(String listener) {
        SSLContextParameters parameters = new SSLContextParameters();
        if (!enabled) {
            return parameters;
        }
        requireFile(listener, "keystore-path", keystorePath);
        if (keystorePassword == null) {
            throw new IllegalStateException(listener + " TLS is enabled but keystore-password is not set");
        }
        KeyStoreParameters keyStore = new KeyStoreParameters();
        keyStore.setResource("file:" + keystorePath);
        keyStore.setPassword(keystorePassword);
        keyStore.setType(keystoreType);
        KeyManagersParameters keyManagers = new KeyManagersParameters();
        keyManagers.setKeyStore(keyStore);
        keyManagers.setKeyPassword(keystorePassword);
        parameters.setKeyManagers(keyManagers);

        if (clientAuth != ClientAuthentication.NONE) {
            requireFile(listener, "truststore-path", truststorePath);
            KeyStoreParameters trustStore = new KeyStoreParameters();
            trustStore.setResource("file:" + truststorePath);
            trustStore.setPassword(truststorePassword);
            trustStore.setType(truststoreType);
            TrustManagersParameters trustManagers = new TrustManagersParameters();
            trustManagers.setKeyStore(trustStore);
            parameters.setTrustManagers(trustManagers);
        }
        SSLContextServerParameters server = new SSLContextServerParameters();
        server.setClientAuthentication(clientAuth.name());
        parameters.setServerParameters(server);
        SecureSocketProtocolsParameters offered = new SecureSocketProtocolsParameters();
        offered.setSecureSocketProtocol(protocols);
        parameters.setSecureSocketProtocols(offered);
        return parameters;
    }

    private static void requireFile(String listener, String property, String path) {
        if (path == null || path.isBlank()) {
            throw new IllegalStateException(listener + " TLS is enabled but " + property + " is not set");
        }
        if (!Files.isReadable(Path.of(path))) {
            throw new IllegalStateException(listener + " TLS: " + property + " " + path + " is not readable");
        }
    }

    public boolean isEnabled() { return enabled; }
    public void setEnabled(boolean enabled) { this.enabled = enabled; }
    public String getKeystorePath() { return keystorePath; }
    public void setKeystorePath(String keystorePath) { this.keystorePath = keystorePath; }
    public String getKeystorePassword() { return keystorePassword; }
    public void setKeystorePassword(String keystorePassword) { this.keystorePassword = keystorePassword; }
    public String getKeystoreType() { return keystoreType; }
    public void setKeystoreType(String keystoreType) { this.keystoreType = keystoreType; }
    public String getTruststorePath() { return truststorePath; }
    public void setTruststorePath(String truststorePath) { this.truststorePath = truststorePath; }
    public String getTruststorePassword() { return truststorePassword; }
    public void setTruststorePassword(String truststorePassword) { this.truststorePassword = truststorePassword; }
    public String getTruststoreType() { return truststoreType; }
    public void setTruststoreType(String truststoreType) { this.truststoreType = truststoreType; }
    public ClientAuthentication getClientAuth() { return clientAuth; }
    public void setClientAuth(ClientAuthentication clientAuth) { this.clientAuth = clientAuth; }
    public List<String> getProtocols() { return protocols; }
    public void setProtocols(List<String> protocols) { this.protocols = protocols; }
}
