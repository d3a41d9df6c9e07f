package org.qmp4j.internal.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import org.qmp4j.Address;

/**
 * A TCP listener whose connections speak TLS as the server (qmp-mux's {@code --listen host:port} with a
 * certificate): the server's certificate and key, and optionally a CA that every client's certificate must
 * chain to, so remote clients are authenticated. Accepting and the handshake are separate steps, so a slow
 * client's handshake does not hold up the next accept.
 */
public final class TlsListener implements AutoCloseable {
    private final ServerSocket server;
    private final SSLContext context;
    private final boolean needClientAuth;
    private final Address.Tcp address;

    private TlsListener(ServerSocket server, SSLContext context, boolean needClientAuth, Address.Tcp address) {
        this.server = server;
        this.context = context;
        this.needClientAuth = needClientAuth;
        this.address = address;
    }

    /**
     * @param address where to listen; port 0 picks a free one
     * @param certPem the server's certificate chain (PEM)
     * @param keyPem its unencrypted key (PEM)
     * @param clientCaPem the CA clients' certificates must chain to, or null to accept clients without one
     * @return the listener
     * @throws IOException when a file is unusable or the address cannot be bound
     */
    public static TlsListener bind(Address.Tcp address, java.nio.file.Path certPem, java.nio.file.Path keyPem,
            java.nio.file.Path clientCaPem) throws IOException {
        SSLContext context = new TlsOptions(clientCaPem, certPem, keyPem, false).sslContext();
        ServerSocket s = new ServerSocket();
        try {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(address.host(), address.port()), 16);
            return new TlsListener(s, context, clientCaPem != null,
                    new Address.Tcp(address.host(), s.getLocalPort(), true));
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** @return the bound address (with the real port when 0 was asked for), as {@code tls:host:port} */
    public Address.Tcp address() {
        return address;
    }

    /**
     * Waits for one TCP connection (no handshake yet).
     *
     * @param timeout how long to wait
     * @return the connection
     * @throws java.net.SocketTimeoutException when nobody connects in time
     * @throws IOException when the listener fails or is closed
     */
    public Socket accept(Duration timeout) throws IOException {
        server.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis())));
        return server.accept();
    }

    /**
     * The TLS handshake on an accepted connection.
     *
     * @param raw from {@link #accept}; closed if the handshake fails
     * @param timeout bound on the handshake
     * @return the transport
     * @throws IOException when the handshake fails (a client without an accepted certificate, say), saying why
     */
    public Transport handshake(Socket raw, Duration timeout) throws IOException {
        return TlsTransport.accept(raw, context, needClientAuth, timeout);
    }

    @Override
    public void close() {
        SocketTransport.closeQuietly(server);
    }
}
