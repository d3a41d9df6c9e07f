package org.qmp4j.mux;

import java.time.Duration;

/**
 * The mux's settings, fixed when it starts.
 *
 * @param clientQueue messages that may wait for one client before it is disconnected
 * @param clientQueueBytes bytes that may wait for one client before it is disconnected
 * @param commandTimeout how long a forwarded command may wait for QEMU's reply
 * @param writeTimeout how long one write to a client may block
 * @param maxMessageSize the largest request a client may send
 */
record MuxOptions(int clientQueue, long clientQueueBytes, Duration commandTimeout, Duration writeTimeout,
        int maxMessageSize) {
}
