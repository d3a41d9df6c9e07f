package org.qmp4j.fdpass;

import java.io.FileDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
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
    private final AFUNIXSocketChannel channel;
    private final SocketTransport plain;

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
        return plain.read(dst);
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
    }

    /** Found by {@link java.util.ServiceLoader} when qmp4j-fdpass is on the class path. */
    public static final class Provider implements FdPassingTransport.Provider {
        @Override
        public FdPassingTransport connect(Path path, Duration timeout) throws IOException {
            return JunixsocketTransport.connect(path, timeout);
        }
    }
}
