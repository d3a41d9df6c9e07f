/**
 * Optional: passing file descriptors ({@code SCM_RIGHTS}) over unix sockets, with junixsocket. Found by
 * the core through {@link java.util.ServiceLoader}; it has no API of its own.
 */
module org.qmp4j.fdpass {
    requires org.qmp4j.core;
    requires org.newsclub.net.unix;

    provides org.qmp4j.internal.transport.FdPassingTransport.Provider
            with org.qmp4j.fdpass.JunixsocketTransport.Provider;
}
