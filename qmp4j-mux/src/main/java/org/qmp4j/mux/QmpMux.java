package org.qmp4j.mux;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.FileDescriptor;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.LinkOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.qmp4j.Address;
import org.qmp4j.QmpClient;
import org.qmp4j.QmpConnectionException;
import org.qmp4j.QmpEvent;
import org.qmp4j.QmpException;
import org.qmp4j.internal.framing.EventWire;
import org.qmp4j.internal.framing.JsonCodec;
import org.qmp4j.internal.session.Checks;
import org.qmp4j.internal.session.MessageSession;
import org.qmp4j.internal.session.SessionAccess;
import org.qmp4j.internal.session.Threads;
import org.qmp4j.internal.transport.FdPassingTransport;
import org.qmp4j.internal.transport.SocketListener;
import org.qmp4j.internal.transport.SocketTransport;
import org.qmp4j.internal.transport.TlsListener;
import org.qmp4j.internal.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Many QMP clients on one QEMU monitor. The mux holds one {@link QmpClient} to QEMU and listens for
 * clients, each of which believes it talks to QEMU: it gets QEMU's greeting, negotiates on its own, may use
 * any JSON value as an id (restored on the reply, so two clients with the same ids never see each other's
 * replies), and gets every event. Commands of all clients are pipelined upstream.
 *
 * <pre>{@code
 * try (QmpClient qemu = QmpClient.connect("/run/vm1/qmp.sock");
 *      QmpMux mux = QmpMux.builder().upstream(qemu)
 *              .listen(Address.parse("/run/vm1/qmp-mux.sock"))
 *              .listenReadOnly(Address.parse("/run/vm1/qmp-ro.sock"))
 *              .start()) {
 *     mux.whenClosed().join();   // until QEMU goes away (or close())
 * }
 * }</pre>
 *
 * <p>Each client has a bounded queue of outgoing messages drained by its own writer: a client that stops
 * reading is disconnected when its queue is full, and never slows the others or the upstream. A client on
 * a {@linkplain Builder#listenReadOnly read-only} listener may run only what {@link ReadOnlyPolicy} allows.
 * {@code quit} from any client ends QEMU for everyone; it is allowed (it is what the client asked) and logged.
 * The upstream client is the caller's: the mux uses it (its own event subscription, its own commands
 * among the caller's) and never closes it.
 */
public final class QmpMux implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QmpMux.class);
    private static final Duration TLS_HANDSHAKE = Duration.ofSeconds(10);

    private final QmpClient upstream;
    private final MessageSession upstreamSession;
    private final MuxOptions options;
    private final ExchangeLog log;
    private final byte[] greeting;
    private final boolean oobOffered;
    private final List<Door> doors = new ArrayList<>();
    private final Set<MuxClient> clients = ConcurrentHashMap.newKeySet();
    private final AtomicInteger clientNumbers = new AtomicInteger();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private volatile boolean closing;

    private QmpMux(Builder b) {
        this.upstream = b.upstream;
        this.upstreamSession = SessionAccess.of(upstream);
        this.options = new MuxOptions(b.clientQueue, b.clientQueueBytes, b.commandTimeout, b.writeTimeout,
                b.maxMessageSize);
        this.oobOffered = upstream.oobEnabled();
        ObjectNode g = upstream.greeting().json();
        // Offer only what the mux's own connection enabled: it is the one that carries every client's commands.
        g.with("QMP").putArray("capabilities");
        if (oobOffered) {
            g.with("QMP").withArray("capabilities").add("oob");
        }
        this.greeting = MuxClient.frame(JsonCodec.encode(g));
        try {
            this.log = b.log == null ? null : new ExchangeLog(b.log);
        } catch (IOException e) {
            throw new QmpException("cannot open the log " + b.log + ": " + e.getMessage(), e);
        }
        if (log != null) {
            log.greeting(g);
        }
    }

    private void start(Builder b) {
        try {
            for (Builder.Listen l : b.listens) {
                doors.add(new Door(l.address(), l.readOnly(), b));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        SessionAccess.tapEvents(upstream, this::fanOut);
        for (Door d : doors) {
            Threads.newThread("qmp4j-mux-accept " + d.address, d::acceptLoop).start();
        }
        upstream.whenClosed().whenComplete((v, e) -> {
            Throwable cause = e instanceof CompletionException ? e.getCause() : e;
            end(new QmpConnectionException("QEMU went away: " + (cause == null ? "its connection was closed"
                    : cause.getMessage()), cause));
        });
        LOG.info("serving QEMU {} on {}", upstream.greeting().version(), describeDoors());
        LOG.debug("clients {} pass file descriptors", doors.stream().anyMatch(d -> d.fdListener != null) ? "can" : "cannot");
    }

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the addresses clients connect to, in the order they were given (with real ports for port 0) */
    public List<Address> addresses() {
        List<Address> out = new ArrayList<>();
        for (Door d : doors) {
            out.add(d.bound());
        }
        return out;
    }

    /** @return the number of clients connected now */
    public int clientCount() {
        return clients.size();
    }

    /**
     * @return completes normally after {@link #close()}, exceptionally with a {@link QmpConnectionException}
     *     when QEMU went away (every client has been disconnected by then)
     */
    public CompletableFuture<Void> whenClosed() {
        return ended.copy();
    }

    /** Stops listening, removes the unix sockets it made and disconnects every client. Idempotent. */
    @Override
    public void close() {
        end(null);
    }

    private void end(QmpException cause) {
        synchronized (this) {
            if (closing) {
                return;
            }
            closing = true;
        }
        if (cause != null) {
            LOG.warn("{}; disconnecting {} client(s)", cause.getMessage(), clients.size());
        }
        for (Door d : doors) {
            d.close();
        }
        for (MuxClient c : List.copyOf(clients)) {
            c.close();
        }
        SessionAccess.tapEvents(upstream, null);
        if (log != null) {
            log.close();
        }
        if (cause == null) {
            ended.complete(null);
        } else {
            ended.completeExceptionally(cause);
        }
    }

    boolean oobOffered() {
        return oobOffered;
    }

    private void admit(Transport transport, Door door) {
        String name = "client " + clientNumbers.incrementAndGet() + " (" + door.bound()
                + (door.readOnly ? ", read-only)" : ")");
        MuxClient c = new MuxClient(this, name, transport, door.readOnly, options);
        clients.add(c);
        if (closing) {
            clients.remove(c);
            transport.close();
            return;
        }
        LOG.info("{} connected", name);
        c.start(greeting);
    }

    void left(MuxClient client, QmpException cause) {
        if (clients.remove(client) && !closing) {
            LOG.info("{} left: {}", client.name, cause.getMessage().replace(client.name + ": ", ""));
        }
    }

    /**
     * A negotiated client's well-formed request, sent upstream on the upstream client's engine with an id of
     * its own; QEMU's whole reply (a return or an error, as QEMU wrote it) goes back with the client's id. The
     * reply completes on the upstream reader, where passing it on only queues it (it never blocks).
     */
    void forward(MuxClient client, ObjectNode request, String command, ObjectNode args, boolean oob,
            FileDescriptor[] fds) {
        JsonNode id = request.get("id");
        if (command.equals("quit")) {
            LOG.warn("{} sent quit: QEMU ends for every client", client.name);
        }
        long t0 = System.nanoTime();
        MuxClient.Slot slot = oob ? null : client.reserve();
        client.forwarded();
        ObjectNode message = JsonCodec.object();
        message.put(oob ? "exec-oob" : "execute", command);
        if (args != null) {
            message.set("arguments", args);
        }
        MessageSession.Call call;
        try {
            call = upstreamSession.send(message, fds);
        } catch (RuntimeException e) {
            answer(client, slot, request, id, error("qmp-mux: " + e.getMessage()), t0);
            return;
        } finally {
            FdPassingTransport.closeAll(fds); // QEMU has its own copies once the command was written
        }
        ScheduledFuture<?> deadline = Threads.scheduler().schedule(() -> {
            if (upstreamSession.forget(call)) {
                answer(client, slot, request, id, error("qmp-mux: QEMU did not answer " + command + " within "
                        + options.commandTimeout().toSeconds() + " s"), t0);
            }
        }, options.commandTimeout().toNanos(), TimeUnit.NANOSECONDS);
        call.reply().whenComplete((reply, failure) -> {
            deadline.cancel(false);
            if (failure != null) {
                if (!closingOrLost()) {
                    answer(client, slot, request, id, error("qmp-mux: " + failure.getMessage()), t0);
                }
                return; // QEMU went away: every client is being disconnected
            }
            reply.remove("id"); // ours; the client's goes on instead
            answer(client, slot, request, id, reply, t0);
        });
    }

    private static ObjectNode error(String desc) {
        ObjectNode body = JsonCodec.object();
        body.putObject("error").put("class", "GenericError").put("desc", desc);
        return body;
    }

    private void answer(MuxClient client, MuxClient.Slot slot, ObjectNode request, JsonNode id, ObjectNode body,
            long t0) {
        if (id != null) {
            body.set("id", id);
        }
        if (log != null) { // first: once a client has the reply, the log has it too
            log.exchange(client.name, request, body, System.nanoTime() - t0);
        }
        client.forwardedReply(slot, body);
    }

    private boolean closingOrLost() {
        return closing || !upstream.isOpen();
    }


    /**
     * Upstream reader thread: each event encoded once (QEMU's data bytes as they came, no tree), logged, and
     * offered to every negotiated client's queue, which never blocks. Events and replies thus reach a client
     * in QEMU's order, and none is dropped on the way: a client whose queue is full is disconnected instead.
     */
    private void fanOut(QmpEvent e) {
        if (closing) {
            return;
        }
        byte[] json = EventWire.encode(e);
        if (log != null) { // first: once a client has the event, the log has it too
            log.event(json);
        }
        byte[] bytes = MuxClient.frame(json);
        for (MuxClient c : clients) {
            if (c.negotiated()) {
                c.send(bytes);
            }
        }
    }

    private String describeDoors() {
        List<String> out = new ArrayList<>();
        for (Door d : doors) {
            out.add(d.bound() + (d.readOnly ? " (read-only)" : ""));
        }
        return String.join(", ", out);
    }

    /** One listening socket and its accepting thread. */
    private final class Door {
        final Address address;
        final boolean readOnly;
        private final SocketListener listener;            // TCP, or unix without qmp4j-fdpass
        private final FdPassingTransport.Listener fdListener; // unix with qmp4j-fdpass: clients can pass descriptors
        private final TlsListener tlsListener;            // TCP with the builder's server certificate

        Door(Address requested, boolean readOnly, Builder b) {
            this.readOnly = readOnly;
            if (requested instanceof Address.Tcp tcp && (b.tlsCert != null || tcp.tls())) {
                if (b.tlsCert == null) {
                    throw new IllegalStateException("listening on " + requested + " needs a server certificate: "
                            + "call tlsServerCertificate(cert, key)");
                }
                this.fdListener = null;
                this.listener = null;
                try {
                    this.tlsListener = TlsListener.bind(tcp, b.tlsCert, b.tlsKey, b.tlsClientCa);
                } catch (IOException e) {
                    throw new QmpConnectionException("cannot listen on " + requested + ": " + e.getMessage(), e);
                }
                this.address = tlsListener.address();
                return;
            }
            this.tlsListener = null;
            this.address = requested;
            try {
                if (requested instanceof Address.Unix unix) {
                    prepare(unix.path());
                    FdPassingTransport.Listener fds = FdPassingTransport.listen(unix.path());
                    this.fdListener = fds;
                    this.listener = fds == null ? SocketListener.bind(unix) : null;
                    try {
                        // Until this chmod the socket has what the umask allows (with 022, nobody else may
                        // connect: that needs write permission). Binding under another name and renaming it
                        // into place would leave no window, but junixsocket's listener takes a renamed socket
                        // file for a removed one and stops accepting.
                        Files.setPosixFilePermissions(unix.path(), PosixFilePermissions.fromString("rw-------"));
                    } catch (IOException | RuntimeException e) {
                        close();
                        throw e;
                    }
                } else {
                    this.fdListener = null;
                    this.listener = SocketListener.bind(requested);
                }
            } catch (IOException e) {
                throw new QmpConnectionException("cannot listen on " + requested + ": " + e.getMessage(), e);
            }
        }

        Address bound() {
            return listener != null && !(address instanceof Address.Unix) ? listener.address()
                    : tlsListener != null ? tlsListener.address() : address;
        }

        void acceptLoop() {
            while (!closing) {
                Transport t;
                try {
                    if (tlsListener != null) {
                        handshakeAside(tlsListener.accept(Duration.ofSeconds(1)));
                        continue;
                    }
                    if (fdListener != null) {
                        t = fdListener.accept(); // close() ends it
                    } else {
                        t = listener.accept(Duration.ofSeconds(1));
                    }
                } catch (SocketTimeoutException idle) {
                    continue;
                } catch (IOException e) {
                    if (!closing) {
                        LOG.error("{}: cannot accept clients any more: {}", address, e.getMessage());
                    }
                    return;
                }
                admit(t, this);
            }
        }

        /** A client's handshake on a thread of its own, so a slow or silent one does not hold up the next. */
        private void handshakeAside(java.net.Socket raw) {
            Threads.newThread("qmp4j-mux-tls " + raw.getRemoteSocketAddress(), () -> {
                try {
                    admit(tlsListener.handshake(raw, TLS_HANDSHAKE), this);
                } catch (IOException e) {
                    LOG.warn("{}: {}", address, e.getMessage());
                }
            }).start();
        }

        private void closeListener() {
            if (tlsListener != null) {
                tlsListener.close();
            } else if (fdListener != null) {
                fdListener.close();
            } else {
                listener.close();
            }
        }

        void close() {
            closeListener();
            if (address instanceof Address.Unix unix) {
                try {
                    Files.deleteIfExists(unix.path());
                } catch (IOException e) {
                    LOG.warn("cannot remove {}: {}", unix.path(), e.getMessage());
                }
            }
        }
    }

    /**
     * Checks where a unix socket goes: a socket file nobody listens on any more (a mux that was killed) is
     * removed; one in use, or another kind of file, is left alone.
     */
    private static void prepare(Path path) throws IOException {
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            try (SocketTransport probe = SocketTransport.open(new Address.Unix(path), Duration.ofSeconds(1))) {
                throw new IOException("something is listening there already");
            } catch (QmpException stale) {
                if (!Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther()) {
                    throw new IOException("it exists and is not a socket");
                }
                Files.delete(path);
            }
        }
    }

    /** Configures and starts a {@link QmpMux}. */
    public static final class Builder {
        private record Listen(Address address, boolean readOnly) {
        }

        private QmpClient upstream;
        private final List<Listen> listens = new ArrayList<>();
        private Path log;
        private Path tlsCert;
        private Path tlsKey;
        private Path tlsClientCa;
        private int clientQueue = 4096;
        private long clientQueueBytes = 64L << 20;
        private Duration commandTimeout = Duration.ofMinutes(10);
        private Duration writeTimeout = Duration.ofSeconds(30);
        private int maxMessageSize = 16 << 20;

        private Builder() {
        }

        /**
         * @param qemu the connection to QEMU (negotiated); the mux uses it and leaves closing it to the caller
         * @return this
         */
        public Builder upstream(QmpClient qemu) {
            this.upstream = Objects.requireNonNull(qemu, "qemu");
            return this;
        }

        /**
         * @param address where clients connect: a unix socket (made with mode 0600, removed on close) or a TCP
         *     port (0 picks a free one); repeatable
         * @return this
         */
        public Builder listen(Address address) {
            listens.add(new Listen(Objects.requireNonNull(address, "address"), false));
            return this;
        }

        /**
         * @param address as {@link #listen}, for clients that may only run what {@link ReadOnlyPolicy} allows
         * @return this
         */
        public Builder listenReadOnly(Address address) {
            listens.add(new Listen(Objects.requireNonNull(address, "address"), true));
            return this;
        }

        /**
         * TCP listeners speak TLS with this certificate (required for a {@code tls:host:port} listener).
         *
         * @param certPem the server's certificate chain (PEM)
         * @param keyPem its unencrypted key (PEM, PKCS#8 or PKCS#1 RSA)
         * @return this
         */
        public Builder tlsServerCertificate(Path certPem, Path keyPem) {
            this.tlsCert = Objects.requireNonNull(certPem, "certPem");
            this.tlsKey = Objects.requireNonNull(keyPem, "keyPem");
            return this;
        }

        /**
         * TLS clients must present a certificate that chains to this CA: remote clients are authenticated.
         *
         * @param caPem the CA's certificate (PEM)
         * @return this
         */
        public Builder tlsClientCa(Path caPem) {
            this.tlsClientCa = Objects.requireNonNull(caPem, "caPem");
            return this;
        }

        /**
         * @param file where to append one JSON line per exchange and per event (secrets redacted)
         * @return this
         */
        public Builder log(Path file) {
            this.log = file;
            return this;
        }

        /**
         * @param messages messages that may wait for one client before it is disconnected (default 4096)
         * @return this
         */
        public Builder clientQueue(int messages) {
            if (messages < 1) {
                throw new IllegalArgumentException("clientQueue must be at least 1: " + messages);
            }
            this.clientQueue = messages;
            return this;
        }

        /**
         * @param timeout how long a client's command may wait for QEMU's reply (default 10 minutes); past it
         *     the client gets an error and QEMU's late reply is dropped
         * @return this
         */
        public Builder commandTimeout(Duration timeout) {
            this.commandTimeout = Checks.positive(timeout, "commandTimeout");
            return this;
        }

        /**
         * @param timeout how long one write to a client may block before it is disconnected (default 30 s)
         * @return this
         */
        public Builder writeTimeout(Duration timeout) {
            this.writeTimeout = Checks.positive(timeout, "writeTimeout");
            return this;
        }

        /**
         * Binds every listener and starts serving.
         *
         * @return the running mux
         * @throws IllegalStateException without an upstream or a listener
         * @throws QmpConnectionException when an address cannot be listened on
         */
        public QmpMux start() {
            if (upstream == null) {
                throw new IllegalStateException("no upstream: call upstream(qmpClient) first");
            }
            if (listens.isEmpty()) {
                throw new IllegalStateException("nothing to listen on: call listen(address) first");
            }
            QmpMux mux = new QmpMux(this);
            mux.start(this);
            return mux;
        }
    }
}
