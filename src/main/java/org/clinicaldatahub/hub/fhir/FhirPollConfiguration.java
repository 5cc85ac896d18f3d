package org.clinicaldatahub.hub.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.client.interceptor.BasicAuthInterceptor;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;

/** The EHR's FHIR client the {@code fhir-inbound-poll} route uses ({@code client: "#fhirEhrClient"}). */
@Configuration(proxyBeanMethods = false)
public class FhirPollConfiguration {

    /**
     * A HAPI generic client on the EHR's base URL with the configured login (none, basic, bearer
     * or SMART Backend Services). It has a FhirContext of its own, because client settings
     * (timeouts, no conformance check) live on the context and the hub's shared one must not change.
     */
    @Bean
    @Lazy
    IGenericClient fhirEhrClient(FhirProperties properties) {
        FhirProperties.Poll poll = properties.getPoll();
        FhirContext context = FhirContext.forR4();
        int timeout = (int) poll.getTimeout().toMillis();
        context.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        context.getRestfulClientFactory().setConnectTimeout(timeout);
        context.getRestfulClientFactory().setSocketTimeout(timeout);
        IGenericClient client = context.newRestfulGenericClient(
                poll.getServerUrl().isBlank() ? "http://localhost/fhir-server-url-not-configured" : poll.getServerUrl());
        FhirProperties.Auth auth = poll.getAuth();
        switch (auth.getType()) {
            case "none" -> {
                // an EHR on a trusted network
            }
            case "basic" -> client.registerInterceptor(new BasicAuthInterceptor(auth.getUsername(), auth.getPassword()));
            case "bearer" -> client.registerInterceptor(new BearerTokenAuthInterceptor(auth.getBearerToken()));
            case "smart-backend" -> client.registerInterceptor(new SmartBackendAuth(auth, poll.getTimeout()));
            default -> throw new IllegalStateException(
                    "hub.fhir.poll.auth.type must be none, basic, bearer or smart-backend");
        }
        return client;
    }
}
