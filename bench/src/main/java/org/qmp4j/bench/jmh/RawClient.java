package org.qmp4j.bench.jmh;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * The floor: the least a client can do on a QMP socket. It writes pre-encoded commands and counts
 * line ends in what comes back, parsing nothing, on the calling thread (no reader thread, no id
 * matching). Only valid where every message is one line, as with {@link Responder}.
 */
final class RawClient implements AutoCloseable {
    private final SocketChannel ch;
    private final ByteBuffer in = ByteBuffer.allocateDirect(64 * 1024);

    RawClient(Path socket) throws IOException {
        ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(socket));
        readLines(1); // greeting
        write(ByteBuffer.wrap(Responder.ascii(
                "{\"execute\":\"qmp_capabilities\",\"arguments\":{\"enable\":[\"oob\"]},\"id\":\"qmp4j-0\"}")));
        readLines(1);
    }

    void write(ByteBuffer bytes) throws IOException {
        bytes.rewind();
        while (bytes.hasRemaining()) {
            ch.write(bytes);
        }
    }

    /**
     * Reads until at least {@code n} line ends have arrived. Replies are read in whole chunks, so
     * with commands in flight more than {@code n} may be counted.
     *
     * @param n at least this many lines
     * @return how many lines were seen
     * @throws IOException on EOF or a socket error
     */
    long readLines(long n) throws IOException {
        long seen = 0;
        while (seen < n) {
            in.clear();
            if (ch.read(in) < 0) {
                throw new IOException("EOF");
            }
            in.flip();
            for (int i = 0, lim = in.limit(); i < lim; i++) {
                if (in.get(i) == '\n') {
                    seen++;
                }
            }
        }
        return seen;
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
