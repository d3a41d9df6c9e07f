package org.qmp4j;

/**
 * The connection could not be made, was lost, or was closed. When a connection drops, every call
 * still waiting for a reply fails at once with this exception, and so does every later call.
 */
public class QmpConnectionException extends QmpException {
    private static final long serialVersionUID = 1L;

    /** @param message what happened */
    public QmpConnectionException(String message) {
        super(message);
    }

    /**
     * @param message what happened
     * @param cause the underlying failure (an {@link java.io.IOException}, or the exception that ended the session)
     */
    public QmpConnectionException(String message, Throwable cause) {
        super(message, cause);
    }
}
