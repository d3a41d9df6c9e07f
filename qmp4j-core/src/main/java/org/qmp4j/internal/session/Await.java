package org.qmp4j.internal.session;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.qmp4j.QmpException;

/**
 * The one place a blocking call waits on the engine's future, with a deadline, and turns what
 * {@link CompletableFuture#get(long, TimeUnit)} throws into qmp4j's unchecked exceptions. Every
 * synchronous call is its asynchronous form plus this wait, as the JDK's {@code HttpClient.send} is
 * {@code sendAsync} plus a {@code get}.
 */
public final class Await {

    /** What to do when the deadline passes or the thread is interrupted while waiting. */
    public interface GiveUp<T> {
        /**
         * The deadline passed: stop waiting (forget the call) and throw the timeout, or return a value
         * when the caller's rules say so (a reply that is being delivered right now, silence that means success).
         *
         * @return the value to return instead
         */
        T expired();

        /** The thread was interrupted: stop waiting; the interrupt flag is restored afterwards. */
        default void interrupted() {
        }
    }

    private Await() {
    }

    /**
     * Waits until the future completes or the deadline passes.
     *
     * @param <T> the value's type
     * @param future what to wait for
     * @param deadlineNanos the {@link System#nanoTime()} by which it must complete
     * @param what the wait, for the interruption's message (e.g. {@code "qmp /tmp/s: query-status"})
     * @param giveUp called on timeout and on interruption
     * @return the future's value, or what {@link GiveUp#expired()} returns
     * @throws QmpException the future's failure as it is (the engine fails futures with qmp4j's
     *     exceptions), what {@code giveUp} throws, or a {@link QmpException} on interruption
     */
    public static <T> T until(CompletableFuture<? extends T> future, long deadlineNanos, String what, GiveUp<T> giveUp) {
        try {
            return future.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return giveUp.expired();
        } catch (ExecutionException e) {
            throw unchecked(e.getCause());
        } catch (InterruptedException e) {
            giveUp.interrupted();
            Thread.currentThread().interrupt();
            throw new QmpException(what + ": interrupted while waiting", e);
        }
    }

    /**
     * @param cause a future's failure
     * @return it when it is unchecked (the engine only fails futures with {@link QmpException}s), else wrapped
     */
    public static RuntimeException unchecked(Throwable cause) {
        if (cause instanceof RuntimeException r) {
            return r;
        }
        return new QmpException(String.valueOf(cause), cause);
    }

    /**
     * A deadline that cannot overflow: {@code now + timeout}, saturated for absurdly long timeouts.
     *
     * @param timeout how long from now
     * @return the {@link System#nanoTime()} of the deadline
     */
    public static long deadline(java.time.Duration timeout) {
        long now = System.nanoTime();
        long nanos = nanos(timeout);
        return now + nanos;
    }

    /**
     * @param timeout a duration
     * @return it in nanoseconds, at most a hundred years, never negative
     */
    public static long nanos(java.time.Duration timeout) {
        return timeout.compareTo(MAX_WAIT) > 0 ? MAX_WAIT.toNanos() : Math.max(0, timeout.toNanos());
    }

    private static final java.time.Duration MAX_WAIT = java.time.Duration.ofDays(365 * 100);
}
