package org.clinicaldatahub.hub.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spring.boot.CamelAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** {@code hub.audit.*} binding, the two beans, and Camel Spring Boot picking up the notifier. */
class AuditSpringWiringTest {

    @TempDir
    Path dir;

    @Configuration
    @EnableConfigurationProperties(AuditProperties.class)
    @Import({AuditRecorder.class, AuditEventNotifier.class})
    static class AuditOnly {
    }

    @Configuration
    static class DropFolderRoute {
        @Bean
        RouteBuilder dropFolder(AuditProperties properties) {
            return new RouteBuilder() {
                @Override
                public void configure() {
                    from("file:" + properties.getDataDir().resolveSibling("inbox") + "?initialDelay=0&delay=10")
                            .routeId("genomics-inbound-rundir").to("log:wiring?level=OFF");
                }
            };
        }
    }

    @Test
    void propertiesBindAndTheTrailIsOpenedSignedAndClosed() throws Exception {
        Path data = dir.resolve("data");
        new ApplicationContextRunner()
                .withUserConfiguration(AuditOnly.class)
                .withPropertyValues("hub.audit.data-dir=" + data, "hub.audit.node-id=wiring-1", "hub.audit.fsync=always",
                        "hub.audit.segment-size=2MB", "hub.audit.checkpoint-interval-events=10",
                        "hub.audit.checkpoint-interval=250ms", "hub.audit.batch-max-delay=5ms")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasBean("auditRecorder").hasBean("auditEventNotifier");
                    AuditProperties properties = context.getBean(AuditProperties.class);
                    assertThat(properties.getFsync()).isEqualTo(FsyncPolicy.ALWAYS);
                    assertThat(properties.getSegmentSize().toMegabytes()).isEqualTo(2);
                    assertThat(properties.getCheckpointInterval()).isEqualTo(Duration.ofMillis(250));
                    AuditRecorder recorder = context.getBean(AuditRecorder.class);
                    assertThat(recorder.isAvailable()).isTrue();
                    assertThat(recorder.log().nodeId()).isEqualTo("wiring-1");
                    recorder.recordDurably(AuditTestSupport.received(1));
                });

        Path segments = data.resolve("audit/segments");
        AuditVerificationResult result = new AuditVerifier(
                AuditSigningKeys.readPublicKey(data.resolve("audit/audit-public-key.pem"))).verify(segments);
        assertThat(result.intact()).as(result.summary()).isTrue();
        List<String> lines = AuditTestSupport.lines(segments.resolve("wiring-1-00000000000000000001.log"));
        List<String> events = lines.stream().filter(l -> l.contains("\"type\":\"event\"")).toList();
        assertThat(events).hasSize(4);
        assertThat(events.get(0)).contains("\"step\":\"started\"");
        assertThat(events.get(1)).contains("\"step\":\"key-generated\"");
        assertThat(events.get(2)).contains("\"step\":\"received\"");
        assertThat(events.get(3)).contains("\"step\":\"stopped\"");
        assertThat(lines.get(lines.size() - 1)).contains("\"cause\":\"final\"");
    }

    @Test
    void withoutAKeystoreAndWithoutTheDevelopmentKeyTheHubDoesNotStart() {
        new ApplicationContextRunner()
                .withUserConfiguration(AuditOnly.class)
                .withPropertyValues("hub.audit.data-dir=" + dir, "hub.audit.allow-development-key=false")
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .hasStackTraceContaining("no audit signing key"));
        assertThat(dir.resolve("audit/segments")).doesNotExist();
    }

    @Test
    void disabledTrailRecordsNothing() {
        new ApplicationContextRunner()
                .withUserConfiguration(AuditOnly.class)
                .withPropertyValues("hub.audit.data-dir=" + dir, "hub.audit.enabled=false")
                .run(context -> {
                    AuditRecorder recorder = context.getBean(AuditRecorder.class);
                    assertThat(recorder.record(AuditTestSupport.received(1))).isEqualTo(-1);
                    assertThat(recorder.isEnabled()).isFalse();
                });
        assertThat(dir.resolve("audit")).doesNotExist();
    }

    @Test
    void camelSpringBootRegistersTheNotifierSoRoutesAreAuditedWithoutDoingAnything() throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(dir.resolve("inbox"));
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(CamelApp.class)
                .web(WebApplicationType.NONE)
                .properties("hub.audit.data-dir=" + data, "hub.audit.node-id=camel-1")
                // only this test's own route, not the hub's packaged channels (args beat application.yaml)
                .run("--camel.main.routes-include-pattern=classpath:no-routes/*",
                        "--camel.main.routes-reload-enabled=false", "--hub.audit.data-dir=" + data,
                        "--hub.audit.node-id=camel-1")) {
            CamelContext camel = context.getBean(CamelContext.class);
            assertThat(camel.getManagementStrategy().getEventNotifiers()).contains(context.getBean(AuditEventNotifier.class));
            NotifyBuilder done = new NotifyBuilder(camel).whenDone(1).create();
            Files.writeString(dir.resolve("inbox/run-42.complete"), "run 42");
            assertThat(done.matches(20, TimeUnit.SECONDS)).isTrue();
        }

        Path segments = data.resolve("audit/segments");
        assertThat(String.join("\n", AuditTestSupport.lines(segments.resolve("camel-1-00000000000000000001.log"))))
                .contains("\"route\":\"genomics-inbound-rundir\"", "\"step\":\"received\"");
        assertThat(new AuditVerifier(AuditSigningKeys.readPublicKey(data.resolve("audit/audit-public-key.pem")))
                .verify(segments).intact()).isTrue();
    }

    /** Camel Spring Boot as the hub runs it (auto-detection of EventNotifier beans needs a SpringApplication). */
    @Configuration
    @Import({CamelAutoConfiguration.class, AuditOnly.class, DropFolderRoute.class})
    static class CamelApp {
    }
}
