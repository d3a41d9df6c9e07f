package org.qmp4j.internal.session;

import java.time.Duration;

/** Validation that the QMP and guest-agent builders share, so both accept and refuse the same values. */
public final class Checks {
    /** The smallest message-size limit a builder accepts: below it, QEMU's greeting would not fit. */
    public static final int MIN_MESSAGE_SIZE = 1024;

    private Checks() {
    }

    /**
     * @param d a duration
     * @param what its name, for the message
     * @return {@code d}
     * @throws IllegalArgumentException when it is null, zero or negative
     */
    public static Duration positive(Duration d, String what) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive: " + d);
        }
        return d;
    }

    /**
     * @param bytes a message-size limit
     * @return {@code bytes}
     * @throws IllegalArgumentException when it is below {@link #MIN_MESSAGE_SIZE}
     */
    public static int messageSize(int bytes) {
        if (bytes < MIN_MESSAGE_SIZE) {
            throw new IllegalArgumentException("maxMessageSize must be at least " + MIN_MESSAGE_SIZE + " bytes: " + bytes);
        }
        return bytes;
    }
}
