package org.qmp4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.FileDescriptor;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.qmp4j.internal.framing.JsonCodec;
import org.qmp4j.internal.session.Await;
import org.qmp4j.internal.session.Checks;
import org.qmp4j.internal.session.MessageSession;
import org.qmp4j.internal.session.Requests;
import org.qmp4j.internal.session.SessionAccess;
import org.qmp4j.internal.session.Threads;
import org.qmp4j.internal.transport.SocketListener;
import org.qmp4j.internal.transport.TlsOptions;
import org.qmp4j.internal.transport.Transport;
import org.qmp4j.internal.transport.Transports;

/**
 * A QMP connection to one QEMU: commands, replies and events.
 *
 * <pre>{@code
 * try (QmpClient qmp = QmpClient.connect("/run/vm1/qmp.sock")) {
 *     System.out.println(qmp.greeting().version());
 *     JsonNode status = qmp.execute("query-status");
 *     qmp.execute("stop");
 *     QmpEvent stop = qmp.events().next(Duration.ofSeconds(5));
 * }
 * }</pre>
 *
 * <p>Thread-safe: any number of threads may call {@code execute} and {@code executeAsync} at once.
 * Every command carries an id and replies are matched by id, never by order. Every call has a
 * deadline (the builder's {@code commandTimeout} unless the {@link QmpRequest} has its own); a call
 * that times out leaves the session healthy, and its late reply is dropped. When the connection is
 * lost every waiting call fails at once with {@link QmpConnectionException}.
 *
 * <p>Every form of {@code execute} is sugar over {@link #execute(QmpRequest)} and
 * {@link #executeAsync(QmpRequest)}; the blocking form waits on the same future the asynchronous one
 * completes. Futures returned by {@code executeAsync} complete on a shared callback executor, never on
 * the connection's reader thread, so slow callbacks cannot stall replies or events.
 */
public final class QmpClient implements AutoCloseable {
    static {
        // qmp-mux relays whole messages on the engine
        SessionAccess.register(new SessionAccess.Hooks() {
            @Override
            public MessageSession session(QmpClient client) {
                return client.session;
            }

            @Override
            public void tapEvents(QmpClient client, java.util.function.Consumer<QmpEvent> tap) {
                client.protocol.tap(tap);
            }
        });
    }

    private final QmpClientOptions options;
    private final String name;
    private final MessageSession session;
    private final QmpProtocol protocol;
    private final Executor callbacks = Threads.callbackExecutor();
    // Async calls not yet given a timer entry for their deadline (see armUnanswered).
    private final ConcurrentLinkedQueue<Unarmed> unarmed = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean armScheduled = new AtomicBoolean();
    private static final long ARM_AFTER_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private final EventSubscription events;
    private volatile Greeting greeting;
    private volatile boolean oobEnabled;

    private QmpClient(Transport transport, QmpClientOptions options) {
        this.options = options;
        this.name = options.name() != null ? options.name() : "qmp " + transport.describe();
        this.session = new MessageSession(name, transport, options.maxMessageSize(), options.writeTimeout());
        this.protocol = new QmpProtocol(name, options.awaitGreeting());
        // Created before the reader starts, so no event can slip past it.
        this.events = subscribe();
        session.start(protocol);
    }

    /** Starts a client on a connected transport and runs the handshake; closes it if that fails. */
    static QmpClient establish(Transport transport, QmpClientOptions options, long deadlineNanos) {
        QmpClient client = new QmpClient(transport, options);
        try {
            QmpProtocol.Negotiated n = client.protocol.handshake(client.session, options, deadlineNanos);
            client.greeting = n.greeting();
            client.oobEnabled = n.oob();
            return client;
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /**
     * Connects with default settings: reads the greeting, negotiates capabilities (with {@code oob}
     * when offered) and returns a ready client.
     *
     * @param address {@code /path/to.sock}, {@code unix:/path}, {@code host:port}, {@code tcp:host:port} or {@code [::1]:4444}
     * @return the connected client
     * @throws QmpConnectionException when the connection is refused or lost
     * @throws QmpTimeoutException when connecting, the greeting or negotiation takes longer than 10 s
     * @throws QmpProtocolException when the peer does not speak QMP
     * @throws IllegalArgumentException when the address is malformed
     */
    public static QmpClient connect(String address) {
        return builder().address(address).connect();
    }

    /** @return a builder with the defaults: 10 s connect, 30 s per command, 64 MiB messages, negotiation on */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the greeting the server sent, or null when connected with {@code awaitGreeting(false)} */
    public Greeting greeting() {
        return greeting;
    }

    /** @return true if out-of-band execution was negotiated, so {@link QmpRequest#oob()} can be used */
    public boolean oobEnabled() {
        return oobEnabled;
    }

    /** @return this connection's name, as used in logs */
    public String name() {
        return name;
    }

    /** @return true until the connection is closed or lost */
    public boolean isOpen() {
        return session.isOpen();
    }

    /** @return why the connection ended, or null while it is open */
    public QmpException closeCause() {
        return session.closeCause();
    }

    /**
     * When the session ends. Lets a tool or a control plane react to a lost QEMU without polling.
     *
     * @return a new future each call (completing it does nothing to the client): completes normally
     *     after {@link #close()}, and exceptionally with the {@link QmpException} that ended the session
     *     when the connection was lost or the peer broke the protocol. Its dependent stages never run
     *     on the connection's reader thread.
     */
    public CompletableFuture<Void> whenClosed() {
        return session.whenClosed();
    }

    /** @return the default deadline of each command */
    public Duration commandTimeout() {
        return options.commandTimeout();
    }

    /**
     * Runs a command and waits for its reply, within the request's timeout or the client's.
     *
     * @param request the command, its arguments and how to send it
     * @return the reply's {@code return} value
     * @throws QmpCommandException when QEMU answers with an error
     * @throws QmpTimeoutException when no reply arrives in time (QEMU may still run the command)
     * @throws QmpConnectionException when the connection is or gets closed
     * @throws QmpException when the request is out of band and {@code oob} was not negotiated, or carries
     *     file descriptors and this connection cannot pass them; nothing is sent then
     */
    public JsonNode execute(QmpRequest request) {
        Duration timeout = request.timeoutOr(options.commandTimeout());
        long deadline = Await.deadline(timeout);
        Sent sent = send(request);
        MessageSession.Call call = sent.call();
        ObjectNode reply = Await.until(call.reply(), deadline, name + ": " + request.command(),
                new Await.GiveUp<>() {
                    @Override
                    public ObjectNode expired() {
                        if (session.forget(call)) {
                            throw new QmpTimeoutException(QmpTimeoutException.Phase.COMMAND, timeout,
                                    name + ": " + request.command());
                        }
                        return call.reply().join(); // the reply (or the failure) is being delivered right now
                    }

                    @Override
                    public void interrupted() {
                        session.forget(call);
                    }
                });
        return interpret(sent, reply);
    }

    /**
     * Sends a command and returns at once. Any number may be in flight.
     *
     * @param request the command, its arguments and how to send it
     * @return completes with the {@code return} value, or exceptionally with the exceptions
     *     {@link #execute(QmpRequest)} throws; cancelling it stops waiting for the reply at once (a reply
     *     that still comes is dropped)
     */
    public CompletableFuture<JsonNode> executeAsync(QmpRequest request) {
        Duration timeout = request.timeoutOr(options.commandTimeout());
        Sent sent;
        MessageSession.Call call;
        try {
            sent = send(request);
            call = sent.call();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        String command = request.command();
        long nanos = Await.nanos(timeout);
        AsyncReply result = new AsyncReply(call, reply -> interpret(sent, reply), System.nanoTime() + nanos);
        // Runs where the engine's future completes (usually the reader thread): AsyncReply hands over so
        // that user stages never run there.
        call.reply().whenComplete((reply, failure) -> result.answeredOn(callbacks));
        result.whenComplete((r, e) -> {
            // Cancelled, or completed by the user (orTimeout...): stop waiting for the reply, and wake
            // threads waiting in join/get, which wait on the engine's future.
            if (!result.answered() && session.forget(call)) {
                call.reply().completeExceptionally(e != null ? e : new CancellationException());
            }
        });
        if (nanos <= ARM_AFTER_NANOS) {
            arm(result, command, timeout);
        } else {
            // Most calls are answered long before their deadline: a timer entry each (scheduled, then
            // cancelled from the reader) is made only for calls still unanswered after a short while.
            unarmed.add(new Unarmed(result, command, timeout));
            if (armScheduled.compareAndSet(false, true)) {
                Threads.scheduler().schedule(this::armUnanswered, ARM_AFTER_NANOS, TimeUnit.NANOSECONDS);
            }
        }
        return result;
    }

    private record Unarmed(AsyncReply result, String command, Duration timeout) {
    }

    /** Timer thread: gives the calls sent since the last run that are still unanswered a timer entry. */
    private void armUnanswered() {
        armScheduled.set(false);
        Unarmed u;
        while ((u = unarmed.poll()) != null) {
            if (!u.result().answered()) {
                arm(u.result(), u.command(), u.timeout());
            }
        }
        if (!unarmed.isEmpty() && armScheduled.compareAndSet(false, true)) {
            Threads.scheduler().schedule(this::armUnanswered, ARM_AFTER_NANOS, TimeUnit.NANOSECONDS);
        }
    }

    private void arm(AsyncReply result, String command, Duration timeout) {
        MessageSession.Call call = result.call();
        result.armed(Threads.scheduler().schedule(() -> {
            if (session.forget(call)) {
                // The waiters and the callback executor take it from there (never this shared timer).
                call.reply().completeExceptionally(new QmpTimeoutException(QmpTimeoutException.Phase.COMMAND,
                        timeout, name + ": " + command));
            }
        }, Math.max(0, result.deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS));
    }

    /**
     * Runs a command without arguments and waits for its reply.
     *
     * @param command e.g. {@code query-status}
     * @return the reply's {@code return} value
     * @throws QmpCommandException when QEMU answers with an error
     * @throws QmpTimeoutException when no reply arrives within the command timeout
     * @throws QmpConnectionException when the connection is or gets closed
     */
    public JsonNode execute(String command) {
        return execute(QmpRequest.of(command));
    }

    /**
     * Runs a command and waits for its reply.
     *
     * @param command e.g. {@code qom-get}
     * @param arguments its arguments (values may be strings, numbers, booleans, lists, maps, records or
     *     {@link JsonNode}s), or null for none
     * @return the reply's {@code return} value
     * @throws QmpCommandException when QEMU answers with an error
     * @throws QmpTimeoutException when no reply arrives within the command timeout
     * @throws QmpConnectionException when the connection is or gets closed
     */
    public JsonNode execute(String command, Map<String, ?> arguments) {
        return execute(QmpRequest.forCall(command, arguments, null, false, null));
    }

    /**
     * Runs a command and waits at most {@code timeout} for its reply.
     *
     * @param command the command
     * @param arguments its arguments, or null
     * @param timeout how long to wait; QEMU may still run the command after it passes
     * @return the reply's {@code return} value
     * @throws QmpCommandException when QEMU answers with an error
     * @throws QmpTimeoutException when no reply arrives in time
     * @throws QmpConnectionException when the connection is or gets closed
     */
    public JsonNode execute(String command, Map<String, ?> arguments, Duration timeout) {
        return execute(QmpRequest.forCall(command, arguments, timeout, false, null));
    }

    /**
     * Runs a command with file descriptors attached ({@code getfd}, {@code add-fd}), and waits for its
     * reply. QEMU gets its own copies; close yours when you like.
     *
     * @param command e.g. {@code add-fd}
     * @param arguments its arguments, or null
     * @param fds the descriptors, sent with the command in one message
     * @return the reply's {@code return} value
     * @throws QmpException when this connection cannot pass descriptors (connect a unix socket with
     *     {@link Builder#fdPassing(boolean)}); nothing is sent then
     * @throws QmpCommandException when QEMU answers with an error
     */
    public JsonNode execute(String command, Map<String, ?> arguments, FileDescriptor... fds) {
        return execute(QmpRequest.forCall(command, arguments, null, false, fds));
    }

    /**
     * Sends a command and returns at once. Any number may be in flight.
     *
     * @param command the command
     * @param arguments its arguments, or null
     * @return completes with the {@code return} value, or exceptionally with the exceptions
     *     {@link #execute(String, Map)} throws; cancelling it stops waiting for the reply
     */
    public CompletableFuture<JsonNode> executeAsync(String command, Map<String, ?> arguments) {
        return executeAsync(command, arguments, options.commandTimeout());
    }

    /**
     * Sends a command and returns at once, with its own deadline.
     *
     * @param command the command
     * @param arguments its arguments, or null
     * @param timeout the deadline for the reply
     * @return completes with the {@code return} value or exceptionally
     */
    public CompletableFuture<JsonNode> executeAsync(String command, Map<String, ?> arguments, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        QmpRequest request;
        try {
            request = QmpRequest.forCall(command, arguments, timeout, false, null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return executeAsync(request);
    }

    /**
     * Runs a command out of band ({@code exec-oob}): QEMU runs it at once, even while in-band commands
     * are queued or running (e.g. {@code migrate-recover}, {@code x-oob-test}). Only commands that the
     * schema marks {@code allow-oob} qualify. Same as {@code execute(QmpRequest.of(command, arguments).oob())}.
     *
     * @param command the command
     * @param arguments its arguments, or null
     * @return the reply's {@code return} value
     * @throws QmpException when {@code oob} was not negotiated
     * @throws QmpCommandException when QEMU answers with an error
     */
    public JsonNode executeOob(String command, Map<String, ?> arguments) {
        return execute(QmpRequest.forCall(command, arguments, null, true, null));
    }

    /**
     * The asynchronous form of {@link #executeOob}.
     *
     * @param command the command
     * @param arguments its arguments, or null
     * @return completes with the {@code return} value or exceptionally
     * @throws QmpException when {@code oob} was not negotiated
     */
    public CompletableFuture<JsonNode> executeOobAsync(String command, Map<String, ?> arguments) {
        QmpRequest request = QmpRequest.forCall(command, arguments, null, true, null);
        requireOob(request); // thrown, not returned in the future, as this method always did
        return executeAsync(request);
    }

    /**
     * Starts collecting events by name. Subscribe before triggering what you wait for.
     *
     * @param names the event names to collect; none means every event
     * @return the subscription; close it when done
     */
    public EventSubscription subscribe(String... names) {
        return register(new EventSubscription(name, new HashSet<>(Arrays.asList(names)), null,
                options.eventQueueCapacity(), protocol::remove));
    }

    /**
     * Starts collecting the events a predicate accepts, e.g. {@code e -> e.name().equals("DEVICE_DELETED")
     * && "net0".equals(e.data().path("device").asText())}. Subscribe before triggering what you wait for.
     *
     * <p>The predicate runs on the connection's reader thread for every event, so it must be quick and
     * must not block or call the client; one that throws is logged and counts as "no".
     *
     * @param filter which events to collect
     * @return the subscription; close it when done
     */
    public EventSubscription subscribe(Predicate<QmpEvent> filter) {
        Objects.requireNonNull(filter, "filter");
        return register(new EventSubscription(name, java.util.Set.of(), filter, options.eventQueueCapacity(),
                protocol::remove));
    }

    private EventSubscription register(EventSubscription s) {
        protocol.add(s);
        QmpException ended = session.closeCause();
        if (ended != null) {
            s.end(ended);
        }
        return s;
    }

    /**
     * The subscription to every event that exists from the moment of connecting, so nothing that
     * arrives between connect and a first {@code subscribe} is lost. Closing it stops its collection.
     *
     * @return the built-in subscription
     */
    public EventSubscription events() {
        return events;
    }

    /** Closes the connection; waiting calls fail with {@link QmpConnectionException}. Idempotent. */
    @Override
    public void close() {
        session.close();
    }

    /** For tests in qmp4j's own modules: calls still waiting for a reply. */
    int pendingCalls() {
        return session.pendingCount();
    }

    // ---- commands ----

    /** A command on its way: what was sent, kept as parts; its message's tree is only built for an error. */
    private record Sent(String verb, String command, ObjectNode arguments, MessageSession.Call call) {
        ObjectNode request() {
            ObjectNode m = Requests.message(verb, command, arguments);
            m.put("id", call.id());
            return m;
        }
    }

    private Sent send(QmpRequest request) {
        if (request.isOob()) {
            requireOob(request);
        }
        String command = request.command(); // never blank: QmpRequest.of checks
        // No tree for no arguments: none would be sent (JsonCodec.hasArguments), and this is every call's path.
        ObjectNode arguments = request.arguments().isEmpty() ? null : JsonCodec.toObject(request.arguments());
        String verb = request.isOob() ? "exec-oob" : "execute";
        return new Sent(verb, command, arguments, session.sendCommand(verb, command, arguments, request.fdsUnsafe()));
    }

    private void requireOob(QmpRequest request) {
        if (!oobEnabled) {
            throw new QmpException(name + ": cannot run " + request.command() + " out of band: the 'oob' capability was "
                    + (greeting != null && greeting.offers("oob") ? "not negotiated" : "not offered by this QEMU"));
        }
    }

    private static JsonNode interpret(Sent sent, ObjectNode reply) {
        JsonNode ret = reply.get("return");
        if (ret != null) {
            return ret;
        }
        return Requests.returnValue(sent.command(), sent.request(), reply, QmpCommandException::new);
    }

    /**
     * Settings for a {@link QmpClient}. A builder is a plain mutable object; {@link #connect()} and
     * {@link #listen()} take an immutable copy of its settings, so one builder can make many clients and
     * changing it later changes none of them.
     */
    public static final class Builder {
        private Address address;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration commandTimeout = Duration.ofSeconds(30);
        private Duration writeTimeout = Duration.ofSeconds(30);
        private int maxMessageSize = 64 << 20;
        private int eventQueueCapacity = 10_000;
        private boolean negotiate = true;
        private boolean awaitGreeting = true;
        private String name;
        private TlsOptions tls = TlsOptions.DEFAULT;
        private boolean fdPassing;

        private Builder() {
        }

        /**
         * @param address {@code /path}, {@code unix:/path}, {@code host:port}, {@code tcp:host:port}, {@code [::1]:4444},
         *     or {@code tls:host:port} / {@code tls:[::1]:4444} for QMP over TLS
         * @return this
         * @throws IllegalArgumentException when malformed
         */
        public Builder address(String address) {
            this.address = Address.parse(address);
            return this;
        }

        /**
         * @param address the address
         * @return this
         */
        public Builder address(Address address) {
            this.address = Objects.requireNonNull(address, "address");
            return this;
        }

        /**
         * @param timeout bound on socket connect + greeting + negotiation together (default 10 s)
         * @return this
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Checks.positive(timeout, "connectTimeout");
            return this;
        }

        /**
         * @param timeout default deadline of each command's reply (default 30 s)
         * @return this
         */
        public Builder commandTimeout(Duration timeout) {
            this.commandTimeout = Checks.positive(timeout, "commandTimeout");
            return this;
        }

        /**
         * @param timeout how long one write may block on a peer that does not read before the
         *     connection is declared dead (default 30 s)
         * @return this
         */
        public Builder writeTimeout(Duration timeout) {
            this.writeTimeout = Checks.positive(timeout, "writeTimeout");
            return this;
        }

        /**
         * @param bytes largest message accepted from the server (default 64 MiB); a larger one ends the
         *     session with {@link QmpProtocolException}
         * @return this
         */
        public Builder maxMessageSize(int bytes) {
            this.maxMessageSize = Checks.messageSize(bytes);
            return this;
        }

        /**
         * @param capacity bound of each event subscription's queue (default 10,000); when full, the oldest is dropped
         * @return this
         */
        public Builder eventQueueCapacity(int capacity) {
            if (capacity <= 0) {
                throw new IllegalArgumentException("eventQueueCapacity must be positive: " + capacity);
            }
            this.eventQueueCapacity = capacity;
            return this;
        }

        /**
         * @param negotiate whether to send {@code qmp_capabilities} after the greeting (default true);
         *     without it QEMU accepts no other command
         * @return this
         */
        public Builder negotiate(boolean negotiate) {
            this.negotiate = negotiate;
            return this;
        }

        /**
         * @param await whether to wait for the {@code {"QMP": ...}} greeting (default true). Without it,
         *     no negotiation happens either and {@link QmpClient#greeting()} is null: for peers that speak
         *     the QMP wire format without a greeting, such as qemu-ga.
         * @return this
         */
        public Builder awaitGreeting(boolean await) {
            this.awaitGreeting = await;
            return this;
        }

        /**
         * TLS: trusts only the CA(s) in this PEM file, instead of the JDK's default trust store. Like every
         * TLS option, it makes a plain TCP address ({@code host:port}) connect with TLS too; with a unix
         * socket address {@link #connect()} fails with {@link IllegalArgumentException}.
         *
         * @param pemCaFile the CA certificate(s), PEM
         * @return this
         */
        public Builder tlsCa(Path pemCaFile) {
            tls = new TlsOptions(Objects.requireNonNull(pemCaFile, "pemCaFile"), tls.certFile(), tls.keyFile(),
                    tls.insecureSkipVerification());
            return this;
        }

        /**
         * TLS: presents this client certificate, for QEMU's {@code tls-creds-x509,verify-peer=on}. Implies
         * TLS like {@link #tlsCa(Path)}. The files are read at {@link #connect()}.
         *
         * @param certPem the client certificate (optionally followed by its chain), PEM
         * @param keyPem its unencrypted private key: PKCS#8 ({@code BEGIN PRIVATE KEY}; RSA, EC or EdDSA)
         *     or PKCS#1 ({@code BEGIN RSA PRIVATE KEY}); convert others with {@code openssl pkcs8 -topk8 -nocrypt}
         * @return this
         */
        public Builder tlsClientCertificate(Path certPem, Path keyPem) {
            tls = new TlsOptions(tls.caFile(), Objects.requireNonNull(certPem, "certPem"),
                    Objects.requireNonNull(keyPem, "keyPem"), tls.insecureSkipVerification());
            return this;
        }

        /**
         * Connects a unix socket that can also pass file descriptors ({@code SCM_RIGHTS}), for
         * {@link QmpClient#execute(String, Map, FileDescriptor...)} with {@code getfd} or {@code add-fd}.
         * Needs the qmp4j-fdpass module (junixsocket) on the class path.
         *
         * @param fdPassing whether to (default false)
         * @return this
         */
        public Builder fdPassing(boolean fdPassing) {
            this.fdPassing = fdPassing;
            return this;
        }

        /**
         * TLS: <b>insecure</b>, accepts any server certificate for any host name. The connection is
         * encrypted but anyone in the middle can impersonate the server. For tests and throwaway set-ups
         * only. Implies TLS like {@link #tlsCa(Path)}.
         *
         * @return this
         */
        public Builder insecureSkipTlsVerification() {
            tls = new TlsOptions(tls.caFile(), tls.certFile(), tls.keyFile(), true);
            return this;
        }

        /**
         * @param name the connection's name in logs and thread names (default: {@code qmp <address>})
         * @return this
         */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /**
         * Connects to a listening QEMU ({@code -qmp unix:PATH,server=on,wait=off}), with TLS for a
         * {@code tls:} address or when a TLS option is set.
         *
         * @return the connected, negotiated client
         * @throws QmpConnectionException when refused or lost, or when the TLS handshake fails (the message
         *     says why: untrusted CA, host-name mismatch, client certificate required, ...)
         * @throws IllegalArgumentException when TLS is asked for on a unix socket
         * @throws QmpTimeoutException when set-up takes longer than the connect timeout
         * @throws QmpProtocolException when the peer does not speak QMP
         */
        public QmpClient connect() {
            QmpClientOptions o = options();
            long deadline = Await.deadline(o.connectTimeout());
            return establish(Transports.open(o.address(), o.connectTimeout(), o.tls(), o.fdPassing()), o, deadline);
        }

        /**
         * Server mode: listens on the address for QEMU to connect, for QEMU started with
         * {@code -qmp unix:PATH} (no {@code server}). Bind first, then start QEMU, then {@link QmpListener#accept()}.
         *
         * @return the listener
         * @throws QmpConnectionException when the address cannot be bound
         */
        public QmpListener listen() {
            QmpClientOptions o = options();
            if (o.tls().customised()) {
                throw new IllegalArgumentException("listening with TLS is not supported: " + o.address());
            }
            try {
                return new QmpListener(SocketListener.bind(o.address()), o);
            } catch (IOException e) {
                throw new QmpConnectionException("cannot listen on " + o.address() + ": " + e.getMessage(), e);
            }
        }

        /** The immutable settings a client keeps. */
        QmpClientOptions options() {
            if (address == null) {
                throw new IllegalStateException("no address set: call address(...) first");
            }
            return new QmpClientOptions(address, connectTimeout, commandTimeout, writeTimeout, maxMessageSize,
                    eventQueueCapacity, negotiate, awaitGreeting, name, tls, fdPassing);
        }
    }
}
