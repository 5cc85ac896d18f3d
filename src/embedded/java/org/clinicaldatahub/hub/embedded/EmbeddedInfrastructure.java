package org.clinicaldatahub.hub.embedded;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.logging.LoggingApplicationListener;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * The embedded default infrastructure: a single-node KRaft Kafka broker in-process and an
 * S3-compatible server (S3Mock) as a child process, both on localhost with data under
 * {@code hub.embedded.data-dir}, so {@code java -jar} with no other configuration gives a working
 * hub. Development and test only; production points the hub at real Kafka and S3.
 *
 * <p>Registered in {@code META-INF/spring.factories} and run on
 * {@link ApplicationEnvironmentPreparedEvent}, i.e. after logging is configured but before any
 * bean exists, so Kafka producers and the S3 client find their servers up. The servers are a
 * JVM-wide singleton: tests stop and start hub contexts to simulate a crash while Kafka and S3
 * keep running. They stop at JVM exit after Spring has closed the hub, so the hub's consumers
 * and producers finish against a live broker: through Spring Boot's shutdown handlers (see
 * {@link EmbeddedLifecycle}) or, failing that, this class's own JVM shutdown hook.
 *
 * <p>Each environment gets {@value #BOOTSTRAP_SERVERS_PROPERTY} and {@value #S3_ENDPOINT_PROPERTY}
 * with the effective addresses, for use as placeholders in application.yaml.
 */
public final class EmbeddedInfrastructure implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered {

    public static final String BOOTSTRAP_SERVERS_PROPERTY = "hub.embedded.kafka.bootstrap-servers";
    public static final String S3_ENDPOINT_PROPERTY = "hub.embedded.s3.endpoint";
    static final String PROPERTY_SOURCE_NAME = "hubEmbeddedInfrastructure";

    private static final Logger log = LoggerFactory.getLogger(EmbeddedInfrastructure.class);
    private static final Object LOCK = new Object();
    private static Running running; // guarded by LOCK
    private static boolean shutdownHookAdded; // guarded by LOCK

    private record Running(EmbeddedSettings settings, DataDirLock lock, EmbeddedKafka kafka, S3MockServer s3) {
    }

    /** Right after Spring Boot's logging set-up, so Kafka logs through the configured levels. */
    @Override
    public int getOrder() {
        return LoggingApplicationListener.DEFAULT_ORDER + 1;
    }

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        ConfigurableEnvironment environment = event.getEnvironment();
        if (!EmbeddedSettings.isEnabled(environment)) {
            return;
        }
        start(EmbeddedSettings.from(environment));
        environment.getPropertySources().addFirst(new MapPropertySource(PROPERTY_SOURCE_NAME, Map.of(
                BOOTSTRAP_SERVERS_PROPERTY, bootstrapServers(),
                S3_ENDPOINT_PROPERTY, s3Endpoint())));
    }

    /**
     * Starts Kafka and S3Mock (in parallel: S3Mock boots in its own JVM while Kafka starts here)
     * and returns when both answer. A no-op if they already run in this JVM.
     *
     * @return true if this call started them, false if they were already running
     */
    public static boolean start(EmbeddedSettings settings) {
        synchronized (LOCK) {
            if (running != null) {
                if (!running.settings().equals(settings)) {
                    log.warn("Embedded infrastructure already runs in this JVM with {}; ignoring {}",
                            running.settings(), settings);
                }
                return false;
            }
            log.warn("Starting the EMBEDDED development infrastructure (in-process Kafka broker, S3Mock child "
                    + "process; data in {}). Not for production: set {}=false and configure real Kafka and S3.",
                    settings.dataDir(), EmbeddedSettings.ENABLED);
            long started = System.nanoTime();
            addShutdownHookOnce(); // first, so a JVM exit during start-up still stops the S3Mock child
            DataDirLock lock = DataDirLock.acquire(settings.dataDir());
            S3MockServer s3 = null;
            EmbeddedKafka kafka = null;
            try {
                EmbeddedKafka.requirePortsFree(settings);
                s3 = S3MockServer.launch(settings);
                kafka = EmbeddedKafka.start(settings);
                s3.awaitReady();
            } catch (RuntimeException e) {
                if (s3 != null) {
                    s3.stop();
                }
                if (kafka != null) {
                    kafka.stop();
                }
                lock.close();
                throw e;
            }
            running = new Running(settings, lock, kafka, s3);
            log.info("Embedded infrastructure ready in {} ms: Kafka {}, S3 {}",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), kafka.bootstrapServers(), s3.endpoint());
            return true;
        }
    }

    /** Stops both servers (Kafka: controlled shutdown; S3Mock: terminate, wait, kill). Idempotent. */
    public static void stopAll() {
        synchronized (LOCK) {
            if (running == null) {
                return;
            }
            Running stopping = running;
            running = null;
            stopping.s3().beginStop(); // S3Mock shuts down in parallel with Kafka's controlled shutdown
            stopping.kafka().stop();
            stopping.s3().stop();
            stopping.lock().close();
        }
    }

    public static boolean isRunning() {
        synchronized (LOCK) {
            return running != null;
        }
    }

    /** Effective Kafka bootstrap servers, e.g. {@code localhost:9092}. */
    public static String bootstrapServers() {
        return current().kafka().bootstrapServers();
    }

    /** Effective S3 endpoint URL (path-style access), e.g. {@code http://localhost:9000}. */
    public static String s3Endpoint() {
        return current().s3().endpoint();
    }

    private static Running current() {
        synchronized (LOCK) {
            if (running == null) {
                throw new IllegalStateException("The embedded infrastructure is not running (" + EmbeddedSettings.ENABLED
                        + " is false or it was stopped)");
            }
            return running;
        }
    }

    private static void addShutdownHookOnce() {
        if (!shutdownHookAdded) {
            Runtime.getRuntime().addShutdownHook(new Thread(EmbeddedInfrastructure::stopAfterSpring,
                    "hub-embedded-infrastructure-shutdown"));
            shutdownHookAdded = true;
        }
    }

    /**
     * JVM shutdown hooks run concurrently. Stopping Kafka while Spring still drains Camel routes
     * would lose in-flight records and offset commits, so wait for Spring's own hooks first.
     */
    private static void stopAfterSpring() {
        SpringShutdownHooks.awaitCompletion(Duration.ofMinutes(2));
        stopAll();
    }
}
