package org.clinicaldatahub.hub.deid.dicom;

import java.io.IOException;

import org.clinicaldatahub.hub.deid.Pseudonymizer;
import org.clinicaldatahub.hub.storage.TieredStore;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Beans of DICOM de-identification: the profile from {@code hub.deid.dicom.profile}, the
 * {@code dicomDeidentifier} built on the hub-wide {@code pseudonymizer}, and the
 * {@code dicomResearchCopy} steps of route {@code deid-internal-dicom}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DicomDeidProperties.class)
public class DicomDeidConfiguration {

    @Bean
    DicomDeidProfile dicomDeidProfile(DicomDeidProperties properties) throws IOException {
        return DicomDeidProfile.load(properties.getProfile());
    }

    @Bean
    DicomDeidentifier dicomDeidentifier(DicomDeidProfile profile, Pseudonymizer pseudonymizer) {
        return new DicomDeidentifier(profile, pseudonymizer);
    }

    @Bean
    DicomResearchCopy dicomResearchCopy(DicomDeidentifier dicomDeidentifier, Pseudonymizer pseudonymizer,
            TieredStore tieredStore, DicomDeidProperties properties) throws IOException {
        return new DicomResearchCopy(dicomDeidentifier, pseudonymizer, tieredStore, properties);
    }
}
