package org.clinicaldatahub.hub.embedded;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.boot.context.event.SpringApplicationEvent;
import org.springframework.boot.context.logging.LoggingApplicationListener;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * The embedded default infrastructure: a single-node KRaft Kafka broker in-process and an
 * S3-compatible server (S3Mock) as a child process, both on localhost with data under
 * {@code hub.embedded.data-dir}, so {@code java -jar} with no other configuration gives a working
 * hub. Development and test only; production points the hub at real Kafka and S3.
 *
 * <p>Registered in {@code META-INF/spring.factories}. On {@link ApplicationEnvironmentPreparedEvent}
 * (after logging is configured, before any bean exists) it checks the ports and locks the data
 * directory, launches S3Mock and starts Kafka <em>in the background</em>, and publishes the
 * addresses at once: they are fixed by the settings. The Spring context is built meanwhile (the
 * servers take 10-20 s on a small machine, about as long as the context). Bean constructors may
 * configure clients with those addresses but must not need the servers; whatever talks to them
 * does so from a lifecycle {@code start()}, a Camel route or later. On
 * {@link ApplicationPreparedEvent} each context gets an {@link EmbeddedInfrastructureReadiness}
 * lifecycle of the lowest phase, which waits for the servers (and fails the start-up with their
 * error), so lifecycles of later phases, Camel's routes (started on the context-refreshed event)
 * and application runners find them up.
 *
 * <p>The servers are a JVM-wide singleton: tests stop and start hub contexts to simulate a crash
 * while Kafka and S3 keep running. They stop at JVM exit after Spring has closed the hub, so the
 * hub's consumers and producers finish against a live broker: through Spring Boot's shutdown
 * handlers (see {@link EmbeddedLifecycle}) or, failing that, this class's own JVM shutdown hook.
 *
 * <p>Each environment gets {@value #BOOTSTRAP_SERVERS_PROPERTY} and {@value #S3_ENDPOINT_PROPERTY}
 * with the effective addresses, for use as placeholders in application.yaml.
 */
public final class EmbeddedInfrastructure implements ApplicationListener<SpringApplicationEvent>, Ordered {

    public static final String BOOTSTRAP_SERVERS_PROPERTY = "hub.embedded.kafka.bootstrap-servers";
    public static final String S3_ENDPOINT_PROPERTY = "hub.embedded.s3.endpoint";
    /** How long the readiness lifecycle waits for the servers: both start-ups time out after 150 s themselves. */
    public static final Duration READY_TIMEOUT = Duration.ofSeconds(180);
    static final String PROPERTY_SOURCE_NAME = "hubEmbeddedInfrastructure";
    static final String READINESS_BEAN_NAME = "hubEmbeddedInfrastructureReadiness";

    private static final Logger log = LoggerFactory.getLogger(EmbeddedInfrastructure.class);
    private static final Object LOCK = new Object();
    private static Infrastructure current; // guarded by LOCK: the latest start, until stopAll
    private static boolean shutdownHookAdded; // guarded by LOCK

    /**
     * One start of the servers. The starter thread sets {@code kafka} and {@code s3} and then
     * completes {@code ready}; if it fails it stops what it started and releases the lock first.
     * It never takes {@link #LOCK}, so {@link #stopAll()} may wait for it while holding that.
     */
    private static final class Infrastructure {
        final EmbeddedSettings settings;
        final DataDirLock lock;
        final CompletableFuture<Void> ready = new CompletableFuture<>();
        volatile EmbeddedKafka kafka;
        volatile S3MockServer s3;

        Infrastructure(EmbeddedSettings settings, DataDirLock lock) {
            this.settings = settings;
            this.lock = lock;
        }

        boolean failed() {
            return ready.isCompletedExceptionally();
        }

        String bootstrapServers() {
            return EmbeddedKafka.bootstrapServers(settings);
        }

        String s3Endpoint() {
            return S3MockServer.endpoint(settings);
        }
    }

    /** Right after Spring Boot's logging set-up, so Kafka logs through the configured levels. */
    @Override
    public int getOrder() {
        return LoggingApplicationListener.DEFAULT_ORDER + 1;
    }

    @Override
    public void onApplicationEvent(SpringApplicationEvent event) {
        if (event instanceof ApplicationEnvironmentPreparedEvent prepared) {
            onEnvironmentPrepared(prepared.getEnvironment());
        } else if (event instanceof ApplicationPreparedEvent prepared) {
            onContextPrepared(prepared.getApplicationContext());
        }
    }

    private static void onEnvironmentPrepared(ConfigurableEnvironment environment) {
        if (!EmbeddedSettings.isEnabled(environment)) {
            return;
        }
        startInBackground(EmbeddedSettings.from(environment));
        environment.getPropertySources().addFirst(new MapPropertySource(PROPERTY_SOURCE_NAME, Map.of(
                BOOTSTRAP_SERVERS_PROPERTY, bootstrapServers(),
                S3_ENDPOINT_PROPERTY, s3Endpoint())));
    }

    private static void onContextPrepared(ConfigurableApplicationContext context) {
        if (EmbeddedSettings.isEnabled(context.getEnvironment())
                && !context.getBeanFactory().containsBean(READINESS_BEAN_NAME)) {
            context.getBeanFactory().registerSingleton(READINESS_BEAN_NAME, new EmbeddedInfrastructureReadiness());
        }
    }

    /**
     * Starts Kafka and S3Mock and returns when both answer. A no-op if they already run (or are
     * starting) in this JVM, apart from waiting for them.
     *
     * @return true if this call started them, false if they were already running
     */
    public static boolean start(EmbeddedSettings settings) {
        boolean started = startInBackground(settings);
        awaitReady(READY_TIMEOUT);
        return started;
    }

    /**
     * Checks the ports, locks the data directory and launches S3Mock here, so a second hub or a
     * port conflict fails at once, then starts Kafka and waits for S3Mock in a background thread;
     * {@link #awaitReady(Duration)} waits for that. A no-op if they already run or are starting.
     *
     * @return true if this call started them, false if they were already running or starting
     */
    public static boolean startInBackground(EmbeddedSettings settings) {
        synchronized (LOCK) {
            if (current != null && !current.failed()) {
                if (!current.settings.equals(settings)) {
                    log.warn("Embedded infrastructure already runs in this JVM with {}; ignoring {}",
                            current.settings, settings);
                }
                return false;
            }
            log.warn("Starting the EMBEDDED development infrastructure (in-process Kafka broker, S3Mock child "
                    + "process; data in {}). Not for production: set {}=false and configure real Kafka and S3.",
                    settings.dataDir(), EmbeddedSettings.ENABLED);
            long started = System.nanoTime();
            addShutdownHookOnce(); // first, so a JVM exit during start-up still stops the S3Mock child
            DataDirLock lock = DataDirLock.acquire(settings.dataDir());
            Infrastructure starting = new Infrastructure(settings, lock);
            try {
                EmbeddedKafka.requirePortsFree(settings);
                starting.s3 = S3MockServer.launch(settings);
                Thread starter = new Thread(() -> finishStart(starting, started), "hub-embedded-infrastructure-start");
                starter.start();
            } catch (RuntimeException | Error e) {
                if (starting.s3 != null) {
                    starting.s3.stop();
                }
                lock.close();
                throw e;
            }
            current = starting;
            return true;
        }
    }

    /** In the starter thread: Kafka here while S3Mock boots in its own JVM, then wait for S3Mock. */
    private static void finishStart(Infrastructure starting, long startedNanos) {
        try {
            starting.kafka = EmbeddedKafka.start(starting.settings);
            starting.s3.awaitReady();
        } catch (RuntimeException | Error e) {
            log.error("Embedded infrastructure failed to start: {}", e.getMessage());
            starting.s3.stop();
            if (starting.kafka != null) {
                starting.kafka.stop();
            }
            starting.lock.close();
            starting.ready.completeExceptionally(e);
            return;
        }
        log.info("Embedded infrastructure ready in {} ms: Kafka {}, S3 {}",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos), starting.bootstrapServers(),
                starting.s3Endpoint());
        starting.ready.complete(null);
    }

    /**
     * Waits until the servers started by the latest {@link #startInBackground} answer.
     *
     * @throws IllegalStateException if they failed to start (with that failure as the cause), did
     *         not start within the timeout, or were never started or have been stopped
     */
    public static void awaitReady(Duration timeout) {
        Infrastructure infrastructure;
        synchronized (LOCK) {
            infrastructure = current;
        }
        if (infrastructure == null) {
            throw notRunning();
        }
        try {
            infrastructure.ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("The embedded infrastructure failed to start: " + e.getCause().getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("The embedded infrastructure (Kafka " + infrastructure.bootstrapServers()
                    + ", S3 " + infrastructure.s3Endpoint() + ") was not ready within " + timeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the embedded infrastructure", e);
        }
    }

    /**
     * Stops both servers (Kafka: controlled shutdown; S3Mock: terminate, wait, kill). If they are
     * still starting, waits for that to end first. Idempotent.
     */
    public static void stopAll() {
        synchronized (LOCK) {
            if (current == null) {
                return;
            }
            Infrastructure stopping = current;
            current = null;
            if (!stopping.ready.isDone()) {
                log.info("Waiting for the embedded infrastructure to finish starting before stopping it");
            }
            try {
                stopping.ready.join();
            } catch (RuntimeException e) {
                return; // the starter has stopped what it started and released the lock
            }
            stopping.s3.beginStop(); // S3Mock shuts down in parallel with Kafka's controlled shutdown
            stopping.kafka.stop();
            stopping.s3.stop();
            stopping.lock.close();
        }
    }

    /** True from a start until {@link #stopAll()}, while starting too; false once a start has failed. */
    public static boolean isRunning() {
        synchronized (LOCK) {
            return current != null && !current.failed();
        }
    }

    /** True once the servers answer (and until {@link #stopAll()}). */
    public static boolean isReady() {
        synchronized (LOCK) {
            return current != null && current.ready.isDone() && !current.failed();
        }
    }

    /** Effective Kafka bootstrap servers, e.g. {@code localhost:9092}; known (not yet served) while starting. */
    public static String bootstrapServers() {
        return live().bootstrapServers();
    }

    /** Effective S3 endpoint URL (path-style access), e.g. {@code http://localhost:9000}; known while starting. */
    public static String s3Endpoint() {
        return live().s3Endpoint();
    }

    private static Infrastructure live() {
        synchronized (LOCK) {
            if (current == null || current.failed()) {
                throw notRunning();
            }
            return current;
        }
    }

    private static IllegalStateException notRunning() {
        return new IllegalStateException("The embedded infrastructure is not running (" + EmbeddedSettings.ENABLED
                + " is false, it failed to start or it was stopped)");
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
