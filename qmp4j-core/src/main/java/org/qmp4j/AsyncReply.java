package org.qmp4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.qmp4j.internal.session.MessageSession;

/**
 * The future {@link QmpClient#executeAsync} returns. The reader thread never completes it (a user's
 * stage would then run there): it completes the engine's future, {@link MessageSession.Call#reply()},
 * and this one is completed from that by {@link #settle()}, on the callback executor or on a thread
 * of the user's.
 *
 * <p>A thread that waits ({@link #join()}, {@link #get()}) waits on the engine's future, so the reader
 * wakes it directly, and it settles this future itself: one thread hand-off per reply instead of two
 * (reader, callback executor, waiter). While such a thread is waiting, the reader does not hand the
 * reply to the callback executor at all, since the waiter is bound to settle it; stages attached meanwhile
 * run on the waiter's thread, which is the user's.
 */
final class AsyncReply extends CompletableFuture<JsonNode> {
    private final MessageSession.Call call;
    private final Function<ObjectNode, JsonNode> interpret;
    final long deadlineNanos;
    // Threads in join/get that will settle this future after the engine's future completes.
    private final AtomicInteger waiters = new AtomicInteger();
    private volatile ScheduledFuture<?> timer;

    /**
     * @param call the pending call
     * @param interpret the reply to the return value (throws for an error reply)
     * @param deadlineNanos when the call times out ({@link System#nanoTime()})
     */
    AsyncReply(MessageSession.Call call, Function<ObjectNode, JsonNode> interpret, long deadlineNanos) {
        this.call = call;
        this.interpret = interpret;
        this.deadlineNanos = deadlineNanos;
    }

    /** @return the pending call */
    MessageSession.Call call() {
        return call;
    }

    /** @return true once the engine's future has completed (reply, failure, timeout or cancellation) */
    boolean answered() {
        return call.reply().isDone();
    }

    /**
     * Any thread, after the engine's future completed (the reader's, the timer's, the closing one's):
     * hands the settling to the callback executor, unless a waiting thread is bound to do it.
     *
     * @param callbacks the callback executor
     */
    void answeredOn(Executor callbacks) {
        disarm();
        if (waiters.get() == 0) {
            callbacks.execute(this::settle);
        }
    }

    /** Completes this future from the engine's, which has completed; never on the reader thread. */
    void settle() {
        if (isDone()) {
            return;
        }
        try {
            complete(interpret.apply(call.reply().join()));
        } catch (CompletionException e) {
            completeExceptionally(e.getCause());
        } catch (CancellationException e) {
            cancel(false); // only from this future's own cancellation, so already done
        } catch (RuntimeException e) {
            completeExceptionally(e);
        }
    }

    /**
     * @param t the deadline's timer entry; cancelled at once if the call has been answered meanwhile
     */
    void armed(ScheduledFuture<?> t) {
        timer = t;
        if (answered()) {
            t.cancel(false);
        }
    }

    private void disarm() {
        ScheduledFuture<?> t = timer;
        if (t != null) {
            t.cancel(false);
        }
    }

    @Override
    public JsonNode join() {
        try {
            await(CompletableFuture::join);
        } catch (InterruptedException | TimeoutException impossible) {
            throw new AssertionError(impossible); // join neither is interrupted nor times out
        }
        return super.join();
    }

    @Override
    public JsonNode get() throws InterruptedException, ExecutionException {
        try {
            await(CompletableFuture::get);
        } catch (TimeoutException impossible) {
            throw new AssertionError(impossible);
        }
        return super.get();
    }

    @Override
    public JsonNode get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        await(reply -> reply.get(timeout, unit));
        return super.get(0, TimeUnit.NANOSECONDS);
    }

    /** How a waiting method waits on the engine's future. */
    @FunctionalInterface
    private interface Wait {
        void on(CompletableFuture<ObjectNode> reply) throws InterruptedException, ExecutionException, TimeoutException;
    }

    /** Waits on the engine's future (woken by the reader directly), then settles this one. */
    private void await(Wait wait) throws InterruptedException, TimeoutException {
        if (isDone()) {
            return;
        }
        waiters.incrementAndGet();
        try {
            wait.on(call.reply());
        } catch (ExecutionException | CompletionException | CancellationException failed) {
            // settled from the engine's future by leave()
        } finally {
            leave();
        }
    }

    /**
     * A waiter leaves (answered, interrupted or out of time): if the engine's future has completed, the
     * reader may have left the settling to it, so it settles now, on its own thread.
     */
    private void leave() {
        waiters.decrementAndGet();
        if (answered()) {
            settle();
        }
    }
}
