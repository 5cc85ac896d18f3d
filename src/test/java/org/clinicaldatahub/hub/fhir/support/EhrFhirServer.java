package org.clinicaldatahub.hub.fhir.support;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.FifoMemoryPagingProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;

/**
 * The EHR in the polling tests: HAPI FHIR's real {@link RestfulServer} (hapi-fhir-server) with
 * in-memory providers for Patient, Encounter, Condition and Observation and HAPI's FIFO paging
 * provider (so searches answer with {@code next} links), in an embedded Tomcat. It also plays the
 * EHR's SMART Backend Services token endpoint: it checks the client assertion's RS384 signature
 * against the client's public key and its claims, and the FHIR API accepts only tokens it issued.
 */
public final class EhrFhirServer implements AutoCloseable {

    public static final String CLIENT_ID = "hub-test-client";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Tomcat tomcat = new Tomcat();
    private final Map<Class<? extends Resource>, InMemoryResourceProvider<? extends Resource>> providers = new ConcurrentHashMap<>();
    private final Set<String> issuedTokens = ConcurrentHashMap.newKeySet();
    private final Set<String> seenJtis = ConcurrentHashMap.newKeySet();
    private final AtomicInteger tokensIssued = new AtomicInteger();
    private final AtomicInteger searches = new AtomicInteger();
    private final AtomicInteger pageFetches = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicLong clock = new AtomicLong(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());
    private final KeyPair clientKey;
    private volatile boolean refuseAll;
    private final int port;

    public EhrFhirServer(int port) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        this.clientKey = generator.generateKeyPair();
        providers.put(Patient.class, new InMemoryResourceProvider<>(Patient.class));
        providers.put(Encounter.class, new InMemoryResourceProvider<>(Encounter.class));
        providers.put(Condition.class, new InMemoryResourceProvider<>(Condition.class));
        providers.put(Observation.class, new InMemoryResourceProvider<>(Observation.class));

        RestfulServer fhir = new RestfulServer(FhirContext.forR4Cached());
        fhir.setResourceProviders(List.copyOf(providers.values()));
        FifoMemoryPagingProvider paging = new FifoMemoryPagingProvider(50);
        paging.setDefaultPageSize(25);
        paging.setMaximumPageSize(200);
        fhir.setPagingProvider(paging);

        tomcat.setPort(port);
        tomcat.setBaseDir(java.nio.file.Files.createTempDirectory("ehr-tomcat").toString());
        tomcat.getConnector();
        Context context = tomcat.addContext("", null);
        Tomcat.addServlet(context, "fhir", fhir);
        context.addServletMappingDecoded("/fhir/*", "fhir");
        Tomcat.addServlet(context, "token", new TokenEndpoint());
        context.addServletMappingDecoded("/auth/token", "token");
        FilterDef bearer = new FilterDef();
        bearer.setFilterName("bearer");
        bearer.setFilter((Filter) (request, response, chain) -> {
            HttpServletRequest http = (HttpServletRequest) request;
            String authorization = http.getHeader("Authorization");
            if (refuseAll || authorization == null || !authorization.startsWith("Bearer ")
                    || !issuedTokens.contains(authorization.substring(7))) {
                refused.incrementAndGet();
                ((HttpServletResponse) response).sendError(401);
                return;
            }
            if (http.getParameter("_getpages") != null) {
                pageFetches.incrementAndGet();
            } else {
                searches.incrementAndGet();
            }
            chain.doFilter(request, response);
        });
        context.addFilterDef(bearer);
        FilterMap map = new FilterMap();
        map.setFilterName("bearer");
        map.addURLPattern("/fhir/*");
        context.addFilterMap(map);
        tomcat.start();
        this.port = tomcat.getConnector().getLocalPort();
    }

    public int port() {
        return port;
    }

    public String baseUrl() {
        return "http://localhost:" + port + "/fhir";
    }

    /** Stores a new version of each resource, all with one new lastUpdated time (as a batch update in an EHR). */
    @SuppressWarnings("unchecked")
    public <T extends Resource> void put(List<? extends Resource> resources) {
        Date now = new Date(clock.addAndGet(1000));
        for (Resource resource : resources) {
            if (!resource.getIdElement().hasIdPart()) {
                resource.setId(UUID.randomUUID().toString());
            }
            ((InMemoryResourceProvider<Resource>) providers.get(resource.getClass())).put(resource, now);
        }
    }

    public <T extends Resource> T current(Class<T> type, String id) {
        @SuppressWarnings("unchecked")
        InMemoryResourceProvider<T> provider = (InMemoryResourceProvider<T>) providers.get(type);
        return provider.get(id);
    }

    /** The client's private key as the hub reads it: PKCS#8 PEM. */
    public String clientPrivateKeyPem() {
        return "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(clientKey.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }

    public void refuseAll(boolean refuse) {
        this.refuseAll = refuse;
    }

    public int tokensIssued() {
        return tokensIssued.get();
    }

    public int searches() {
        return searches.get();
    }

    public int pageFetches() {
        return pageFetches.get();
    }

    public int refused() {
        return refused.get();
    }

    @Override
    public void close() throws LifecycleException {
        tomcat.stop();
        tomcat.destroy();
    }

    /** OAuth 2.0 token endpoint for SMART Backend Services (client_credentials + private_key_jwt). */
    private final class TokenEndpoint extends HttpServlet {
        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String assertion = request.getParameter("client_assertion");
            boolean valid = !refuseAll && "client_credentials".equals(request.getParameter("grant_type"))
                    && "urn:ietf:params:oauth:client-assertion-type:jwt-bearer".equals(request.getParameter("client_assertion_type"))
                    && assertion != null && verify(assertion, clientKey.getPublic(), request.getRequestURL().toString());
            if (!valid) {
                refused.incrementAndGet();
                response.setStatus(400);
                response.setContentType("application/json");
                response.getWriter().write("{\"error\":\"invalid_client\"}");
                return;
            }
            String token = new BigInteger(130, new java.security.SecureRandom()).toString(32);
            issuedTokens.add(token);
            tokensIssued.incrementAndGet();
            response.setContentType("application/json");
            response.getWriter().write("{\"access_token\":\"" + token + "\",\"token_type\":\"bearer\",\"expires_in\":300,"
                    + "\"scope\":\"" + request.getParameter("scope") + "\"}");
        }

        private boolean verify(String jwt, PublicKey key, String audience) {
            try {
                String[] parts = jwt.split("\\.");
                JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
                JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
                Signature signature = Signature.getInstance("SHA384withRSA");
                signature.initVerify(key);
                signature.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
                return "RS384".equals(header.path("alg").asText())
                        && signature.verify(Base64.getUrlDecoder().decode(parts[2]))
                        && CLIENT_ID.equals(claims.path("iss").asText()) && CLIENT_ID.equals(claims.path("sub").asText())
                        && audience.equals(claims.path("aud").asText())
                        && claims.path("exp").asLong() > Instant.now().getEpochSecond()
                        && claims.path("exp").asLong() <= Instant.now().getEpochSecond() + 300
                        && seenJtis.add(claims.path("jti").asText());
            } catch (Exception e) {
                return false;
            }
        }
    }
}
