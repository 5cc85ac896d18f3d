package org.clinicaldatahub.hub;

import java.util.Arrays;
import org.clinicaldatahub.hub.audit.AuditVerifyCommand;
import org.clinicaldatahub.hub.config.RoutesDirectoryPreparer;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * Clinical Data Hub: an interface engine that moves HL7 v2, FHIR, DICOM and sequencer output
 * into tiered S3 storage. Channels are YAML routes under {@code routes/}; capabilities are beans.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class HubApplication {

    public static void main(String[] args) {
        // `audit verify ...` runs the verifier alone: no context, no listeners, nothing started
        if (args.length >= 2 && "audit".equals(args[0]) && "verify".equals(args[1])) {
            System.exit(AuditVerifyCommand.run(Arrays.copyOfRange(args, 2, args.length), System.out, System.err));
        }
        SpringApplication application = new SpringApplication(HubApplication.class);
        application.addListeners(new RoutesDirectoryPreparer());
        application.run(args);
    }
}
