package org.clinicaldatahub.hub.embedded;

import java.time.Duration;
import java.util.Set;

/**
 * Lets the embedded servers' shutdown hook wait for Spring's. The JVM starts all shutdown hooks
 * at once; Spring Boot's ({@code SpringApplicationShutdownHook}) and plain contexts'
 * ({@code SpringContextShutdownHook}) close the hub, which must still reach Kafka and S3 while
 * its routes drain. Matching by thread name is the only handle Spring offers on them.
 */
final class SpringShutdownHooks {

    private static final Set<String> NAMES = Set.of("SpringApplicationShutdownHook", "SpringContextShutdownHook");

    private SpringShutdownHooks() {
    }

    static void awaitCompletion(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            Thread.sleep(100); // hooks are started one after another; let them all be alive
            for (Thread thread : Thread.getAllStackTraces().keySet()) {
                long remainingMillis = (deadline - System.nanoTime()) / 1_000_000;
                if (thread != Thread.currentThread() && NAMES.contains(thread.getName()) && remainingMillis > 0) {
                    thread.join(remainingMillis);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
