package org.qmp4j.bench.jmh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.qmp4j.QmpProtocolException;
import org.qmp4j.internal.framing.JsonFramer;

/**
 * A minimal in-process QMP peer on a unix socket, shared by the qmp4j side and the raw floor so both
 * face the same server. It sends a greeting, then answers every command with one pre-encoded
 * {@code query-status} reply carrying the command's id (copied byte for byte). A command whose name
 * is {@value #FLOOD} is answered with a pre-encoded burst of events followed by the reply.
 *
 * <p>Its per-command work is framing with the library's {@link JsonFramer} (a byte scan), an id copy
 * and one write per read (replies to all the commands that arrived in one read go out together), so
 * it is not the bottleneck. One client at a time, on one daemon thread.
 */
public final class Responder implements AutoCloseable {
    /** The command that makes the responder send its event burst before replying. */
    public static final String FLOOD = "x-flood";

    static final byte[] GREETING = ascii("{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 2, \"major\": 7}, "
            + "\"package\": \"qmp4j-bench\"}, \"capabilities\": [\"oob\"]}}\r\n");
    private static final byte[] REPLY_HEAD = ascii(
            "{\"return\": {\"status\": \"running\", \"singlestep\": false, \"running\": true}, \"id\": ");
    private static final byte[] REPLY_TAIL = ascii("}\r\n");
    private static final byte[] ID_KEY = ascii("\"id\":");
    private static final byte[] FLOOD_NAME = ascii("\"" + FLOOD + "\"");

    private final Path dir;
    private final Path socket;
    private final ServerSocketChannel server;
    private final byte[] burst;
    private final Thread thread;
    private volatile SocketChannel client;
    private volatile boolean closed;

    private Responder(byte[] burst) throws IOException {
        this.burst = burst;
        dir = Files.createTempDirectory("qmp4j-jmh-");
        socket = dir.resolve("qmp.sock");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        thread = new Thread(this::serve, "jmh-responder");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * @return a responder without an event burst
     * @throws IOException when the socket cannot be created
     */
    public static Responder start() throws IOException {
        return new Responder(new byte[0]);
    }

    /**
     * @param burst the bytes to send before the reply to {@value #FLOOD}
     * @return a responder
     * @throws IOException when the socket cannot be created
     */
    public static Responder start(byte[] burst) throws IOException {
        return new Responder(burst.clone());
    }

    /** @return the socket's path */
    public Path socket() {
        return socket;
    }

    /** @return the address for {@code QmpClient}: {@code unix:/path} */
    public String address() {
        return "unix:" + socket;
    }

    private void serve() {
        while (!closed) {
            try (SocketChannel ch = server.accept()) {
                client = ch;
                serve(ch);
            } catch (IOException e) {
                // client gone, or closing
            }
        }
    }

    private void serve(SocketChannel ch) throws IOException {
        write(ch, ByteBuffer.wrap(GREETING));
        ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        JsonFramer framer = new JsonFramer(in.capacity()); // keeps an unfinished command for the next read
        Replies replies = new Replies(ch);
        while (true) {
            in.clear();
            int n = ch.read(in);
            if (n < 0) {
                return;
            }
            try {
                framer.feed(in.array(), 0, n, replies);
            } catch (UncheckedIOException e) {
                throw e.getCause();
            } catch (QmpProtocolException e) {
                throw new IOException(e.getMessage(), e);
            }
            replies.flush();
        }
    }

    /** Answers the commands framed from one read, collecting the replies for one write. */
    private final class Replies implements JsonFramer.Sink {
        private final SocketChannel ch;
        private final ByteBuffer out = ByteBuffer.allocate(256 * 1024);

        Replies(SocketChannel ch) {
            this.ch = ch;
        }

        @Override
        public void frame(byte[] buf, int off, int len) {
            try {
                answer(buf, off, off + len);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private void answer(byte[] buf, int from, int to) throws IOException {
            if (burst.length > 0 && indexOf(buf, from, to, FLOOD_NAME) >= 0) {
                flush();
                write(ch, ByteBuffer.wrap(burst));
            }
            int k = lastIndexOf(buf, from, to, ID_KEY);
            int idFrom = k < 0 ? -1 : k + ID_KEY.length;
            int idTo = to - 1; // the id is the last member (qmp4j and the floor both put it there)
            int need = REPLY_HEAD.length + (idFrom < 0 ? 4 : idTo - idFrom) + REPLY_TAIL.length;
            if (out.remaining() < need) {
                flush();
            }
            out.put(REPLY_HEAD);
            if (idFrom < 0) {
                out.put(ascii("null"));
            } else {
                out.put(buf, idFrom, idTo - idFrom);
            }
            out.put(REPLY_TAIL);
        }

        /**
         * Writes the replies collected so far.
         *
         * @throws IOException on a socket error
         */
        void flush() throws IOException {
            out.flip();
            write(ch, out);
            out.clear();
        }
    }

    private static void write(SocketChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    private static int indexOf(byte[] buf, int from, int to, byte[] needle) {
        outer:
        for (int i = from; i <= to - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (buf[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static int lastIndexOf(byte[] buf, int from, int to, byte[] needle) {
        outer:
        for (int i = to - needle.length; i >= from; i--) {
            for (int j = 0; j < needle.length; j++) {
                if (buf[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * A burst of {@code count} realistic {@code BLOCK_JOB_PROGRESS} events, one CRLF-terminated line each.
     *
     * @param count how many
     * @return the bytes
     */
    public static byte[] eventBurst(int count) {
        StringBuilder sb = new StringBuilder(count * 200);
        for (int i = 0; i < count; i++) {
            sb.append(Traffic.event(i));
        }
        return ascii(sb.toString());
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        SocketChannel c = client;
        if (c != null) {
            c.close();
        }
        thread.interrupt();
        Files.deleteIfExists(socket);
        Files.deleteIfExists(dir);
    }
}
