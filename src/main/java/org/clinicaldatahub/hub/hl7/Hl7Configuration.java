package org.clinicaldatahub.hub.hl7;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.parser.GenericModelClassFactory;
import ca.uhn.hl7v2.parser.Parser;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;
import org.apache.camel.component.netty.ChannelHandlerFactory;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.clinicaldatahub.hub.hl7.internal.KafkaResendKeys;
import org.clinicaldatahub.hub.hl7.internal.MllpCodecFactories;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Beans the HL7 v2 channel YAML refers to by name. */
@Configuration(proxyBeanMethods = false)
public class Hl7Configuration {

    /** One HapiContext for the hub: it is expensive to build and thread-safe. */
    @Bean(destroyMethod = "close")
    HapiContext hapiContext() {
        DefaultHapiContext context = new DefaultHapiContext();
        // Structural checks happen in the hub (MSH, allow-lists); HAPI's default rules would
        // refuse real-world feeds for cosmetic reasons (e.g. a too-long field in v2.2).
        context.setValidationContext(ValidationContextFactory.noValidation());
        context.getParserConfiguration().setAllowUnknownVersions(true);
        context.getParserConfiguration().setValidating(false);
        return context;
    }

    /**
     * The ingest parser reads every version into HAPI's generic model: with validation off a
     * typed parse rejects nothing more, but it instantiates a version-specific class for every
     * segment and field, and with eleven versions' worth of classes hot the JIT never settles on
     * a 2-core machine (measured: about 3x the CPU per message). Typed access, where a later step
     * needs it, uses the shared {@link HapiContext}.
     */
    @Bean
    Parser hl7Parser() {
        DefaultHapiContext generic = new DefaultHapiContext(new GenericModelClassFactory());
        generic.setValidationContext(ValidationContextFactory.noValidation());
        generic.getParserConfiguration().setValidating(false);
        return generic.getPipeParser();
    }

    @Bean
    ChannelHandlerFactory mllpDecoder(Hl7Properties properties) {
        return MllpCodecFactories.decoder(properties.getMaxMessageBytes());
    }

    /** The MLLP listener's TLS parameters; unused (plain TCP) unless hub.hl7.tls.enabled. */
    @Bean
    SSLContextParameters mllpTls(Hl7Properties properties) {
        return properties.getTls().toCamelParameters("MLLP");
    }

    @Bean
    ChannelHandlerFactory mllpEncoder() {
        return MllpCodecFactories.encoder();
    }

    /**
     * Remembers the sending facility + MSH-10 of every committed message in a Kafka topic shared
     * by all hub replicas, so a sender's retry after a lost ACK is answered AA without a second copy.
     */
    @Bean
    IdempotentRepository hl7ResendRepository(Hl7Properties properties,
            @Value("${hub.kafka.bootstrap-servers}") String bootstrapServers) {
        return new KafkaResendKeys(properties.getResendTopic(), bootstrapServers, properties.getResendMemory());
    }
}
