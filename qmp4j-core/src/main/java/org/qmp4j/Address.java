package org.qmp4j;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Where a QMP or guest-agent socket lives: a unix socket path or a TCP host and port, the latter
 * optionally with TLS.
 *
 * <p>{@link #parse(String)} accepts the forms QEMU users type: {@code /path/to.sock},
 * {@code unix:/path}, {@code host:port}, {@code tcp:host:port}, {@code [::1]:4444}, and
 * {@code tls:host:port} or {@code tls:[::1]:4444} for QMP over TLS.
 */
public sealed interface Address permits Address.Unix, Address.Tcp {

    /** Linux's limit for a unix socket path, not counting the terminating NUL. */
    int MAX_UNIX_PATH_BYTES = 107;

    /** @return the JDK socket address to connect or bind to */
    SocketAddress socketAddress();

    /**
     * A unix-domain socket.
     *
     * @param path the socket's file
     */
    record Unix(Path path) implements Address {
        /**
         * Validates the path length, which the kernel would otherwise reject with an obscure error.
         *
         * @param path the socket's file
         */
        public Unix {
            int bytes = path.toString().getBytes(StandardCharsets.UTF_8).length;
            if (bytes == 0) {
                throw new IllegalArgumentException("empty unix socket path");
            }
            if (bytes > MAX_UNIX_PATH_BYTES) {
                throw new IllegalArgumentException("unix socket path is " + bytes + " bytes, the limit is "
                        + MAX_UNIX_PATH_BYTES + ": " + path);
            }
        }

        @Override
        public SocketAddress socketAddress() {
            return UnixDomainSocketAddress.of(path);
        }

        @Override
        public String toString() {
            return "unix:" + path;
        }
    }

    /**
     * A TCP endpoint, plain or TLS.
     *
     * @param host a host name or an IPv4/IPv6 literal (without brackets); with TLS, the name the
     *     server's certificate must match
     * @param port 0..65535 (0 only for listening: any free port)
     * @param tls whether the connection is wrapped in TLS ({@code tls:host:port})
     */
    record Tcp(String host, int port, boolean tls) implements Address {
        /**
         * Validates the port range.
         *
         * @param host a host name or an IP literal
         * @param port the port
         * @param tls whether to use TLS
         */
        public Tcp {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("TCP port out of range: " + port);
            }
            if (host.isEmpty()) {
                throw new IllegalArgumentException("empty host name");
            }
        }

        /**
         * A plain (non-TLS) TCP endpoint.
         *
         * @param host a host name or an IP literal
         * @param port the port
         */
        public Tcp(String host, int port) {
            this(host, port, false);
        }

        /** @return the same host and port with TLS */
        public Tcp withTls() {
            return new Tcp(host, port, true);
        }

        @Override
        public SocketAddress socketAddress() {
            return new InetSocketAddress(host, port);
        }

        @Override
        public String toString() {
            return (tls ? "tls:" : "tcp:") + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /**
     * Parses an address as typed by a user.
     *
     * @param text {@code /path}, {@code unix:/path}, {@code host:port}, {@code tcp:host:port}, {@code [v6]:port},
     *     {@code tls:host:port} or {@code tls:[v6]:port}
     * @return the address
     * @throws IllegalArgumentException with a readable message when the text is not an address
     */
    static Address parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("no address given (expected /path/to.sock, unix:PATH or host:port)");
        }
        String s = text.strip();
        if (s.startsWith("unix:")) {
            return new Unix(Path.of(s.substring(5)));
        }
        boolean tls = s.startsWith("tls:");
        boolean explicitTcp = tls || s.startsWith("tcp:");
        if (explicitTcp) {
            s = s.substring(4);
        }
        if (tls && (s.startsWith("/") || s.startsWith("."))) {
            throw new IllegalArgumentException("TLS works only over TCP (tls:host:port), not on a unix socket: " + text);
        }
        int colon = s.lastIndexOf(':');
        if (!explicitTcp && (colon < 0 || s.startsWith("/") || s.startsWith("."))) {
            return new Unix(Path.of(s));
        }
        if (colon < 0) {
            throw new IllegalArgumentException("TCP address needs a port: " + text);
        }
        String host = s.substring(0, colon);
        String port = s.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw new IllegalArgumentException("IPv6 addresses need brackets, as in [::1]:4444: " + text);
        }
        if (!port.matches("[0-9]{1,5}")) {
            throw new IllegalArgumentException("not a TCP port: '" + port + "' in " + text);
        }
        return new Tcp(host.isEmpty() ? "localhost" : host, Integer.parseInt(port), tls);
    }
}
