package org.clinicaldatahub.hub;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Thread factories for the hub's own pools: daemon threads (a pool never keeps the JVM from
 * stopping; its owner shuts it down with the context) with names that say what they do, so a
 * thread dump, a profile or {@code tools/bench/thread-cpu.py} shows where the time goes.
 */
public final class DaemonThreads {

    private DaemonThreads() {
    }

    /** Every thread gets the same name (pools whose threads are alike and few). */
    public static ThreadFactory named(String name) {
        return task -> daemon(task, name);
    }

    /** Threads named {@code prefix1}, {@code prefix2}, ... in the order the pool starts them. */
    public static ThreadFactory numbered(String prefix) {
        AtomicInteger started = new AtomicInteger();
        return task -> daemon(task, prefix + started.incrementAndGet());
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }
}
