package org.qmp4j;

/**
 * Root of every exception qmp4j throws. All of them are unchecked, so they travel through
 * {@link java.util.concurrent.CompletableFuture} chains and lambdas without wrapping.
 *
 * <p>The subtypes say what went wrong: the server answered with an error
 * ({@link QmpCommandException}), a deadline passed ({@link QmpTimeoutException}), the connection
 * could not be made or was lost ({@link QmpConnectionException}), or the peer broke the protocol
 * ({@link QmpProtocolException}). The base type itself is thrown for misuse of a session, for
 * example {@code executeOob} when out-of-band execution was not negotiated.
 */
public class QmpException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what happened, as one readable line */
    public QmpException(String message) {
        super(message);
    }

    /**
     * @param message what happened, as one readable line
     * @param cause the underlying failure
     */
    public QmpException(String message, Throwable cause) {
        super(message, cause);
    }
}
