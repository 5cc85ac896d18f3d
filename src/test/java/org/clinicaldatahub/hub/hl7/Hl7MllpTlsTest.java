package org.clinicaldatahub.hub.hl7;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.clinicaldatahub.hub.hl7.support.Ack;
import org.clinicaldatahub.hub.hl7.support.MllpClient;
import org.clinicaldatahub.hub.hl7.support.SyntheticHl7;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * TLS on the MLLP listener and on HTTP, switched on by configuration only: a sender that trusts
 * the hub's certificate gets AA over TLS, a plain-text sender on the TLS port gets nothing
 * accepted, and Hawtio/actuator are served over HTTPS.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability
@ActiveProfiles("test")
@Tag("own-hub-context") // TLS on changes the listener: a JVM of its own (pom: own-hub-context)
class Hl7MllpTlsTest {

    private static final String PASSWORD = "tls-test-password";
    private static final Path KEYSTORE = Path.of("target/test-data/tls/mllp-test.p12");

    @DynamicPropertySource
    static void tlsListener(DynamicPropertyRegistry registry) throws Exception {
        createSelfSignedKeystore();
        registry.add("hub.hl7.tls.enabled", () -> "true");
        registry.add("hub.hl7.tls.keystore-path", KEYSTORE::toString);
        registry.add("hub.hl7.tls.keystore-password", () -> PASSWORD);
        registry.add("server.ssl.enabled", () -> "true");
        registry.add("server.ssl.key-store", () -> "file:" + KEYSTORE);
        registry.add("server.ssl.key-store-password", () -> PASSWORD);
        registry.add("server.ssl.key-store-type", () -> "PKCS12");
        // a trail of its own: not appended to the shared test context's chain from another JVM
        registry.add("hub.audit.data-dir", () -> "target/test-data/tls");
        registry.add("hub.audit.node-id", () -> "tls");
    }

    @org.springframework.beans.factory.annotation.Value("${hub.hl7.mllp-port}")
    int mllpPort;

    @LocalServerPort
    int httpPort;

    @Test
    void aSenderThatTrustsTheHubGetsAaOverTls() throws Exception {
        SyntheticHl7.Message message = new SyntheticHl7(7, 5).next("2.5.1", "ADT^A01");
        SSLSocket socket = (SSLSocket) trustingContext().getSocketFactory().createSocket();
        socket.connect(new InetSocketAddress("127.0.0.1", mllpPort), 5000);
        socket.startHandshake();
        assertThat(socket.getSession().getProtocol()).isIn("TLSv1.3", "TLSv1.2");
        try (MllpClient client = new MllpClient(socket)) {
            Ack ack = MllpClient.parseAck(client.request(message.bytes(), Duration.ofSeconds(20)),
                    StandardCharsets.ISO_8859_1);
            assertThat(ack.code()).isEqualTo("AA");
            assertThat(ack.ackedControlId()).isEqualTo(message.controlId());
        }
    }

    @Test
    void aPlainTextSenderOnTheTlsPortIsNotAccepted() throws Exception {
        SyntheticHl7.Message message = new SyntheticHl7(8, 5).next("2.5.1", "ADT^A01");
        try (MllpClient client = MllpClient.connect("127.0.0.1", mllpPort, Duration.ofSeconds(5))) {
            client.send(message.bytes());
            // The TLS handshake fails on the MLLP start block: the hub closes without an answer.
            assertThatThrownBy(() -> client.readFrame(Duration.ofSeconds(10))).isInstanceOf(IOException.class);
        }
    }

    @Test
    void httpIsServedOverTlsAndStillNeedsALogin() throws Exception {
        HttpClient https = HttpClient.newBuilder().sslContext(trustingContext())
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> anonymous = https.send(HttpRequest.newBuilder(
                URI.create("https://localhost:" + httpPort + "/actuator/hawtio/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        HttpResponse<String> health = https.send(HttpRequest.newBuilder(
                URI.create("https://localhost:" + httpPort + "/actuator/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
    }

    private static SSLContext trustingContext() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(KEYSTORE.toFile())) {
            trust.load(in, PASSWORD.toCharArray());
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    /** The JDK's keytool, as an operator would make a test certificate. */
    private static void createSelfSignedKeystore() throws Exception {
        if (Files.exists(KEYSTORE)) {
            return;
        }
        Files.createDirectories(KEYSTORE.getParent());
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "hub",
                "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "30",
                "-dname", "CN=localhost", "-ext", "san=dns:localhost,ip:127.0.0.1",
                "-keystore", KEYSTORE.toString(), "-storetype", "PKCS12",
                "-storepass", PASSWORD, "-keypass", PASSWORD)
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }
}
