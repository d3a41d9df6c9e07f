package org.qmp4j;

import java.time.Duration;

/**
 * A deadline passed. {@link #phase()} says which one; {@link #timeout()} how long was allowed.
 *
 * <p>A command that timed out does not poison its session: its late reply is recognised by id and
 * dropped, and the next command gets its own reply.
 */
public class QmpTimeoutException extends QmpException {
    private static final long serialVersionUID = 1L;

    /** The step that ran out of time. */
    public enum Phase {
        /** Opening the socket. */
        CONNECT,
        /** Waiting for the peer to connect to a listening (server-mode) socket. */
        ACCEPT,
        /** Waiting for the server's greeting. */
        GREETING,
        /** Waiting for the reply to {@code qmp_capabilities}. */
        NEGOTIATION,
        /** Waiting for the guest agent's answer to {@code guest-sync}. */
        SYNC,
        /** Waiting for a command's reply. */
        COMMAND,
        /** Writing a message the peer would not read; the connection is closed. */
        WRITE,
        /** Waiting for an event. */
        EVENT,
        /** Waiting for a launched QEMU to become ready or to exit. */
        PROCESS,
        /** Waiting for what a command started to finish: a job, an unplug, a power-down. */
        OPERATION
    }

    /** What was being waited for. */
    private final Phase phase;
    /** How long was allowed. */
    private final Duration timeout;

    /**
     * @param phase the step that ran out of time
     * @param timeout how long was allowed
     * @param what a short description of what was awaited, e.g. the command name
     */
    public QmpTimeoutException(Phase phase, Duration timeout, String what) {
        super(what + ": no answer within " + format(timeout) + " (" + phase.name().toLowerCase() + ")");
        this.phase = phase;
        this.timeout = timeout;
    }

    /** @return the step that ran out of time */
    public Phase phase() {
        return phase;
    }

    /** @return how long was allowed */
    public Duration timeout() {
        return timeout;
    }

    static String format(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? (ms / 1000) + " s" : ms + " ms";
    }
}
