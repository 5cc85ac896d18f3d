package org.clinicaldatahub.hub.config;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.security.SecurityProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfTokenRequestAttributeHandler;

/**
 * Every HTTP endpoint, Hawtio included, requires a login; only the health status (UP/DOWN,
 * details for logged-in users) is open so load balancers can probe it. Hawtio can stop routes,
 * so it must never be reachable anonymously.
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(SecurityConfiguration.class);
    /** The shipped default; starting with it is allowed for a laptop but shouted about. */
    static final String DEFAULT_PASSWORD = "change-me";

    /**
     * The password check of every login, with a short memory of verified passwords: machine
     * clients send HTTP basic on each request, and a bcrypt check per request cost more CPU than
     * the FHIR Bundle it let in (BENCHMARKS.md, FHIR channels).
     */
    @Bean
    PasswordEncoder passwordEncoder() {
        return VerifiedPasswordCache.forHub();
    }

    @Bean
    SecurityFilterChain hubSecurity(HttpSecurity http, SecurityProperties security) throws Exception {
        if (DEFAULT_PASSWORD.equals(security.getUser().getPassword())) {
            LOG.warn("**********************************************************************");
            LOG.warn("* The admin password is the shipped default. Set HUB_ADMIN_PASSWORD   *");
            LOG.warn("* (spring.security.user.password) before exposing this hub.          *");
            LOG.warn("**********************************************************************");
        }
        http.authorizeHttpRequests(auth -> auth
                        .requestMatchers("/actuator/health", "/actuator/health/**").permitAll()
                        // Hawtio and Jolokia can stop routes and read any MBean: administrators only.
                        .requestMatchers("/actuator/hawtio/**", "/actuator/jolokia/**").hasRole("admin")
                        // legal holds and retention: administrators only
                        .requestMatchers("/api/storage/**").hasRole("admin")
                        .anyRequest().authenticated())
                // HTTP basic only: a browser prompts for it, machine clients send it, and an
                // unauthenticated call gets a plain 401 instead of a redirect to a login page.
                .httpBasic(Customizer.withDefaults())
                .csrf(csrf -> csrf
                        .csrfTokenRepository(CookieCsrfTokenRepository.withHttpOnlyFalse())
                        .csrfTokenRequestHandler(new CsrfTokenRequestAttributeHandler())
                        // machine clients authenticate with HTTP basic and send no browser cookie
                        .ignoringRequestMatchers("/actuator/jolokia/**", "/actuator/hawtio/jolokia/**", "/api/**"));
        return http.build();
    }
}
