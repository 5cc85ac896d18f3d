package org.clinicaldatahub.hub.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SMART Backend Services client assertion, checked as an authorization server would. */
class SmartBackendAuthTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void rsaKeySignsRs384AssertionWithTheRequiredClaims() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        String jwt = assertion(pair);
        String[] parts = jwt.split("\\.");
        JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
        JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        assertThat(header.path("alg").asText()).isEqualTo("RS384");
        assertThat(header.path("kid").asText()).isEqualTo("k1");
        assertThat(claims.path("iss").asText()).isEqualTo("client-1");
        assertThat(claims.path("sub").asText()).isEqualTo("client-1");
        assertThat(claims.path("aud").asText()).isEqualTo("https://ehr.example/token");
        assertThat(claims.path("exp").asLong()).isBetween(Instant.now().getEpochSecond(), Instant.now().getEpochSecond() + 300);
        assertThat(claims.path("jti").asText()).isNotBlank();
        Signature verify = Signature.getInstance("SHA384withRSA");
        verify.initVerify(pair.getPublic());
        verify.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(verify.verify(Base64.getUrlDecoder().decode(parts[2]))).isTrue();
    }

    @Test
    void ecKeySignsEs384() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp384r1"));
        KeyPair pair = generator.generateKeyPair();
        String[] parts = assertion(pair).split("\\.");
        assertThat(JSON.readTree(Base64.getUrlDecoder().decode(parts[0])).path("alg").asText()).isEqualTo("ES384");
        Signature verify = Signature.getInstance("SHA384withECDSAinP1363Format");
        verify.initVerify(pair.getPublic());
        verify.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(verify.verify(Base64.getUrlDecoder().decode(parts[2]))).isTrue();
    }

    private String assertion(KeyPair pair) throws Exception {
        Path key = dir.resolve("key.pem");
        Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(pair.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        FhirProperties.Auth auth = new FhirProperties.Auth();
        auth.setClientId("client-1");
        auth.setTokenUrl("https://ehr.example/token");
        auth.setKeyId("k1");
        auth.setPrivateKeyPath(key.toString());
        return new SmartBackendAuth(auth, Duration.ofSeconds(5)).signedAssertion();
    }
}
