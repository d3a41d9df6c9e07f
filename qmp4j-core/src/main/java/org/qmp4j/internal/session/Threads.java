package org.qmp4j.internal.session;

import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one place qmp4j makes threads. On Java 21+ session readers and callbacks run on virtual
 * threads (a JVM can hold thousands of idle sessions); on Java 17 they are daemon platform threads.
 * Timers for every session share a single scheduler thread.
 */
public final class Threads {
    private static final ThreadFactory VIRTUAL = findVirtualThreadFactory();
    private static final AtomicInteger CALLBACK_IDS = new AtomicInteger();

    private Threads() {
    }

    /** @return true when threads made here are virtual (Java 21+) */
    public static boolean virtual() {
        return VIRTUAL != null;
    }

    /**
     * An unstarted thread: virtual when the JVM has them, otherwise a daemon platform thread.
     *
     * @param name the thread's name
     * @param task what it runs
     * @return the thread, not yet started
     */
    public static Thread newThread(String name, Runnable task) {
        if (VIRTUAL != null) {
            Thread t = VIRTUAL.newThread(task);
            t.setName(name);
            return t;
        }
        Thread t = new Thread(task, name);
        t.setDaemon(true);
        return t;
    }

    /** @return the shared timer: command deadlines and the write watchdog; tasks must be short */
    public static ScheduledExecutorService scheduler() {
        return Holder.SCHEDULER;
    }

    /**
     * Where user-visible futures complete, so that a user's callback never runs on (and never stalls)
     * a session's reader thread.
     *
     * @return the shared callback executor
     */
    public static Executor callbackExecutor() {
        return Holder.CALLBACKS;
    }

    private static final class Holder {
        static final ScheduledExecutorService SCHEDULER = newScheduler();
        static final Executor CALLBACKS = newCallbackExecutor();

        private static ScheduledExecutorService newScheduler() {
            ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "qmp4j-timer");
                t.setDaemon(true);
                return t;
            });
            s.setRemoveOnCancelPolicy(true); // cancelled command deadlines must not pile up
            return s;
        }

        private static Executor newCallbackExecutor() {
            if (virtual()) {
                return r -> newThread("qmp4j-callback", r).start(); // virtual threads are not pooled
            }
            // Not a cached pool: a burst of 64 replies made it start a thread per reply. A fork-join pool
            // keeps as many busy threads as cores, and a callback that waits on another future (a
            // CompletableFuture's get or join inside a worker) makes it add a spare thread, so such a
            // callback cannot starve the completion it waits for.
            ForkJoinPool.ForkJoinWorkerThreadFactory factory = pool -> {
                ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
                t.setName("qmp4j-callback-" + CALLBACK_IDS.incrementAndGet());
                t.setDaemon(true);
                return t;
            };
            return new ForkJoinPool(Math.max(2, Runtime.getRuntime().availableProcessors()), factory, null, true);
        }
    }

    private static ThreadFactory findVirtualThreadFactory() {
        if (!Boolean.parseBoolean(System.getProperty("qmp4j.virtualThreads", "true"))) {
            return null; // -Dqmp4j.virtualThreads=false: platform threads even on Java 21+
        }
        // Compiled for Java 17, so Thread.ofVirtual().factory() is looked up rather than called.
        // The factory (unlike the builder) is safe for concurrent use.
        try {
            Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
            return (ThreadFactory) Class.forName("java.lang.Thread$Builder").getMethod("factory").invoke(builder);
        } catch (ReflectiveOperationException | RuntimeException notAvailable) {
            return null;
        }
    }
}
