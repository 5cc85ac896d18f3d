package org.clinicaldatahub.hub.embedded;

import java.util.concurrent.atomic.AtomicBoolean;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.boot.context.event.SpringApplicationEvent;
import org.springframework.context.ApplicationListener;

/**
 * Ties the embedded servers' end to the hub's life.
 * <ul>
 * <li>A hub that fails to start must exit, but Kafka's socket acceptor threads are not daemons and
 * would keep the JVM alive. So if no application has started in this JVM yet, a failure stops the
 * servers. Once one has started, later failures leave them up: tests stop and start hub contexts on
 * purpose.</li>
 * <li>After a start, the servers' stop is added to Spring Boot's shutdown handlers. Those run after
 * every context has closed and before Spring Boot shuts logging down, so the shutdown is logged.
 * {@link EmbeddedInfrastructure}'s own JVM hook remains the fallback when Spring's hook is off.</li>
 * </ul>
 */
public final class EmbeddedLifecycle implements ApplicationListener<SpringApplicationEvent> {

    private static final AtomicBoolean SHUTDOWN_HANDLER_ADDED = new AtomicBoolean();
    private static volatile boolean anyApplicationStarted;

    @Override
    public void onApplicationEvent(SpringApplicationEvent event) {
        if (event instanceof ApplicationStartedEvent) {
            anyApplicationStarted = true;
            if (EmbeddedInfrastructure.isRunning() && SHUTDOWN_HANDLER_ADDED.compareAndSet(false, true)) {
                SpringApplication.getShutdownHandlers().add(EmbeddedInfrastructure::stopAll);
            }
        } else if (event instanceof ApplicationFailedEvent && !anyApplicationStarted) {
            EmbeddedInfrastructure.stopAll();
        }
    }
}
