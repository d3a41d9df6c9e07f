package org.qmp4j.internal.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.qmp4j.Address;
import org.qmp4j.QmpConnectionException;
import org.qmp4j.QmpTimeoutException;

/**
 * A {@link Transport} over TLS on TCP, for QEMU serving QMP with {@code tls-creds}: the JDK's
 * {@link SSLSocket} with blocking streams.
 *
 * <p>Unless {@link TlsOptions#insecureSkipVerification()} is set, the server's certificate must chain
 * to the trusted CA and name the host connected to. TLS failures, during the handshake or later,
 * are reported as {@link IOException}s (and by {@link #open} as {@link QmpConnectionException}s) whose
 * message says what went wrong in words, never as a bare {@link SSLException}.
 */
public final class TlsTransport implements Transport {
    private final Socket raw;
    private final SSLSocket socket;
    private final InputStream in;
    private final OutputStream out;
    private final String peer;
    private final boolean clientCertificate;
    private final boolean server;
    private boolean received; // reader thread only

    private TlsTransport(Socket raw, SSLSocket socket, String peer, boolean clientCertificate, boolean server)
            throws IOException {
        this.raw = raw;
        this.clientCertificate = clientCertificate;
        this.server = server;
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.peer = peer;
    }

    /**
     * Connects and completes the TLS handshake, both within {@code timeout}.
     *
     * @param address where to connect; its host is what the server's certificate must name
     * @param timeout bound on the TCP connect and the handshake together
     * @param options trust and client certificate
     * @return the connected transport
     * @throws SocketTimeoutException when the connect or the handshake takes too long
     * @throws IOException when refused, when a file in {@code options} is unusable, or when the handshake
     *     fails; the message then starts with "TLS handshake with" and says why
     */
    public static TlsTransport connect(Address.Tcp address, Duration timeout, TlsOptions options) throws IOException {
        SSLContext context = options.sslContext();
        long deadline = System.nanoTime() + timeout.toNanos();
        Socket raw = new Socket();
        boolean ok = false;
        try {
            raw.setTcpNoDelay(true);
            InetSocketAddress target = new InetSocketAddress(address.host(), address.port());
            if (target.isUnresolved()) {
                throw new java.net.UnknownHostException("unknown host " + address.host());
            }
            raw.connect(target, millisUntil(deadline));
            SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(raw, address.host(), address.port(), true);
            SSLParameters params = ssl.getSSLParameters();
            if (!options.insecureSkipVerification()) {
                params.setEndpointIdentificationAlgorithm("HTTPS");
            }
            ssl.setSSLParameters(params);
            ssl.setSoTimeout(millisUntil(deadline)); // bounds each handshake read, so a silent server cannot hang us
            try {
                ssl.startHandshake();
            } catch (SocketTimeoutException e) {
                throw new SocketTimeoutException("TLS handshake with " + hostPort(address));
            } catch (IOException e) {
                if (e.getCause() instanceof SocketTimeoutException) {
                    throw new SocketTimeoutException("TLS handshake with " + hostPort(address));
                }
                throw new IOException("TLS handshake with " + hostPort(address) + " failed: " + explain(e, options), e);
            }
            ssl.setSoTimeout(0);
            TlsTransport t = new TlsTransport(raw, ssl, address.toString(), options.certFile() != null, false);
            ok = true;
            return t;
        } finally {
            if (!ok) {
                raw.close();
            }
        }
    }

    /**
     * The server's side (qmp-mux listening with TLS): the handshake on a connection a {@link TlsListener}
     * accepted, within {@code timeout}.
     *
     * @param raw the accepted TCP connection; closed if the handshake fails
     * @param context the server's certificate, and the CA its clients' certificates must chain to
     * @param needClientAuth whether a client must present a certificate
     * @param timeout bound on the handshake
     * @return the transport
     * @throws IOException when the handshake fails or takes too long, saying why
     */
    static TlsTransport accept(Socket raw, SSLContext context, boolean needClientAuth, Duration timeout)
            throws IOException {
        String peer = "TLS client " + raw.getInetAddress().getHostAddress() + ":" + raw.getPort();
        boolean ok = false;
        try {
            raw.setTcpNoDelay(true);
            SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(raw, null, raw.getPort(), true);
            ssl.setUseClientMode(false);
            ssl.setNeedClientAuth(needClientAuth);
            ssl.setSoTimeout(millisUntil(System.nanoTime() + timeout.toNanos())); // a silent client cannot hold us
            try {
                ssl.startHandshake();
            } catch (SocketTimeoutException e) {
                throw new SocketTimeoutException("TLS handshake with " + peer + " took too long");
            } catch (IOException e) {
                throw new IOException("TLS handshake with " + peer + " failed: " + e.getMessage(), e);
            }
            ssl.setSoTimeout(0);
            TlsTransport t = new TlsTransport(raw, ssl, peer, false, true);
            ok = true;
            return t;
        } finally {
            if (!ok) {
                raw.close();
            }
        }
    }

    /**
     * {@link #connect}, with failures as qmp4j exceptions: what clients call.
     *
     * @param address where to connect
     * @param timeout bound on the TCP connect and the handshake together
     * @param options trust and client certificate
     * @return the connected transport
     * @throws QmpTimeoutException when the connect or the handshake takes too long
     * @throws QmpConnectionException when refused, when the handshake fails, or when a certificate or key file
     *     is unusable
     */
    public static TlsTransport open(Address.Tcp address, Duration timeout, TlsOptions options) {
        try {
            return connect(address, timeout, options);
        } catch (SocketTimeoutException e) {
            String m = e.getMessage();
            throw new QmpTimeoutException(QmpTimeoutException.Phase.CONNECT, timeout,
                    m != null && m.startsWith("TLS handshake") ? m : "TLS connect to " + address);
        } catch (IOException e) {
            String m = e.getMessage();
            throw new QmpConnectionException(m != null && m.startsWith("TLS handshake")
                    ? m : "cannot connect to " + address + ": " + m, e);
        }
    }

    /**
     * Turns the JDK's TLS exceptions into a sentence.
     *
     * @param e what the handshake or a read threw
     * @param options the options in use, to name the trust source
     * @return why, in words, followed by the JDK's own message in parentheses
     */
    static String explain(IOException e, TlsOptions options) {
        StringBuilder all = new StringBuilder();
        String innermost = String.valueOf(e.getMessage());
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(' ').append(t.getMessage());
            if (t.getMessage() != null) {
                innermost = t.getMessage();
            }
        }
        String m = all.toString();
        String why;
        if (m.contains("PKIX path") || m.contains("unable to find valid certification path")) {
            why = options.caFile() != null ? "the server's certificate is not signed by the given CA"
                    : "the server's certificate is not trusted by the JDK's default trust store (give its CA)";
            innermost = "PKIX path building failed";
        } else if (m.contains("No subject alternative") || m.contains("No name matching")) {
            why = "the server's certificate does not name the host connected to";
        } else if (m.contains("certificate_required") || m.contains("bad_certificate")
                || m.contains("unknown_ca") || m.contains("access_denied")) {
            why = "the server requires a client certificate it accepts (none given, or not signed by its CA)";
        } else if (m.contains("expired") || m.contains("NotAfter") || m.contains("not yet valid")) {
            why = "a certificate is expired or not yet valid";
        } else if (m.contains("Unsupported or unrecognized SSL message") || m.contains("plaintext")) {
            why = "the server does not speak TLS (a plain QMP socket? use tcp: instead of tls:)";
        } else if (m.contains("Remote host terminated") || m.contains("Connection reset") || m.contains("EOF")) {
            why = "the server closed the connection (it may require a client certificate, or not serve TLS)";
        } else {
            why = e instanceof SSLException ? "TLS error" : "I/O error";
        }
        return why + " (" + innermost + ")";
    }

    private static int millisUntil(long deadlineNanos) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000));
    }

    private static String hostPort(Address.Tcp a) {
        return (a.host().indexOf(':') >= 0 ? "[" + a.host() + "]" : a.host()) + ":" + a.port();
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        int n;
        try {
            if (dst.hasArray()) {
                n = in.read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
                if (n > 0) {
                    dst.position(dst.position() + n);
                }
            } else {
                byte[] tmp = new byte[dst.remaining()];
                n = in.read(tmp);
                if (n > 0) {
                    dst.put(tmp, 0, n);
                }
            }
        } catch (SSLException e) {
            throw new IOException("TLS error from " + peer + ": " + explain(e, TlsOptions.DEFAULT), e);
        }
        if (n < 0 && !received && !server) {
            // With TLS 1.3 the server checks the client certificate after the client's handshake is done,
            // so its refusal shows up here, as a close before the first byte.
            throw new IOException("the TLS server " + peer + " closed the connection before sending anything: "
                    + (clientCertificate ? "it may have rejected the client certificate"
                            : "it may require a client certificate"));
        }
        received |= n > 0;
        return n;
    }

    /**
     * Writes every byte, then ends with a separate one-byte TLS record of whitespace: QEMU (seen with
     * 7.2) does not read the last TLS record that arrived until more data comes, so without this it would
     * not see the end of a command. A trailing whitespace byte of {@code src} is sent as that record;
     * otherwise a newline is added, which QMP ignores between messages.
     */
    @Override
    public void write(ByteBuffer src) throws IOException {
        byte[] bytes = new byte[src.remaining()];
        src.get(bytes);
        int n = bytes.length;
        if (n == 0) {
            return;
        }
        byte last = bytes[n - 1];
        boolean whitespace = last == '\n' || last == ' ' || last == '\r' || last == '\t';
        try {
            out.write(bytes, 0, whitespace ? n - 1 : n);
            out.write(whitespace ? last : '\n');
            out.flush();
        } catch (SSLException e) {
            throw new IOException("TLS error to " + peer + ": " + explain(e, TlsOptions.DEFAULT), e);
        }
    }

    @Override
    public String describe() {
        return peer;
    }

    /** Closes the TCP socket first, which unblocks a reader or writer at once, then the TLS layer. */
    @Override
    public void close() {
        SocketTransport.closeQuietly(raw);
        SocketTransport.closeQuietly(socket); // close_notify cannot go out any more: this just releases it
    }
}
