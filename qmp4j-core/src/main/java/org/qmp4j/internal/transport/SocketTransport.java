package org.qmp4j.internal.transport;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import org.qmp4j.Address;

/** A {@link Transport} over a unix-domain or TCP {@link SocketChannel}. */
public final class SocketTransport implements Transport {
    private final SocketChannel channel;
    private final String peer;

    /**
     * Wraps an already connected, blocking channel.
     *
     * @param channel the channel
     * @param peer a description of the other end
     */
    public SocketTransport(SocketChannel channel, String peer) {
        this.channel = channel;
        this.peer = peer;
    }

    /**
     * Connects with a deadline. A unix socket whose listener does not accept (QEMU serves one client at
     * a time) still connects, into the backlog; the greeting deadline covers that case.
     *
     * @param address where to connect
     * @param timeout how long the connect itself may take
     * @return the connected transport
     * @throws ConnectException when refused or the socket file does not exist
     * @throws java.net.SocketTimeoutException when the deadline passes
     * @throws IOException for other socket errors
     * @throws IllegalArgumentException for a {@code tls:} address, which needs {@link TlsTransport}
     */
    public static SocketTransport connect(Address address, Duration timeout) throws IOException {
        if (address instanceof Address.Tcp tcp && tcp.tls()) {
            throw new IllegalArgumentException("this connection does not support TLS (only QMP does, through "
                    + "QmpClient or TlsTransport): " + address);
        }
        SocketChannel ch = address instanceof Address.Unix
                ? SocketChannel.open(java.net.StandardProtocolFamily.UNIX)
                : SocketChannel.open();
        if (address instanceof Address.Tcp) {
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        }
        try {
            return new SocketTransport(connectChannel(ch, address.socketAddress(), address.toString(), timeout),
                    address.toString());
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ConnectException("no socket at " + address);
        }
    }

    /**
     * Connects an open channel within a deadline and leaves it blocking; closes it on failure. (Also for
     * channels of other providers, such as qmp4j-fdpass's.)
     *
     * @param <C> the channel's type
     * @param ch an unconnected channel
     * @param target where to
     * @param description the target, for messages
     * @param timeout how long the connect may take
     * @return the connected channel
     * @throws IOException when it fails or the deadline passes ({@link java.net.SocketTimeoutException})
     */
    public static <C extends SocketChannel> C connectChannel(C ch, java.net.SocketAddress target, String description,
            Duration timeout) throws IOException {
        boolean ok = false;
        try {
            // Non-blocking connect + selector: the only way to bound a connect on a SocketChannel.
            ch.configureBlocking(false);
            if (!ch.connect(target)) {
                try (Selector selector = Selector.open()) {
                    ch.register(selector, SelectionKey.OP_CONNECT);
                    long ms = Math.max(1, timeout.toMillis());
                    if (selector.select(ms) == 0) {
                        throw new java.net.SocketTimeoutException("connect to " + description + " timed out");
                    }
                }
                ch.finishConnect();
            }
            ch.configureBlocking(true);
            ok = true;
            return ch;
        } finally {
            if (!ok) {
                ch.close();
            }
        }
    }

    /**
     * {@link #connect}, with failures as qmp4j exceptions: what clients call.
     *
     * @param address where to connect
     * @param timeout how long the connect itself may take
     * @return the connected transport
     * @throws org.qmp4j.QmpTimeoutException when the deadline passes
     * @throws org.qmp4j.QmpConnectionException when refused, missing, or failing otherwise
     * @throws IllegalArgumentException for a {@code tls:} address, which needs {@link TlsTransport}
     */
    public static SocketTransport open(Address address, Duration timeout) {
        return open(address, timeout, () -> connect(address, timeout));
    }

    /** Connects a transport of some kind; the one place connect failures become typed exceptions. */
    @FunctionalInterface
    public interface Connector<T extends Transport> {
        /**
         * @return the connected transport
         * @throws IOException when connecting fails
         */
        T connect() throws IOException;
    }

    /**
     * Connects with {@code connector}, translating failures as {@link #open(Address, Duration)} does.
     *
     * @param <T> the transport's type
     * @param address where, for messages
     * @param timeout the connect timeout, for messages
     * @param connector what connects
     * @return the transport
     * @throws org.qmp4j.QmpTimeoutException when connecting timed out
     * @throws org.qmp4j.QmpConnectionException when it failed
     */
    public static <T extends Transport> T open(Address address, Duration timeout, Connector<T> connector) {
        try {
            return connector.connect();
        } catch (java.net.SocketTimeoutException e) {
            throw new org.qmp4j.QmpTimeoutException(org.qmp4j.QmpTimeoutException.Phase.CONNECT, timeout,
                    "connect to " + address);
        } catch (IOException e) {
            throw new org.qmp4j.QmpConnectionException("cannot connect to " + address + ": " + e.getMessage(), e);
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return channel.read(dst);
    }

    @Override
    public void write(ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            channel.write(src);
        }
    }

    @Override
    public boolean isUnixSocket() {
        try {
            return channel.getRemoteAddress() instanceof java.net.UnixDomainSocketAddress;
        } catch (IOException closed) {
            return false;
        }
    }

    @Override
    public String describe() {
        return peer;
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }

    /** @param socket a channel or socket to close; closing can only fail in ways that leave it closed anyway */
    static void closeQuietly(java.io.Closeable socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closed either way
        }
    }
}
