package org.qmp4j.internal.transport;

import java.io.FileDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ServiceLoader;

/**
 * A unix-socket transport that can send file descriptors with a message ({@code SCM_RIGHTS}), as
 * QEMU's {@code getfd} and {@code add-fd} expect. The JDK cannot do this, so the implementation lives in
 * the optional qmp4j-fdpass module (junixsocket), found through {@link Provider}; the core's plain path
 * carries no native code.
 */
public interface FdPassingTransport extends Transport {

    /**
     * Writes every remaining byte of {@code src} with the descriptors attached to its first bytes.
     *
     * @param src the bytes
     * @param fds open descriptors; the peer gets its own copies, the caller keeps and closes these
     * @throws IOException when the connection fails or is closed
     */
    void write(ByteBuffer src, FileDescriptor[] fds) throws IOException;

    @Override
    default boolean isUnixSocket() {
        return true;
    }

    /**
     * The descriptors the peer attached to what was read since the last call (a server's side: qmp-mux
     * takes them with the command they came with). The caller owns them and must close them.
     *
     * @return the descriptors, oldest first; empty when none came
     */
    default FileDescriptor[] takeReceivedFileDescriptors() {
        return new FileDescriptor[0];
    }

    /**
     * Closes received descriptors (this process's copies; whoever they were passed on to has its own).
     *
     * @param fds the descriptors
     */
    static void closeAll(FileDescriptor... fds) {
        for (FileDescriptor fd : fds) {
            try {
                new java.io.FileInputStream(fd).close(); // the JDK's only public way to close a bare descriptor
            } catch (IOException alreadyClosed) {
                // nothing left to release
            }
        }
    }

    /** A listening unix socket whose connections can receive (and send) descriptors. */
    interface Listener extends AutoCloseable {
        /**
         * Waits for one connection.
         *
         * @return the connected transport
         * @throws IOException when the listener fails or is closed (closing it ends a waiting accept)
         */
        FdPassingTransport accept() throws IOException;

        @Override
        void close();
    }

    /** Makes such transports; registered with {@link ServiceLoader} by the module that implements them. */
    interface Provider {
        /**
         * @param path the unix socket's path
         * @param timeout bound on connecting
         * @return the connected transport
         * @throws IOException when the connection fails
         */
        FdPassingTransport connect(Path path, Duration timeout) throws IOException;

        /**
         * @param path where to bind (the caller handles an existing file and permissions)
         * @return the bound listener
         * @throws IOException when binding fails
         */
        Listener listen(Path path) throws IOException;
    }

    /**
     * Binds with the first provider on the class path.
     *
     * @param path where to bind
     * @return the listener, or null when no provider is on the class path (connections then carry no descriptors)
     * @throws IOException when binding fails
     */
    static Listener listen(Path path) throws IOException {
        for (Provider p : ServiceLoader.load(Provider.class)) {
            return p.listen(path);
        }
        return null;
    }

    /**
     * Connects with the first provider on the class path.
     *
     * @param path the unix socket's path
     * @param timeout bound on connecting
     * @return the connected transport
     * @throws IOException when the connection fails
     * @throws IllegalStateException when no provider is on the class path
     */
    static FdPassingTransport connect(Path path, Duration timeout) throws IOException {
        for (Provider p : ServiceLoader.load(Provider.class)) {
            return p.connect(path, timeout);
        }
        throw new IllegalStateException("passing file descriptors needs the qmp4j-fdpass module (junixsocket) on the class path");
    }
}
