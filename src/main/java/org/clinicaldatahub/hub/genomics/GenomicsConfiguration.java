package org.clinicaldatahub.hub.genomics;

import java.io.IOException;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Loads the genomics de-identification policy at start-up: a broken policy stops the hub. */
@Configuration
public class GenomicsConfiguration {

    @Bean
    GenomicsDeidPolicy genomicsDeidPolicy(GenomicsProperties properties) throws IOException {
        return GenomicsDeidPolicy.load(properties.getDeidPolicyFile());
    }
}
