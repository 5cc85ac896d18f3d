package org.clinicaldatahub.hub.deid;

import java.io.IOException;
import java.nio.file.Files;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The hub-wide {@code pseudonymizer} and its adapters for the channels. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DeidProperties.class)
public class DeidConfiguration {

    @Bean
    Pseudonymizer pseudonymizer(DeidProperties properties) throws IOException {
        PatientIdIssuers issuers = Files.exists(properties.getPatientIdIssuers())
                ? PatientIdIssuers.load(properties.getPatientIdIssuers())
                : PatientIdIssuers.none();
        return new HmacPseudonymizer(PseudonymKeys.load(properties), properties.getPseudonym().toFormat(), issuers,
                properties.getDateShiftDays());
    }

    /** The DICOM channel's events carry the same patient pseudonym as every other channel. */
    @Bean
    org.clinicaldatahub.hub.dicom.PatientPseudonyms dicomPatientPseudonyms(Pseudonymizer pseudonymizer) {
        return pseudonymizer::patient;
    }
}
