package org.qmp4j.internal.transport;

import java.time.Duration;
import org.qmp4j.Address;

/** Which transport an address and the client's options call for, in one place for every client. */
public final class Transports {
    private Transports() {
    }

    /**
     * Connects.
     *
     * @param target where
     * @param timeout bound on connecting (and the TLS handshake)
     * @param tls TLS options; any customisation makes a TCP address use TLS
     * @param fdPassing whether the connection must be able to pass file descriptors
     * @return the connected transport
     * @throws IllegalArgumentException when the options do not fit the address (TLS on a unix socket,
     *     fd passing over TCP)
     * @throws org.qmp4j.QmpConnectionException when connecting fails
     * @throws org.qmp4j.QmpTimeoutException when it takes too long
     */
    public static Transport open(Address target, Duration timeout, TlsOptions tls, boolean fdPassing) {
        if (fdPassing) {
            if (!(target instanceof Address.Unix unix) || tls.customised()) {
                throw new IllegalArgumentException("file descriptors can only be passed over a unix socket: " + target);
            }
            return SocketTransport.open(target, timeout, () -> FdPassingTransport.connect(unix.path(), timeout));
        }
        if (target instanceof Address.Tcp tcp && (tcp.tls() || tls.customised())) {
            return TlsTransport.open(tcp.withTls(), timeout, tls);
        }
        if (tls.customised()) {
            throw new IllegalArgumentException("TLS options need a TCP address (tls:host:port); TLS on a unix "
                    + "socket is not supported: " + target);
        }
        return SocketTransport.open(target, timeout);
    }
}
