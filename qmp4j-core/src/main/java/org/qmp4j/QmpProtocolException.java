package org.qmp4j;

/**
 * The peer broke the protocol: a bad greeting, bytes that are not JSON, a message over the size
 * limit, a failed negotiation, or an error reply without an id (the server could not parse what it
 * was sent). The session cannot be trusted after that and is closed; calls that were waiting fail
 * with a {@link QmpConnectionException} whose cause is this exception.
 */
public class QmpProtocolException extends QmpException {
    private static final long serialVersionUID = 1L;

    /** @param message what was wrong */
    public QmpProtocolException(String message) {
        super(message);
    }

    /**
     * @param message what was wrong
     * @param cause the parser's exception
     */
    public QmpProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
