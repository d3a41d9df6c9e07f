package org.qmp4j.tests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A QMP client written the way a script writes one: a plain socket, JSON lines out, JSON lines in, no
 * library. For testing what qmp-mux and QEMU say to exactly what a client sends.
 */
final class RawQmp implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    private final SocketChannel channel;
    private final OutputStream out;
    private final BufferedReader in;
    /** Events read while looking for replies. */
    final List<JsonNode> events = new ArrayList<>();

    RawQmp(Path socket) throws IOException {
        channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(socket));
        out = Channels.newOutputStream(channel);
        in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
    }

    /** @return the next line as it came, or null at the end of the stream (for counting a flood cheaply) */
    String readLine() throws IOException {
        return in.readLine();
    }

    /** @return the next message, or null at the end of the stream */
    JsonNode read() throws IOException {
        String line;
        do {
            line = in.readLine();
            if (line == null) {
                return null;
            }
        } while (line.isBlank());
        return JSON.readTree(line);
    }

    /** @return the next message that is not an event (events are kept in {@link #events}) */
    JsonNode reply() throws IOException {
        while (true) {
            JsonNode m = read();
            if (m == null) {
                throw new IOException("the connection ended while waiting for a reply");
            }
            if (!m.has("event")) {
                return m;
            }
            events.add(m);
        }
    }

    /** @return the next event, from those already read first */
    JsonNode event() throws IOException {
        if (!events.isEmpty()) {
            return events.remove(0);
        }
        JsonNode m = read();
        if (m == null || !m.has("event")) {
            throw new IOException("expected an event, got " + m);
        }
        return m;
    }

    void send(String text) throws IOException {
        out.write((text + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    void send(JsonNode message) throws IOException {
        send(JSON.writeValueAsString(message));
    }

    /** Reads the greeting and negotiates. */
    RawQmp negotiate() throws IOException {
        JsonNode greeting = read();
        if (greeting == null || !greeting.has("QMP")) {
            throw new IOException("no greeting: " + greeting);
        }
        send("{\"execute\": \"qmp_capabilities\"}");
        JsonNode ok = reply();
        if (!ok.has("return")) {
            throw new IOException("negotiation failed: " + ok);
        }
        return this;
    }

    /** Sends a command without an id and returns its reply. */
    JsonNode call(String command, ObjectNode arguments) throws IOException {
        ObjectNode m = JSON.createObjectNode().put("execute", command);
        if (arguments != null) {
            m.set("arguments", arguments);
        }
        send(m);
        return reply();
    }

    /** Shuts down the writing side: the peer sees the end of input but can still answer. */
    void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
