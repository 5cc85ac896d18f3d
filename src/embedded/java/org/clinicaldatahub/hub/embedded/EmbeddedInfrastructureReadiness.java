package org.clinicaldatahub.hub.embedded;

import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The point where a hub context waits for the embedded servers, which start in the background
 * while the context is built (see {@link EmbeddedInfrastructure}). A lifecycle of the lowest
 * phase: Spring starts it first, after every singleton exists and before any other lifecycle
 * (the hub's archivers, the web server), Camel's routes (started on the context-refreshed event)
 * and application runners. If the servers failed or did not answer within
 * {@link EmbeddedInfrastructure#READY_TIMEOUT}, the start-up fails with that error.
 *
 * <p>Registered by {@link EmbeddedInfrastructure} as a singleton in every context whose
 * environment enables the embedded servers; deliberately not a component.
 */
public final class EmbeddedInfrastructureReadiness implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedInfrastructureReadiness.class);

    private volatile boolean running;

    @Override
    public int getPhase() {
        return Integer.MIN_VALUE;
    }

    @Override
    public void start() {
        long started = System.nanoTime();
        boolean waiting = !EmbeddedInfrastructure.isReady();
        EmbeddedInfrastructure.awaitReady(EmbeddedInfrastructure.READY_TIMEOUT);
        if (waiting) {
            log.info("Waited {} ms for the embedded infrastructure",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        }
        running = true;
    }

    /** Nothing to stop: the servers outlive the context (they stop at JVM exit). */
    @Override
    public void stop() {
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
