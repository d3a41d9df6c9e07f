package org.qmp4j.transport;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;

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
     */
    public static SocketTransport connect(Address address, Duration timeout) throws IOException {
        SocketChannel ch = address instanceof Address.Unix
                ? SocketChannel.open(java.net.StandardProtocolFamily.UNIX)
                : SocketChannel.open();
        boolean ok = false;
        try {
            if (address instanceof Address.Tcp) {
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
            // Non-blocking connect + selector: the only way to bound a connect on a SocketChannel.
            ch.configureBlocking(false);
            if (!ch.connect(address.socketAddress())) {
                try (Selector selector = Selector.open()) {
                    ch.register(selector, SelectionKey.OP_CONNECT);
                    long ms = Math.max(1, timeout.toMillis());
                    if (selector.select(ms) == 0) {
                        throw new java.net.SocketTimeoutException("connect to " + address + " timed out");
                    }
                }
                ch.finishConnect();
            }
            ch.configureBlocking(true);
            ok = true;
            return new SocketTransport(ch, address.toString());
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ConnectException("no socket at " + address);
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
     */
    public static SocketTransport open(Address address, Duration timeout) {
        try {
            return connect(address, timeout);
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
    public String describe() {
        return peer;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Closing a socket can only fail in ways that leave it closed anyway.
        }
    }
}
