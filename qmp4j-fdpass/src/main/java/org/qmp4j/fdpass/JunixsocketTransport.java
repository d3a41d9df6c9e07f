package org.qmp4j.fdpass;

import java.io.FileDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.newsclub.net.unix.AFUNIXServerSocketChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.newsclub.net.unix.AFUNIXSocketChannel;
import org.qmp4j.internal.transport.FdPassingTransport;
import org.qmp4j.internal.transport.SocketTransport;

/**
 * A unix-socket transport that can attach file descriptors to a write ({@code SCM_RIGHTS}), on
 * junixsocket's channel (a {@link java.nio.channels.SocketChannel}, so reading, writing and closing are
 * the core's {@link SocketTransport}).
 */
public final class JunixsocketTransport implements FdPassingTransport {
    // Room for the descriptors of one read: QEMU's monitor takes one at a time, 64 is plenty.
    private static final int ANCILLARY_BUFFER = 64 * 4 + 64;
    private final AFUNIXSocketChannel channel;
    private final SocketTransport plain;
    private final List<FileDescriptor> received = new ArrayList<>(); // the reader thread's, and takeReceived...'s

    private JunixsocketTransport(AFUNIXSocketChannel channel, String name) {
        this.channel = channel;
        this.plain = new SocketTransport(channel, name);
    }

    /**
     * Connects within the timeout.
     *
     * @param path the socket's path
     * @param timeout bound on connecting
     * @return the connected transport
     * @throws IOException when the connection fails or takes too long
     */
    public static JunixsocketTransport connect(Path path, Duration timeout) throws IOException {
        String name = "unix:" + path;
        return new JunixsocketTransport(SocketTransport.connectChannel(AFUNIXSocketChannel.open(),
                AFUNIXSocketAddress.of(path), name, timeout), name);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        int n = plain.read(dst);
        FileDescriptor[] fds = channel.getReceivedFileDescriptors();
        if (fds != null && fds.length > 0) {
            synchronized (received) {
                received.addAll(Arrays.asList(fds));
            }
        }
        return n;
    }

    @Override
    public FileDescriptor[] takeReceivedFileDescriptors() {
        synchronized (received) {
            FileDescriptor[] out = received.toArray(new FileDescriptor[0]);
            received.clear();
            return out;
        }
    }

    @Override
    public void write(ByteBuffer src) throws IOException {
        plain.write(src);
    }

    @Override
    public void write(ByteBuffer src, FileDescriptor[] fds) throws IOException {
        // The descriptors travel as ancillary data of the next write, so with the message's first bytes.
        channel.setOutboundFileDescriptors(fds);
        try {
            plain.write(src);
        } finally {
            if (channel.hasOutboundFileDescriptors()) {
                channel.setOutboundFileDescriptors((FileDescriptor[]) null);
            }
        }
    }

    @Override
    public String describe() {
        return plain.describe();
    }

    @Override
    public void close() {
        plain.close();
        FdPassingTransport.closeAll(takeReceivedFileDescriptors()); // nobody took them: ours to close
    }

    /** Accepts connections that can receive descriptors. */
    private static final class UnixListener implements FdPassingTransport.Listener {
        private final AFUNIXServerSocketChannel server;
        private final Path path;

        UnixListener(Path path) throws IOException {
            this.path = path;
            this.server = AFUNIXServerSocketChannel.open();
            try {
                server.socket().setDeleteOnClose(false); // the caller renames the socket into place and removes it
                server.bind(AFUNIXSocketAddress.of(path), 16);
            } catch (IOException e) {
                server.close();
                throw e;
            }
        }

        @Override
        public FdPassingTransport accept() throws IOException {
            AFUNIXSocketChannel ch = server.accept();
            ch.setAncillaryReceiveBufferSize(ANCILLARY_BUFFER);
            return new JunixsocketTransport(ch, "client of unix:" + path);
        }

        @Override
        public void close() {
            try {
                server.close();
            } catch (IOException ignored) {
                // closing a listener: nothing to do about it
            }
        }
    }

    /** Found by {@link java.util.ServiceLoader} when qmp4j-fdpass is on the class path. */
    public static final class Provider implements FdPassingTransport.Provider {
        @Override
        public FdPassingTransport connect(Path path, Duration timeout) throws IOException {
            return JunixsocketTransport.connect(path, timeout);
        }

        @Override
        public FdPassingTransport.Listener listen(Path path) throws IOException {
            return new UnixListener(path);
        }
    }
}
