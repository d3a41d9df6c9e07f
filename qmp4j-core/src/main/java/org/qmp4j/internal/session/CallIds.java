package org.qmp4j.internal.session;

import java.util.Arrays;

/**
 * The ids a session gives its commands: small numbers, reused. QEMU's monitor reads a command one
 * byte per turn of its event loop (about 10 µs a byte on QEMU 7.2 and 11.1, bench/notes.md), so every
 * byte of the id is paid on every round trip; {@code "id":1} costs 70 µs less than {@code "id":"qmp4j-1234"}.
 *
 * <p>An id goes back into the pool only when no reply can carry it any more: when its call's reply
 * arrived, or an abandoned call's late reply did. An id the session stopped remembering (it abandoned
 * too many calls) is never reused, so a reply is never matched to the wrong call. Sequential calls all
 * send id 1, and ids only grow past the most calls ever in flight when calls are abandoned.
 */
final class CallIds {
    private long[] free = new long[8]; // a stack: the id freed last is used first
    private int freeCount;
    private long next = 1;

    /** @return an id no pending or abandoned call has */
    synchronized long take() {
        return freeCount > 0 ? free[--freeCount] : next++;
    }

    /** @param id an id whose reply has arrived: no message will carry it again */
    synchronized void release(long id) {
        if (freeCount == free.length) {
            free = Arrays.copyOf(free, freeCount * 2);
        }
        free[freeCount++] = id;
    }
}
