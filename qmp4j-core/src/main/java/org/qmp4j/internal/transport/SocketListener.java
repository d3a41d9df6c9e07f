package org.qmp4j.internal.transport;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.time.Duration;
import org.qmp4j.Address;

/**
 * A listening socket that accepts connections with a deadline: for server mode (QEMU started with
 * {@code -qmp unix:PATH} connects to us) and for fake servers in tests. Closing removes a unix socket file.
 */
public final class SocketListener implements AutoCloseable {
    private final ServerSocketChannel server;
    private final Address address;

    private SocketListener(ServerSocketChannel server, Address address) {
        this.server = server;
        this.address = address;
    }

    /**
     * Binds and listens.
     *
     * @param address where to listen; a TCP port of 0 picks a free port
     * @return the listener
     * @throws IOException when the address is in use or cannot be bound
     * @throws IllegalArgumentException for a {@code tls:} address: listening with TLS is not supported
     */
    public static SocketListener bind(Address address) throws IOException {
        if (address instanceof Address.Tcp tcp && tcp.tls()) {
            throw new IllegalArgumentException("listening with TLS is not supported: " + address);
        }
        ServerSocketChannel ch = address instanceof Address.Unix
                ? ServerSocketChannel.open(StandardProtocolFamily.UNIX)
                : ServerSocketChannel.open();
        try {
            if (address instanceof Address.Tcp) {
                ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            }
            ch.bind(address.socketAddress(), 8);
            Address bound = address;
            if (address instanceof Address.Tcp tcp && tcp.port() == 0) {
                bound = new Address.Tcp(tcp.host(), ((java.net.InetSocketAddress) ch.getLocalAddress()).getPort());
            }
            return new SocketListener(ch, bound);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** @return the bound address (with the real port when 0 was asked for) */
    public Address address() {
        return address;
    }

    /**
     * Waits for one connection.
     *
     * @param timeout how long to wait
     * @return the connected transport
     * @throws java.net.SocketTimeoutException when nobody connects in time
     * @throws IOException when the listener fails or is closed
     */
    public SocketTransport accept(Duration timeout) throws IOException {
        synchronized (this) {
            server.configureBlocking(false);
            try (Selector selector = Selector.open()) {
                server.register(selector, SelectionKey.OP_ACCEPT);
                SocketChannel ch = null;
                long deadline = System.nanoTime() + timeout.toNanos();
                while (ch == null) {
                    long left = (deadline - System.nanoTime()) / 1_000_000;
                    if (left <= 0 || (selector.select(left) == 0 && System.nanoTime() >= deadline)) {
                        throw new java.net.SocketTimeoutException("nobody connected to " + address + " within "
                                + timeout.toMillis() + " ms");
                    }
                    selector.selectedKeys().clear();
                    ch = server.accept();
                }
                ch.configureBlocking(true);
                if (address instanceof Address.Tcp) {
                    ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                }
                return new SocketTransport(ch, "client of " + address);
            }
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // nothing useful to do
        }
        if (address instanceof Address.Unix unix) {
            try {
                Files.deleteIfExists(unix.path());
            } catch (IOException ignored) {
                // a stale socket file is replaced by the next bind's caller
            }
        }
    }
}
