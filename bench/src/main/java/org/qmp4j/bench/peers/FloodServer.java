package org.qmp4j.bench.peers;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The event source for the {@code events} case of bench/peers/run: a QMP server on a unix socket that
 * serves one client at a time, forever. It greets like QEMU 7.2, answers {@code qmp_capabilities} and
 * {@code query-status} as QEMU does (echoing the id), and from the negotiation reply on floods
 * {@code BLOCK_JOB_PROGRESS} events in QEMU's exact wire format, pre-encoded and written in large
 * chunks of whole lines, until the client goes away.
 *
 * <p>Usage: {@code FloodServer SOCKET_PATH}
 */
public final class FloodServer {
    static final String GREETING = "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 2, \"major\": 7}, "
            + "\"package\": \"\"}, \"capabilities\": [\"oob\"]}}\r\n";
    static final String EVENT = "{\"timestamp\": {\"seconds\": 1700000000, \"microseconds\": 123456}, "
            + "\"event\": \"BLOCK_JOB_PROGRESS\", \"data\": {\"device\": \"job0\", \"len\": 1073741824, "
            + "\"offset\": 4096, \"speed\": 0, \"type\": \"mirror\"}}\r\n";
    private static final int CHUNK = 1 << 20;

    private final ObjectMapper json = new ObjectMapper();
    private final ByteBuffer events;

    private FloodServer() {
        byte[] one = EVENT.getBytes(StandardCharsets.US_ASCII);
        int n = CHUNK / one.length;
        events = ByteBuffer.allocateDirect(n * one.length);
        for (int i = 0; i < n; i++) {
            events.put(one);
        }
        events.flip();
    }

    /**
     * @param args the socket path
     * @throws IOException when the socket cannot be bound
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: FloodServer SOCKET_PATH");
            System.exit(2);
        }
        Path path = Path.of(args[0]);
        Files.deleteIfExists(path);
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(path));
            FloodServer flood = new FloodServer();
            System.err.println("FloodServer: listening on " + path);
            while (true) {
                try (SocketChannel client = server.accept()) {
                    flood.serve(client);
                } catch (IOException e) {
                    // the client went away: serve the next one
                }
            }
        }
    }

    /** A message to send; {@code flood} marks the negotiation reply, after which events flow. */
    private record Reply(byte[] bytes, boolean flood) {
    }

    private static final Reply END = new Reply(new byte[0], false);

    /** One client: a reader thread answers commands, this thread writes replies and, once negotiated, events. */
    private void serve(SocketChannel ch) throws IOException {
        LinkedBlockingQueue<Reply> replies = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try {
                read(Channels.newInputStream(ch), replies);
            } catch (IOException | RuntimeException e) {
                // closed or garbage: end this client
            } finally {
                replies.add(END);
            }
        }, "flood-reader");
        reader.setDaemon(true);
        writeFully(ch, ByteBuffer.wrap(GREETING.getBytes(StandardCharsets.US_ASCII)));
        reader.start();
        boolean flooding = false;
        ByteBuffer chunk = events.duplicate();
        while (true) {
            // Replies first, whole, between chunks of whole event lines: the stream stays well-formed.
            Reply reply = flooding ? replies.poll() : take(replies);
            while (reply != null) {
                if (reply == END) {
                    return;
                }
                writeFully(ch, ByteBuffer.wrap(reply.bytes()));
                flooding |= reply.flood();
                reply = replies.poll();
            }
            if (flooding) {
                chunk.rewind();
                writeFully(ch, chunk);
            }
        }
    }

    private static Reply take(LinkedBlockingQueue<Reply> q) {
        try {
            return q.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return END;
        }
    }

    private static void writeFully(SocketChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /** Parses the commands the client sends (concatenated JSON objects, with or without line ends). */
    private void read(InputStream in, LinkedBlockingQueue<Reply> replies) throws IOException {
        JsonFactory f = json.getFactory();
        try (JsonParser p = f.createParser(in)) {
            boolean negotiated = false;
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t != JsonToken.START_OBJECT) {
                    p.skipChildren();
                    replies.add(error(null, "GenericError", "QMP input must be a JSON object"));
                    continue;
                }
                JsonNode msg = json.readTree(p);
                JsonNode id = msg.get("id");
                String cmd = msg.path("execute").asText(msg.path("exec-oob").asText(""));
                if (cmd.equals("qmp_capabilities")) {
                    if (negotiated) {
                        replies.add(error(id, "CommandNotFound",
                                "Capabilities negotiation is already complete, command ignored"));
                    } else {
                        negotiated = true;
                        replies.add(new Reply(line("{\"return\": {}", id), true));
                    }
                } else if (!negotiated) {
                    replies.add(error(id, "CommandNotFound",
                            "Expecting capabilities negotiation with 'qmp_capabilities'"));
                } else if (cmd.equals("query-status")) {
                    replies.add(new Reply(line("{\"return\": {\"status\": \"prelaunch\", \"singlestep\": false, "
                            + "\"running\": false}", id), false));
                } else {
                    replies.add(error(id, "CommandNotFound", "The command " + cmd + " has not been found"));
                }
            }
        }
    }

    private Reply error(JsonNode id, String cls, String desc) throws IOException {
        return new Reply(line("{\"error\": {\"class\": \"" + cls + "\", \"desc\": "
                + json.writeValueAsString(desc) + "}", id), false);
    }

    /** Closes an object begun in QEMU's spacing, with the id echoed as QEMU does, and its "\r\n". */
    private byte[] line(String open, JsonNode id) throws IOException {
        String s = open + (id == null ? "" : ", \"id\": " + json.writeValueAsString(id)) + "}\r\n";
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
