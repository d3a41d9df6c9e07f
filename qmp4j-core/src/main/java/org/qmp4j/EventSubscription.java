package org.qmp4j;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A queue of the events one consumer is interested in, filled by the session and emptied by
 * {@link #next} or {@link #poll}. Obtain one from {@link QmpClient#subscribe(String...)} or
 * {@link QmpClient#subscribe(Predicate)} before you trigger what you wait for (events that arrive
 * earlier are not in it), or use the client's built-in {@link QmpClient#events()} which exists from
 * the moment of connecting.
 *
 * <p>The queue is bounded. When it is full the oldest event is dropped, counted in {@link #dropped()}
 * and logged: a slow consumer loses its own old events but never delays command replies or other
 * subscriptions. Thread-safe. Closing unregisters it; once the connection ends, events already queued
 * can still be taken, after which {@code next} and {@code poll} throw {@link QmpConnectionException}.
 */
public final class EventSubscription implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventSubscription.class);
    private static final long LOG_INTERVAL_NANOS = 10_000_000_000L;

    private final String owner;
    private final Set<String> names;
    private final Predicate<QmpEvent> filter; // null: by names only
    private final int capacity;
    private final Consumer<EventSubscription> onClose;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<QmpEvent> queue = new ArrayDeque<>();
    private long dropped;
    private long lastDropLog;
    private boolean closed;
    // Events of the current read, not yet queued: touched only by the reader thread (offer, flush).
    private final ArrayList<QmpEvent> staged = new ArrayList<>();
    private QmpException ended;

    EventSubscription(String owner, Set<String> names, Predicate<QmpEvent> filter, int capacity,
            Consumer<EventSubscription> onClose) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("event queue capacity must be positive: " + capacity);
        }
        this.owner = owner;
        this.names = Set.copyOf(names);
        this.filter = filter;
        this.capacity = capacity;
        this.onClose = onClose;
    }

    /**
     * @return the event names given to {@link QmpClient#subscribe(String...)}; empty for every event, and
     *     for a subscription made with a predicate
     */
    public Set<String> names() {
        return names;
    }

    /** @return the queue's bound */
    public int capacity() {
        return capacity;
    }

    /** @return how many events were dropped because the queue was full */
    public long dropped() {
        lock.lock();
        try {
            return dropped;
        } finally {
            lock.unlock();
        }
    }

    /** @return events waiting to be taken */
    public int size() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes the next event, waiting for it.
     *
     * @param timeout how long to wait
     * @return the event
     * @throws QmpTimeoutException when none arrives in time
     * @throws QmpConnectionException when the connection ended and the queue is empty
     * @throws QmpException when the subscription was closed, or the thread interrupted
     */
    public QmpEvent next(Duration timeout) {
        QmpEvent e = poll(timeout);
        if (e == null) {
            throw new QmpTimeoutException(QmpTimeoutException.Phase.EVENT, timeout,
                    owner + ": waiting for " + describe());
        }
        return e;
    }

    /**
     * Takes the next event, waiting at most {@code timeout}.
     *
     * @param timeout how long to wait; zero means don't wait
     * @return the event, or null on timeout
     * @throws QmpConnectionException when the connection ended and the queue is empty
     * @throws QmpException when the subscription was closed, or the thread interrupted
     */
    public QmpEvent poll(Duration timeout) {
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            while (true) {
                QmpEvent e = queue.pollFirst();
                if (e != null) {
                    return e;
                }
                if (closed) {
                    throw new QmpException(owner + ": event subscription is closed");
                }
                if (ended != null) {
                    throw new QmpConnectionException(ended.getMessage(), ended);
                }
                if (nanos <= 0) {
                    return null;
                }
                nanos = changed.awaitNanos(nanos);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QmpException(owner + ": interrupted while waiting for an event", e);
        } finally {
            lock.unlock();
        }
    }

    /** @return every queued event, removed from the queue, without waiting */
    public List<QmpEvent> drain() {
        lock.lock();
        try {
            List<QmpEvent> out = new ArrayList<>(queue);
            queue.clear();
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** Unregisters; waiting consumers are woken with an exception. Idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            queue.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        onClose.accept(this);
    }

    private String describe() {
        return filter != null ? "a matching event" : names.isEmpty() ? "any event" : "event " + String.join("|", names);
    }

    /**
     * Reader thread. A predicate that throws is a bug in the caller's code: it is logged and the event
     * is not taken, and the session goes on.
     */
    boolean accepts(QmpEvent event) {
        if (filter == null) {
            return names.isEmpty() || names.contains(event.name());
        }
        try {
            return filter.test(event);
        } catch (RuntimeException e) {
            LOG.warn("{}: event filter failed on {}; event not delivered to this subscription", owner, event.name(), e);
            return false;
        }
    }

    /**
     * Reader thread: stages the event without taking the queue lock. {@link #flush()}, once the whole
     * read is handled, queues every staged event under one lock and wakes consumers once, so a burst
     * costs one lock hand-over and one wake-up, not one per event (a consumer polling meanwhile would
     * otherwise contend for the lock with the reader on every event).
     */
    void offer(QmpEvent event) {
        staged.add(event);
    }

    /** Reader thread: queues what {@link #offer} staged since the last call and wakes consumers. */
    void flush() {
        int n = staged.size();
        if (n == 0) {
            return;
        }
        long droppedNow = -1;
        lock.lock();
        try {
            if (!closed && ended == null) {
                for (int i = 0; i < n; i++) {
                    if (queue.size() >= capacity) {
                        queue.pollFirst();
                        dropped++;
                        // Say so at the first drop, then at most every 10 s while drops go on.
                        long now = System.nanoTime();
                        if (dropped == 1 || now - lastDropLog >= LOG_INTERVAL_NANOS) {
                            lastDropLog = now;
                            droppedNow = dropped;
                        }
                    }
                    queue.addLast(staged.get(i));
                }
                changed.signalAll();
            }
        } finally {
            lock.unlock();
            staged.clear();
        }
        if (droppedNow > 0) {
            LOG.warn("{}: event queue for {} full ({} events); dropped the oldest, {} dropped so far",
                    owner, describe(), capacity, droppedNow);
        }
    }

    /** The connection ended: consumers drain what is queued, then get the cause. */
    void end(QmpException cause) {
        lock.lock();
        try {
            if (ended == null) {
                ended = cause;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
