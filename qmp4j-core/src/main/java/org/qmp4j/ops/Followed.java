package org.qmp4j.ops;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.qmp4j.EventSubscription;
import org.qmp4j.QmpClient;
import org.qmp4j.QmpEvent;
import org.qmp4j.QmpException;
import org.qmp4j.QmpTimeoutException;
import org.qmp4j.internal.session.Await;
import org.qmp4j.internal.session.Checks;
import org.qmp4j.internal.session.Threads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@link Job} and {@link Migration} share: an operation in QEMU followed on a thread of its own,
 * from its events (subscribed before the command was sent) and a status query polled every 250 ms,
 * until {@link #done} completes or the deadline passes; cancelling {@link #done} cancels it in QEMU.
 *
 * @param <P> the progress record
 */
abstract class Followed<P> {
    private static final Logger LOG = LoggerFactory.getLogger(Followed.class);
    private static final Duration POLL = Duration.ofMillis(250);

    final QmpClient qmp;
    final CompletableFuture<P> done = new CompletableFuture<>();
    volatile P progress;
    private final EventSubscription events;
    private final Duration deadline;
    private final long deadlineNanos;
    private final Consumer<P> listener;

    Followed(QmpClient qmp, EventSubscription events, Duration deadline, Consumer<P> listener, P initial) {
        this.qmp = qmp;
        this.events = events;
        this.deadline = Checks.positive(deadline, "deadline");
        this.deadlineNanos = Await.deadline(deadline);
        this.listener = listener;
        this.progress = initial;
        done.whenComplete((r, e) -> {
            if (done.isCancelled()) {
                CompletableFuture.runAsync(this::cancelQuietly, Threads.callbackExecutor());
            }
        });
    }

    /** Reads the current state from QEMU ({@code query-jobs}, {@code query-migrate}) and acts on it. */
    abstract void poll();

    /** One of the operation's events. */
    abstract void onEvent(QmpEvent e);

    /** @return what it is still doing when the deadline passes, e.g. {@code job b0 still running (40% done)} */
    abstract String stillDoing();

    /** @return what it is, for logs: {@code job b0}, {@code migration} */
    abstract String what();

    /** @return true once it is cancelled in QEMU; false where this side cannot cancel it */
    abstract boolean cancelInQemu();

    /** Ends with a failure; subclasses also fail their other futures. */
    void fail(QmpException e) {
        done.completeExceptionally(e);
    }

    /** Sends nothing more if the operation could not be started: the subscription is closed. */
    void abandon() {
        events.close();
    }

    void startFollowing() {
        Thread t = Threads.newThread("qmp4j-" + what(), this::follow);
        t.setDaemon(true);
        t.start();
    }

    void notifyListener() {
        if (listener != null) {
            try {
                listener.accept(progress);
            } catch (RuntimeException e) {
                LOG.warn("{}: {} progress listener failed", qmp.name(), what(), e);
            }
        }
    }

    private void follow() {
        try (EventSubscription s = events) {
            long nextPoll = System.nanoTime(); // the first poll at once
            while (!done.isDone()) {
                long now = System.nanoTime();
                if (now - deadlineNanos >= 0) {
                    fail(new QmpTimeoutException(QmpTimeoutException.Phase.OPERATION, deadline,
                            qmp.name() + ": " + stillDoing()));
                    return;
                }
                if (now - nextPoll >= 0) {
                    poll();
                    nextPoll = System.nanoTime() + POLL.toNanos();
                    continue;
                }
                QmpEvent e = s.poll(Duration.ofNanos(Math.max(1, Math.min(deadlineNanos - now, nextPoll - now))));
                if (e != null) {
                    onEvent(e);
                }
            }
        } catch (QmpException e) {
            fail(e);
        } catch (RuntimeException e) {
            LOG.error("{}: following {} failed", qmp.name(), what(), e);
            fail(new QmpException(qmp.name() + ": following " + what() + " failed: " + e, e));
        }
    }

    private void cancelQuietly() {
        try {
            if (cancelInQemu()) {
                LOG.info("{}: {} cancelled in QEMU, because its future was cancelled", qmp.name(), what());
            }
        } catch (QmpException e) {
            LOG.warn("{}: cancelling {} in QEMU failed: {}", qmp.name(), what(), e.getMessage());
        }
    }
}
