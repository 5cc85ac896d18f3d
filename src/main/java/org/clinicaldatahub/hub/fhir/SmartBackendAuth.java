package org.clinicaldatahub.hub.fhir;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

import ca.uhn.fhir.rest.client.api.IClientInterceptor;
import ca.uhn.fhir.rest.client.api.IHttpRequest;
import ca.uhn.fhir.rest.client.api.IHttpResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * SMART Backend Services authorization (SMART App Launch 2.x, "Backend Services"): the hub
 * authenticates with a JWT it signs with its private key (RS384, or ES384 for an EC key;
 * RFC 7523 client assertion) in an OAuth 2.0 client-credentials request to the EHR's token
 * endpoint, and sends the access token it gets as a bearer token until shortly before it expires.
 * The key is read when the first token is needed; neither key nor token is ever logged.
 */
public class SmartBackendAuth implements IClientInterceptor {

    static final String ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration EARLY_RENEWAL = Duration.ofSeconds(30);

    private final FhirProperties.Auth settings;
    private final HttpClient http;
    private PrivateKey key;
    private String token;
    private Instant tokenExpires = Instant.EPOCH;

    public SmartBackendAuth(FhirProperties.Auth settings, Duration timeout) {
        this.settings = settings;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    @Override
    public void interceptRequest(IHttpRequest request) {
        request.addHeader("Authorization", "Bearer " + accessToken());
    }

    @Override
    public void interceptResponse(IHttpResponse response) {
        if (response.getStatus() == 401) {
            // the EHR revoked or expired the token early: fetch a new one for the next request
            synchronized (this) {
                tokenExpires = Instant.EPOCH;
            }
        }
    }

    /** A valid access token, fetched again shortly before the current one expires. */
    public synchronized String accessToken() {
        if (token == null || Instant.now().isAfter(tokenExpires.minus(EARLY_RENEWAL))) {
            fetchToken();
        }
        return token;
    }

    private void fetchToken() {
        String form = "grant_type=client_credentials"
                + "&scope=" + encode(settings.getScope())
                + "&client_assertion_type=" + encode(ASSERTION_TYPE)
                + "&client_assertion=" + encode(signedAssertion());
        HttpRequest request = HttpRequest.newBuilder(URI.create(settings.getTokenUrl()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("SMART token endpoint answered HTTP " + response.statusCode());
            }
            JsonNode answer = JSON.readTree(response.body());
            String accessToken = answer.path("access_token").asText(null);
            if (accessToken == null || !"bearer".equalsIgnoreCase(answer.path("token_type").asText("bearer"))) {
                throw new IllegalStateException("SMART token endpoint gave no bearer access_token");
            }
            token = accessToken;
            tokenExpires = Instant.now().plusSeconds(answer.path("expires_in").asLong(300));
        } catch (IOException e) {
            throw new IllegalStateException("SMART token endpoint unreachable: " + e.getClass().getSimpleName(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted fetching a SMART access token", e);
        }
    }

    /** The client assertion: iss = sub = client id, aud = token URL, exp within five minutes, unique jti. */
    String signedAssertion() {
        PrivateKey signingKey = key();
        boolean ec = signingKey instanceof ECPrivateKey;
        ObjectNode header = JSON.createObjectNode().put("alg", ec ? "ES384" : "RS384").put("typ", "JWT");
        if (settings.getKeyId() != null && !settings.getKeyId().isBlank()) {
            header.put("kid", settings.getKeyId());
        }
        long now = Instant.now().getEpochSecond();
        ObjectNode claims = JSON.createObjectNode()
                .put("iss", settings.getClientId()).put("sub", settings.getClientId())
                .put("aud", settings.getTokenUrl()).put("exp", now + 300).put("jti", UUID.randomUUID().toString());
        String signingInput = base64Url(header.toString().getBytes(StandardCharsets.UTF_8)) + "."
                + base64Url(claims.toString().getBytes(StandardCharsets.UTF_8));
        try {
            Signature signature = Signature.getInstance(ec ? "SHA384withECDSAinP1363Format" : "SHA384withRSA");
            signature.initSign(signingKey);
            signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + base64Url(signature.sign());
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign the SMART client assertion", e);
        }
    }

    private PrivateKey key() {
        if (key == null) {
            key = readPkcs8Pem(Path.of(settings.getPrivateKeyPath()));
        }
        return key;
    }

    /** A PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}) RSA or EC key. */
    static PrivateKey readPkcs8Pem(Path file) {
        try {
            String pem = Files.readString(file, StandardCharsets.US_ASCII);
            String base64 = pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
            PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64));
            try {
                return KeyFactory.getInstance("RSA").generatePrivate(spec);
            } catch (java.security.spec.InvalidKeySpecException notRsa) {
                return KeyFactory.getInstance("EC").generatePrivate(spec);
            }
        } catch (IOException | java.security.GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot read the SMART private key (PKCS#8 PEM) at hub.fhir.poll.auth.private-key-path", e);
        }
    }

    private static String base64Url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value == null ? "" : value, StandardCharsets.UTF_8);
    }
}
