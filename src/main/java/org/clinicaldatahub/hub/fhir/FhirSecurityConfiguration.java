package org.clinicaldatahub.hub.fhir;

import java.nio.charset.StandardCharsets;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.http.HttpServletResponse;
import org.clinicaldatahub.hub.audit.AuditEvent;
import org.clinicaldatahub.hub.audit.AuditRecorder;
import org.clinicaldatahub.hub.audit.AuditRef;
import org.clinicaldatahub.hub.audit.AuditStep;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The inbound FHIR endpoint requires the hub's login like every HTTP endpoint, but answers a
 * missing or wrong login as a FHIR server: 401 with an OperationOutcome, and the refusal is
 * audited (not quarantined: nothing was read). Machine clients send HTTP basic on every call, so
 * there is no session and no CSRF token to fetch.
 */
@Configuration(proxyBeanMethods = false)
public class FhirSecurityConfiguration {

    static final String UNAUTHENTICATED = "FHIR_UNAUTHENTICATED";

    @Bean
    @Order(1)
    SecurityFilterChain fhirSecurity(HttpSecurity http, AuditRecorder auditRecorder) throws Exception {
        AuthenticationEntryPoint refuse = (request, response, failure) -> {
            auditRecorder.record(AuditEvent.builder(AuditStep.REJECTED).route("fhir-inbound-rest")
                    .ref(AuditRef.CHANNEL, "fhir-inbound-rest").reason(UNAUTHENTICATED));
            byte[] body = FhirContext.forR4Cached().newJsonParser()
                    .encodeResourceToString(FhirAnswers.operationOutcome(new FhirRejection(UNAUTHENTICATED, 401,
                            "login", "Authentication is required")))
                    .getBytes(StandardCharsets.UTF_8);
            response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
            response.setHeader("WWW-Authenticate", "Basic realm=\"clinical-data-hub\"");
            response.setContentType(FhirFormat.JSON.mediaType());
            response.getOutputStream().write(body);
        };
        http.securityMatcher("/fhir", "/fhir/**")
                .authorizeHttpRequests(auth -> auth.anyRequest().authenticated())
                .httpBasic(basic -> basic.authenticationEntryPoint(refuse))
                .exceptionHandling(handling -> handling.authenticationEntryPoint(refuse))
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable());
        return http.build();
    }
}
