package org.clinicaldatahub.hub.audit;

import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Registers the audit event notifier with Camel before any route starts, so every route, packaged
 * or added later by an analyst, is audited. Camel Spring Boot does not pick up an event notifier
 * bean on its own when another starter (camel-micrometer) has registered one first.
 */
@Configuration(proxyBeanMethods = false)
public class AuditCamelConfiguration {

    @Bean
    CamelContextConfiguration auditNotifierRegistration(AuditEventNotifier notifier) {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camelContext) {
                if (!camelContext.getManagementStrategy().getEventNotifiers().contains(notifier)) {
                    camelContext.getManagementStrategy().addEventNotifier(notifier);
                }
            }

            @Override
            public void afterApplicationStart(CamelContext camelContext) {
                // nothing to do once started
            }
        };
    }
}
