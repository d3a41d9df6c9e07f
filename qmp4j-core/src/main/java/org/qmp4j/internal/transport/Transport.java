package org.qmp4j.internal.transport;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A connected byte stream: the bottom layer. It knows nothing about JSON.
 *
 * <p>One thread reads (the session's reader) while others write; writes are serialised by the caller.
 * {@link #close()} may be called from any thread and makes a blocked {@code read} or {@code write}
 * return with an exception at once.
 */
public interface Transport extends Closeable {

    /**
     * Blocks until at least one byte arrives.
     *
     * @param dst where to put the bytes
     * @return the number of bytes read, or -1 at end of stream
     * @throws IOException when the connection fails or is closed
     */
    int read(ByteBuffer dst) throws IOException;

    /**
     * Writes every remaining byte of {@code src}, blocking while the peer does not read.
     *
     * @param src the bytes
     * @throws IOException when the connection fails or is closed
     */
    void write(ByteBuffer src) throws IOException;

    /** @return true for a unix-domain socket (the only kind that can carry file descriptors) */
    default boolean isUnixSocket() {
        return false;
    }

    /** @return the peer, for logs and messages */
    String describe();

    /** Closes the connection; idempotent. */
    @Override
    void close();
}
