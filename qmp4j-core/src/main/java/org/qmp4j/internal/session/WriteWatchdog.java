package org.qmp4j.internal.session;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Bounds every write. A blocking socket write cannot time out by itself, and a peer that stops
 * reading (a stopped QEMU, a full in-band queue) would hold the writer forever. One shared timer
 * task looks at the sessions that are in the middle of a write and fails those stuck for longer
 * than their write timeout, which closes the socket and so releases the writer. The write path
 * itself only sets a volatile timestamp.
 */
final class WriteWatchdog {
    private static final long PERIOD_MS = 200;
    private static final Set<MessageSession> WATCHED = ConcurrentHashMap.newKeySet();

    static {
        Threads.scheduler().scheduleWithFixedDelay(WriteWatchdog::sweep, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
    }

    private WriteWatchdog() {
    }

    static void watch(MessageSession session) {
        WATCHED.add(session);
    }

    static void unwatch(MessageSession session) {
        WATCHED.remove(session);
    }

    private static void sweep() {
        long now = System.nanoTime();
        for (MessageSession s : WATCHED) {
            try {
                s.checkWriteStall(now);
            } catch (RuntimeException e) {
                // never let one session kill the shared timer
                org.slf4j.LoggerFactory.getLogger(WriteWatchdog.class).error("write watchdog failed", e);
            }
        }
    }
}
