package org.qmp4j.bench;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The floor: the least work a client can do on a QMP socket. Writes pre-encoded bytes and counts
 * line ends in what comes back, parsing nothing. Only valid where each reply or event is one line
 * (QEMU without pretty=on, the fake server).
 */
final class RawQmpSocket implements AutoCloseable {
    private final SocketChannel ch;
    private final ByteBuffer in = ByteBuffer.allocateDirect(64 * 1024);

    RawQmpSocket(Path socket) throws IOException {
        ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(socket));
        readLines(1); // greeting
        // Negotiate as QmpClient does (oob on), so QEMU's monitor works the same way for both sides.
        write("{\"execute\":\"qmp_capabilities\",\"arguments\":{\"enable\":[\"oob\"]}}"
                .getBytes(StandardCharsets.UTF_8));
        readLines(1);
    }

    void write(byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /** Reads until {@code n} newline bytes have arrived. */
    void readLines(long n) throws IOException {
        long seen = 0;
        while (seen < n) {
            in.clear();
            if (ch.read(in) < 0) {
                throw new IOException("EOF");
            }
            in.flip();
            while (in.hasRemaining()) {
                if (in.get() == '\n') {
                    seen++;
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
