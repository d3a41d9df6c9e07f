package org.qmp4j.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.qmp4j.Address;
import org.qmp4j.QmpException;
import org.qmp4j.internal.framing.JsonCodec;
import org.qmp4j.internal.framing.JsonFramer;
import org.qmp4j.internal.transport.SocketListener;
import org.qmp4j.internal.transport.SocketTransport;

/**
 * An in-process QMP server for tests, on a unix socket or a loopback TCP port. It greets,
 * negotiates capabilities like QEMU (commands before {@code qmp_capabilities} fail with
 * {@code CommandNotFound}), answers commands from rules the test sets, pushes events on demand, and
 * misbehaves on request: every {@link Response} fault (stall, garbage, disconnect mid-reply, wrong id,
 * error without id, delay) is a value attached to a command.
 *
 * <pre>{@code
 * try (FakeQmpServer server = FakeQmpServer.start()) {
 *     server.on("query-status", Response.returns(Map.of("status", "running", "running", true)));
 *     try (QmpClient qmp = QmpClient.connect(server.address())) {
 *         qmp.execute("query-status");
 *     }
 *     RecordedCommand seen = server.takeCommand(Duration.ofSeconds(1));
 * }
 * }</pre>
 *
 * <p>Like QEMU, it serves one client at a time; the next connection is accepted when the current one
 * ends. Commands without a rule get QEMU's {@code CommandNotFound} error. Thread-safe.
 *
 * <p><b>Replay.</b> {@link Builder#replay} (or {@link #replaying}) turns a recorded session into a fixture:
 * a {@code qmp-mux --log} file (record a real session by running it through the mux) or a
 * {@code qmp-shell -l} transcript. The server greets with the recorded greeting and answers each command
 * with the reply recorded for it, sending the events recorded around that reply:
 *
 * <pre>{@code
 * try (FakeQmpServer server = FakeQmpServer.replaying(Path.of("src/test/resources/stop-cont.log"));
 *      QmpClient qmp = QmpClient.connect(server.address())) {
 *     qmp.execute("stop");
 *     qmp.events().next(Duration.ofSeconds(5));   // the recorded STOP
 * }
 * }</pre>
 *
 * <ul>
 * <li>A command matches a recorded one with the same name and equal arguments (the id is ignored; numbers
 *     compare by value; a value the log redacted as {@code "<redacted>"} matches anything). The first
 *     recorded exchange not yet used answers; once all that match are used, the last of them answers
 *     again (without its events), so a client that polls more often than the recording did still gets
 *     answers. The reply carries the client's own id, or none if the command had none.</li>
 * <li>A command nothing recorded matches gets {@code GenericError} "replay: no recorded reply for NAME
 *     ARGUMENTS", at once.</li>
 * <li>Events are sent where QEMU sent them among the replies. The mux logs an exchange when its reply
 *     came (at {@code time}, its command sent {@code ms} earlier) and an event when it came, so the
 *     events' own {@code timestamp}s place them: an event goes just before the reply of the first exchange
 *     not yet answered when QEMU emitted it if that command had been sent by then (as QEMU sends STOP
 *     before the reply to {@code stop}), else right after the reply before. This compares QEMU's clock
 *     with the mux's, so record with the mux on QEMU's host. In a recording without times, events follow
 *     the reply logged before them. Events before the first exchange go to the first client once it has
 *     negotiated. Events carry their recorded timestamps.</li>
 * <li>A mux log may hold several clients' exchanges interleaved: the one replayed client is answered from
 *     all of them, in the order they were logged. What was used stays used across connections.</li>
 * <li>{@code qmp_capabilities} is negotiated by the server as always (offering the recorded greeting's
 *     capabilities), not replayed; rules set with {@link #on} and {@link #once} come before the
 *     recording, so a test can override one command.</li>
 * <li>A shell transcript has no greeting (the default one is used) and no events.</li>
 * </ul>
 */
public final class FakeQmpServer implements AutoCloseable {
    private static final byte[] CRLF = {'\r', '\n'};

    private final SocketListener listener;
    private final Path tempDir;
    private final byte[] greeting;
    private final List<String> capabilities;
    private final boolean requireNegotiation;
    private final Recording replay;
    private final Map<String, Function<RecordedCommand, Response>> rules = new ConcurrentHashMap<>();
    private final Map<String, Deque<Response>> onceRules = new ConcurrentHashMap<>();
    private final BlockingQueue<RecordedCommand> received = new LinkedBlockingQueue<>();
    private final List<RecordedCommand> history = Collections.synchronizedList(new ArrayList<>());
    private final ScheduledExecutorService delays;
    private final AtomicInteger connections = new AtomicInteger();
    private final Thread acceptor;
    private volatile Connection current;
    private volatile CountDownLatch connected = new CountDownLatch(1);
    private volatile boolean closed;

    private FakeQmpServer(Builder b) throws IOException {
        this.tempDir = b.tcpHost != null ? null : Files.createTempDirectory("qmp4j-fake-");
        Address address = b.tcpHost != null ? new Address.Tcp(b.tcpHost, 0) : new Address.Unix(tempDir.resolve("qmp.sock"));
        this.listener = SocketListener.bind(address);
        this.replay = b.replay;
        ObjectNode recorded = b.greeting == null && replay != null ? replay.greeting() : null;
        if (recorded != null) {
            List<String> offered = new ArrayList<>();
            recorded.path("QMP").path("capabilities").forEach(c -> offered.add(c.asText()));
            this.capabilities = List.copyOf(offered);
            this.greeting = line(recorded);
        } else {
            this.capabilities = List.copyOf(b.capabilities);
            this.greeting = b.greeting != null ? b.greeting.getBytes(StandardCharsets.UTF_8) : defaultGreeting(b);
        }
        this.requireNegotiation = b.requireNegotiation;
        this.delays = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "fake-qmp-delays"));
        this.acceptor = daemon(this::acceptLoop, "fake-qmp-server " + listener.address());
        acceptor.start();
    }

    /**
     * @return a server on a unix socket with the default greeting (QEMU 7.2.0, capabilities {@code [oob]})
     * @throws QmpException when the socket cannot be created
     */
    public static FakeQmpServer start() {
        return builder().start();
    }

    /**
     * Starts a server that replays a recorded session; see "Replay" above.
     *
     * @param recording a {@code qmp-mux --log} file or a {@code qmp-shell -l} transcript
     * @return the running server, on a unix socket
     * @throws IllegalArgumentException when a line of the recording is malformed (the message names the
     *     file and line)
     * @throws java.io.UncheckedIOException when the recording cannot be read
     * @throws QmpException when the socket cannot be created
     */
    public static FakeQmpServer replaying(Path recording) {
        return builder().replay(recording).start();
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the address to give {@code QmpClient.connect}: {@code unix:/...}, {@code 127.0.0.1:port} or {@code [::1]:port} */
    public String address() {
        Address a = listener.address();
        if (a instanceof Address.Tcp t) {
            return (t.host().indexOf(':') >= 0 ? "[" + t.host() + "]" : t.host()) + ":" + t.port();
        }
        return a.toString();
    }

    /**
     * Answers every {@code command} with {@code response} (until replaced).
     *
     * @param command the command name
     * @param response the response
     * @return this
     */
    public FakeQmpServer on(String command, Response response) {
        Objects.requireNonNull(response);
        rules.put(command, c -> response);
        return this;
    }

    /**
     * Answers every {@code command} with what {@code handler} returns for it. The handler runs on the
     * server's connection thread.
     *
     * @param command the command name
     * @param handler computes the response from the received command
     * @return this
     */
    public FakeQmpServer on(String command, Function<RecordedCommand, Response> handler) {
        rules.put(command, Objects.requireNonNull(handler));
        return this;
    }

    /**
     * Answers the next {@code command} with {@code response}; queued responses come before {@link #on} rules.
     *
     * @param command the command name
     * @param response the response for one call
     * @return this
     */
    public FakeQmpServer once(String command, Response response) {
        onceRules.computeIfAbsent(command, k -> new ArrayDeque<>()).add(response);
        return this;
    }

    /**
     * Waits for the next command the server received (in arrival order; {@code qmp_capabilities} included).
     *
     * @param timeout how long to wait
     * @return the command
     * @throws AssertionError when none arrives in time
     */
    public RecordedCommand takeCommand(Duration timeout) {
        try {
            RecordedCommand c = received.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (c == null) {
                throw new AssertionError("no command reached the fake server within " + timeout);
            }
            return c;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** @return every command received so far, in order */
    public List<RecordedCommand> commands() {
        synchronized (history) {
            return List.copyOf(history);
        }
    }

    /** @return how many clients have connected so far */
    public int connectionCount() {
        return connections.get();
    }

    /**
     * Waits until a client is connected.
     *
     * @param timeout how long to wait
     * @throws AssertionError when nobody connects in time
     */
    public void awaitClient(Duration timeout) {
        try {
            if (!connected.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new AssertionError("no client connected within " + timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /**
     * Sends an event to the connected client.
     *
     * @param name the event name
     * @param data its data (any object Jackson can serialise), or null for none
     */
    public void sendEvent(String name, Object data) {
        requireClient().send(event(name, data == null ? null : JsonCodec.toNode(data)));
    }

    /**
     * Sends {@code count} events as fast as the socket takes them, from a background thread.
     *
     * @param name the event name
     * @param count how many
     * @return completes when all are written
     */
    public CompletableFuture<Void> floodEvents(String name, int count) {
        Connection c = requireClient();
        return CompletableFuture.runAsync(() -> {
            ByteArrayOutputStream batch = new ByteArrayOutputStream(64 * 1024);
            for (int i = 0; i < count; i++) {
                ObjectNode data = JsonNodeFactory.instance.objectNode().put("seq", i);
                batch.writeBytes(event(name, data));
                if (batch.size() >= 60 * 1024 || i == count - 1) {
                    c.writeRaw(batch.toByteArray());
                    batch.reset();
                }
            }
        }, r -> daemon(r, "fake-qmp-flood").start());
    }

    /**
     * Sends bytes as they are, e.g. a pretty-printed message or garbage.
     *
     * @param text the bytes, as UTF-8
     */
    public void sendRaw(String text) {
        requireClient().writeRaw(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Closes the current client's connection (the server keeps listening). */
    public void disconnect() {
        Connection c = current;
        if (c != null) {
            c.close();
        }
    }

    /** Stops the server and closes any connection. */
    @Override
    public void close() {
        closed = true;
        disconnect();
        listener.close();
        delays.shutdownNow();
        acceptor.interrupt();
        if (tempDir != null) {
            try {
                Files.deleteIfExists(tempDir);
            } catch (IOException ignored) {
                // the listener removed the socket; an undeletable temp dir is harmless
            }
        }
    }

    private Connection requireClient() {
        Connection c = current;
        if (c == null) {
            throw new IllegalStateException("no client is connected to the fake server");
        }
        return c;
    }

    private void acceptLoop() {
        while (!closed) {
            SocketTransport t;
            try {
                t = listener.accept(Duration.ofMillis(200));
            } catch (java.net.SocketTimeoutException e) {
                continue;
            } catch (IOException e) {
                return; // closed
            }
            Connection c = new Connection(t);
            current = c;
            connections.incrementAndGet();
            connected.countDown();
            try {
                c.serve();
            } finally {
                c.close();
                current = null;
                connected = new CountDownLatch(1);
            }
        }
    }

    private static byte[] event(String name, JsonNode data) {
        long micros = System.currentTimeMillis() * 1000;
        ObjectNode e = JsonNodeFactory.instance.objectNode();
        e.putObject("timestamp").put("seconds", micros / 1_000_000).put("microseconds", micros % 1_000_000);
        e.put("event", name);
        if (data != null) {
            e.set("data", data);
        }
        return line(e);
    }

    private static byte[] line(JsonNode node) {
        byte[] json = JsonCodec.encode(node);
        byte[] out = new byte[json.length + 2];
        System.arraycopy(json, 0, out, 0, json.length);
        System.arraycopy(CRLF, 0, out, json.length, 2);
        return out;
    }

    private static byte[] defaultGreeting(Builder b) {
        ObjectNode g = JsonNodeFactory.instance.objectNode();
        ObjectNode qmp = g.putObject("QMP");
        ObjectNode v = qmp.putObject("version");
        v.putObject("qemu").put("micro", b.version[2]).put("minor", b.version[1]).put("major", b.version[0]);
        v.put("package", "qmp4j-testkit");
        b.capabilities.forEach(qmp.putArray("capabilities")::add);
        return line(g);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** One client connection: reads commands on the acceptor thread, answers per the rules. */
    private final class Connection {
        private final SocketTransport transport;
        private final JsonFramer framer = new JsonFramer(256 << 20);
        private boolean negotiated;
        private boolean oob;
        private volatile boolean stopReading;
        private volatile boolean open = true;

        Connection(SocketTransport transport) {
            this.transport = transport;
        }

        void serve() {
            if (greeting.length > 0) {
                writeRaw(greeting);
            }
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            try {
                while (open && !closed) {
                    if (stopReading) {
                        Thread.sleep(50);
                        continue;
                    }
                    buf.clear();
                    int n = transport.read(buf);
                    if (n < 0) {
                        return;
                    }
                    try {
                        framer.feed(buf.array(), 0, n, (b, off, len) -> handle(b, off, len));
                    } catch (QmpException parse) {
                        send(line(errorNode("GenericError", "JSON parse error, " + parse.getMessage(), null)));
                    }
                }
            } catch (IOException | InterruptedException e) {
                // client went away or server closing
            }
        }

        private void handle(byte[] b, int off, int len) {
            ObjectNode msg;
            try {
                msg = JsonCodec.parseObject(b, off, len);
            } catch (QmpException e) {
                send(line(errorNode("GenericError", "JSON parse error", null)));
                return;
            }
            JsonNode id = msg.get("id");
            boolean isOob = msg.has("exec-oob");
            JsonNode nameNode = isOob ? msg.get("exec-oob") : msg.get("execute");
            if (nameNode == null || !nameNode.isTextual()) {
                send(line(errorNode("GenericError", "QMP input lacks member 'execute'", id)));
                return;
            }
            ObjectNode args = msg.get("arguments") instanceof ObjectNode a ? a : JsonNodeFactory.instance.objectNode();
            RecordedCommand cmd = new RecordedCommand(nameNode.textValue(), args, id, isOob, msg);
            history.add(cmd);
            received.add(cmd);
            boolean wasNegotiated = negotiated;
            Response r = decide(cmd);
            if (r == null) {
                answerFromRecording(cmd);
            } else {
                respond(cmd, r);
            }
            if (!wasNegotiated && negotiated && replay != null) {
                replay.takeInitialEvents().forEach(e -> send(line(e)));
            }
        }

        /** Answers from the recording: its events around its reply, with this command's id. */
        private void answerFromRecording(RecordedCommand cmd) {
            Recording.Answer a = replay.answer(cmd.name(), cmd.arguments());
            if (a == null) {
                send(line(errorNode("GenericError", "replay: no recorded reply for " + cmd.name() + " "
                        + JsonCodec.toString(cmd.arguments(), false), cmd.id())));
                return;
            }
            a.before().forEach(e -> send(line(e)));
            if (cmd.id() != null) {
                a.reply().set("id", cmd.id());
            }
            send(line(a.reply()));
            a.after().forEach(e -> send(line(e)));
        }

        /** @return the response, or null when the recording answers */
        private Response decide(RecordedCommand cmd) {
            Deque<Response> queued = onceRules.get(cmd.name());
            if (queued != null) {
                Response r;
                synchronized (queued) {
                    r = queued.poll();
                }
                if (r != null) {
                    return r;
                }
            }
            Function<RecordedCommand, Response> rule = rules.get(cmd.name());
            if (rule != null) {
                if ("qmp_capabilities".equals(cmd.name())) {
                    negotiated = true;
                }
                return rule.apply(cmd);
            }
            if ("qmp_capabilities".equals(cmd.name())) {
                return negotiate(cmd);
            }
            if (requireNegotiation && !negotiated) {
                return Response.error("CommandNotFound", "Expecting capabilities negotiation with 'qmp_capabilities'");
            }
            if (cmd.outOfBand() && !oob) {
                return Response.error("GenericError", "QMP input member 'exec-oob' is unexpected");
            }
            return replay != null ? null
                    : Response.error("CommandNotFound", "The command " + cmd.name() + " has not been found");
        }

        private Response negotiate(RecordedCommand cmd) {
            if (negotiated) {
                return Response.error("CommandNotFound", "Capabilities negotiation is already complete, command ignored");
            }
            for (JsonNode cap : cmd.arguments().path("enable")) {
                if (!capabilities.contains(cap.asText())) {
                    return Response.error("GenericError", "Capability '" + cap.asText() + "' not available");
                }
                oob |= "oob".equals(cap.asText());
            }
            negotiated = true;
            return Response.ok();
        }

        private void respond(RecordedCommand cmd, Response r) {
            JsonNode id = cmd.id();
            // Java 17: no pattern switch, so an instanceof chain over the sealed Response.
            if (r instanceof Response.Return ret) {
                send(line(returnNode(ret.value(), id)));
            } else if (r instanceof Response.Error err) {
                send(line(errorNode(err.errorClass(), err.description(), id)));
            } else if (r instanceof Response.StopReading) {
                stopReading = true;
            } else if (r instanceof Response.Garbage g) {
                writeRaw(g.bytes());
            } else if (r instanceof Response.ErrorWithoutId e) {
                send(line(errorNode(e.errorClass(), e.description(), null)));
            } else if (r instanceof Response.WrongId w) {
                respond(new RecordedCommand(cmd.name(), cmd.arguments(), w.id(), cmd.outOfBand(), cmd.message()),
                        w.reply());
            } else if (r instanceof Response.Raw raw) {
                writeRaw(raw.template().replace("$ID", id == null ? "null" : id.toString())
                        .getBytes(StandardCharsets.UTF_8));
            } else if (r instanceof Response.Delay d) {
                delays.schedule(() -> {
                    if (open) {
                        respond(cmd, d.then());
                    }
                }, d.delay().toNanos(), TimeUnit.NANOSECONDS);
            } else if (r instanceof Response.DisconnectMidReply cut) {
                byte[] full = cut.reply() instanceof Response.Error e
                        ? line(errorNode(e.errorClass(), e.description(), id))
                        : line(returnNode(cut.reply() instanceof Response.Return ret ? ret.value()
                                : JsonNodeFactory.instance.objectNode(), id));
                writeRaw(java.util.Arrays.copyOf(full, full.length / 2));
                close();
            }
            // Response.Stall: say nothing.
        }

        void send(byte[] bytes) {
            writeRaw(bytes);
        }

        synchronized void writeRaw(byte[] bytes) {
            if (!open) {
                return;
            }
            try {
                transport.write(ByteBuffer.wrap(bytes));
            } catch (IOException e) {
                close();
            }
        }

        void close() {
            open = false;
            transport.close();
        }
    }

    private static ObjectNode returnNode(JsonNode value, JsonNode id) {
        ObjectNode r = JsonNodeFactory.instance.objectNode();
        r.set("return", value);
        if (id != null) {
            r.set("id", id);
        }
        return r;
    }

    private static ObjectNode errorNode(String cls, String desc, JsonNode id) {
        ObjectNode r = JsonNodeFactory.instance.objectNode();
        r.putObject("error").put("class", cls).put("desc", desc);
        if (id != null) {
            r.set("id", id);
        }
        return r;
    }

    /** Settings for a {@link FakeQmpServer}. */
    public static final class Builder {
        private String tcpHost;
        private String greeting;
        private final int[] version = {7, 2, 0};
        private List<String> capabilities = List.of("oob");
        private boolean requireNegotiation = true;
        private Recording replay;

        private Builder() {
        }

        /**
         * Answers from a recorded session instead of {@code CommandNotFound}; see "Replay" in
         * {@link FakeQmpServer}. The recording's greeting (when it has one) replaces the default greeting,
         * {@link #version} and {@link #capabilities}; {@link #greeting(String)} still wins over it.
         *
         * @param recording a {@code qmp-mux --log} file or a {@code qmp-shell -l} transcript, read now
         * @return this
         * @throws IllegalArgumentException when a line of the recording is malformed (the message names the
         *     file and line)
         * @throws java.io.UncheckedIOException when the recording cannot be read
         */
        public Builder replay(Path recording) {
            this.replay = Recording.load(recording);
            return this;
        }

        /** @return this, listening on 127.0.0.1 with a free port instead of a unix socket */
        public Builder tcp() {
            return tcp("127.0.0.1");
        }

        /**
         * @param host the address to listen on, e.g. {@code ::1}; a free port is picked
         * @return this, listening on TCP instead of a unix socket
         */
        public Builder tcp(String host) {
            this.tcpHost = host;
            return this;
        }

        /**
         * @param raw the exact greeting bytes to send (may be invalid, for tests); empty sends no greeting
         * @return this
         */
        public Builder greeting(String raw) {
            this.greeting = raw;
            return this;
        }

        /**
         * @param major major
         * @param minor minor
         * @param micro micro
         * @return this, with that version in the default greeting
         */
        public Builder version(int major, int minor, int micro) {
            version[0] = major;
            version[1] = minor;
            version[2] = micro;
            return this;
        }

        /**
         * @param capabilities what the greeting offers (default {@code oob})
         * @return this
         */
        public Builder capabilities(String... capabilities) {
            this.capabilities = List.of(capabilities);
            return this;
        }

        /**
         * @param require whether commands before {@code qmp_capabilities} fail, as in QEMU (default true)
         * @return this
         */
        public Builder requireNegotiation(boolean require) {
            this.requireNegotiation = require;
            return this;
        }

        /**
         * @return the running server
         * @throws QmpException when the socket cannot be bound
         */
        public FakeQmpServer start() {
            try {
                return new FakeQmpServer(this);
            } catch (IOException e) {
                throw new QmpException("cannot start the fake QMP server: " + e.getMessage(), e);
            }
        }
    }
}
