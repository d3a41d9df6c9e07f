package org.qmp4j;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.qmp4j.internal.transport.SocketListener;
import org.qmp4j.internal.transport.SocketTransport;

/**
 * Server mode: a socket QEMU connects to, for QEMU started with {@code -qmp unix:PATH} (without
 * {@code server}) or {@code -chardev socket,...,server=off}. QMP itself is the same: QEMU still
 * sends the greeting and the client still negotiates.
 *
 * <pre>{@code
 * try (QmpListener listener = QmpClient.builder().address("/tmp/vm.qmp").listen()) {
 *     // start qemu-system-x86_64 ... -qmp unix:/tmp/vm.qmp
 *     QmpClient qmp = listener.accept();
 * }
 * }</pre>
 */
public final class QmpListener implements AutoCloseable {
    private final SocketListener socket;
    private final QmpClientOptions options;

    QmpListener(SocketListener socket, QmpClientOptions options) {
        this.socket = socket;
        this.options = options;
    }

    /** @return the bound address (a TCP port of 0 is replaced by the real one) */
    public Address address() {
        return socket.address();
    }

    /**
     * Waits for QEMU to connect, within the builder's connect timeout, then reads the greeting and negotiates.
     *
     * @return the connected client
     * @throws QmpTimeoutException when QEMU does not connect, greet or negotiate in time
     */
    public QmpClient accept() {
        return accept(options.connectTimeout());
    }

    /**
     * Waits for QEMU to connect, then reads the greeting and negotiates, all within {@code timeout}.
     *
     * @param timeout the deadline for the whole set-up
     * @return the connected client
     * @throws QmpTimeoutException when QEMU does not connect, greet or negotiate in time
     * @throws QmpConnectionException when the listener fails
     */
    public QmpClient accept(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        SocketTransport transport;
        try {
            transport = socket.accept(timeout);
        } catch (SocketTimeoutException e) {
            throw new QmpTimeoutException(QmpTimeoutException.Phase.ACCEPT, timeout, "waiting for QEMU to connect to " + address());
        } catch (IOException e) {
            throw new QmpConnectionException("accept on " + address() + " failed: " + e.getMessage(), e);
        }
        return QmpClient.establish(transport, options, deadline);
    }

    /** Stops listening (and removes a unix socket file). Clients already accepted stay connected. */
    @Override
    public void close() {
        socket.close();
    }
}
