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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.qmp4j.internal.framing.JsonCodec;
import org.qmp4j.internal.session.MessageSession;
import org.qmp4j.internal.session.Requests;
import org.qmp4j.internal.session.Threads;
import org.qmp4j.Address;
import org.qmp4j.internal.transport.FdPassingTransport;
import org.qmp4j.internal.transport.SocketListener;
import org.qmp4j.internal.transport.SocketTransport;
import org.qmp4j.internal.transport.TlsOptions;
import org.qmp4j.internal.transport.TlsTransport;
import org.qmp4j.internal.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * deadline (the builder's {@code commandTimeout} unless given); a call that times out leaves the
 * session healthy, and its late reply is dropped. When the connection is lost every waiting call
 * fails at once with {@link QmpConnectionException}.
 *
 * <p>Futures returned by {@code executeAsync} complete on a shared callback executor, never on the
 * connection's reader thread, so slow callbacks cannot stall replies or events.
 */
public final class QmpClient implements AutoCloseable {
    private static final FileDescriptor[] NO_FDS = {};
    private static final Logger LOG = LoggerFactory.getLogger(QmpClient.class);
    private static final Duration MAX_WAIT = Duration.ofDays(365 * 100);

    private final Builder config;
    private final String name;
    private final MessageSession session;
    private final Executor callbacks = Threads.callbackExecutor();
    private final CopyOnWriteArrayList<EventSubscription> subscriptions = new CopyOnWriteArrayList<>();
    private final EventSubscription events;
    private final CompletableFuture<ObjectNode> greetingMessage = new CompletableFuture<>();
    private volatile Greeting greeting;
    private volatile boolean oobEnabled;

    private QmpClient(Transport transport, Builder config) {
        this.config = config;
        this.name = config.name != null ? config.name : "qmp " + transport.describe();
        this.session = new MessageSession(name, transport, config.maxMessageSize, config.writeTimeout, "qmp4j-");
        // Created before the reader starts, so no event can slip past it.
        this.events = subscribe();
        session.start(new Rules());
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

    /** @return true if out-of-band execution was negotiated, so {@link #executeOob} can be used */
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

    /** @return the default deadline of each command */
    public Duration commandTimeout() {
        return config.commandTimeout;
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
        return execute(command, null, config.commandTimeout);
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
        return execute(command, arguments, config.commandTimeout);
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
        return await("execute", command, arguments, timeout, NO_FDS);
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
        return await("execute", command, arguments, config.commandTimeout, fds);
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
        return executeAsync(command, arguments, config.commandTimeout);
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
        return submit("execute", command, arguments, timeout);
    }

    /**
     * Runs a command out of band ({@code exec-oob}): QEMU runs it at once, even while in-band commands
     * are queued or running (e.g. {@code migrate-recover}, {@code x-oob-test}). Only commands that the
     * schema marks {@code allow-oob} qualify.
     *
     * @param command the command
     * @param arguments its arguments, or null
     * @return the reply's {@code return} value
     * @throws QmpException when {@code oob} was not negotiated
     * @throws QmpCommandException when QEMU answers with an error
     */
    public JsonNode executeOob(String command, Map<String, ?> arguments) {
        requireOob(command);
        return await("exec-oob", command, arguments, config.commandTimeout, NO_FDS);
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
        requireOob(command);
        return submit("exec-oob", command, arguments, config.commandTimeout);
    }

    /**
     * Starts collecting events. Subscribe before triggering what you wait for.
     *
     * @param names the event names to collect; none means every event
     * @return the subscription; close it when done
     */
    public EventSubscription subscribe(String... names) {
        EventSubscription s = new EventSubscription(name, new HashSet<>(Arrays.asList(names)),
                config.eventQueueCapacity, subscriptions::remove);
        subscriptions.add(s);
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

    // ---- commands ----

    private void requireOob(String command) {
        if (!oobEnabled) {
            throw new QmpException(name + ": cannot run " + command + " out of band: the 'oob' capability was "
                    + (greeting != null && greeting.offers("oob") ? "not negotiated" : "not offered by this QEMU"));
        }
    }

    private static ObjectNode message(String verb, String command, Map<String, ?> arguments) {
        return Requests.command(verb, command, arguments);
    }

    private JsonNode await(String verb, String command, Map<String, ?> arguments, Duration timeout,
            FileDescriptor[] fds) {
        Objects.requireNonNull(timeout, "timeout");
        ObjectNode request = message(verb, command, arguments);
        MessageSession.Call call = session.send(request, fds);
        ObjectNode reply;
        try {
            reply = call.reply().get(nanos(timeout), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            if (session.forget(call)) {
                throw new QmpTimeoutException(QmpTimeoutException.Phase.COMMAND, timeout, name + ": " + command);
            }
            reply = call.reply().join(); // the reply (or the failure) is being delivered right now
        } catch (ExecutionException e) {
            throw Requests.failure(e.getCause());
        } catch (InterruptedException e) {
            session.forget(call);
            Thread.currentThread().interrupt();
            throw new QmpException(name + ": interrupted while waiting for " + command, e);
        }
        return interpret(command, request, reply);
    }

    private CompletableFuture<JsonNode> submit(String verb, String command, Map<String, ?> arguments,
            Duration timeout) {
        ObjectNode request;
        MessageSession.Call call;
        try {
            request = message(verb, command, arguments);
            call = session.send(request);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<JsonNode> result = new CompletableFuture<>();
        ScheduledFuture<?> deadline = Threads.scheduler().schedule(() -> {
            if (session.forget(call)) {
                // Completed on the callback executor too: user stages must not run on the shared timer.
                QmpTimeoutException late = new QmpTimeoutException(QmpTimeoutException.Phase.COMMAND, timeout,
                        name + ": " + command);
                callbacks.execute(() -> result.completeExceptionally(late));
            }
        }, nanos(timeout), TimeUnit.NANOSECONDS);
        // This runs on the reader thread; hand over so user stages never run there.
        call.reply().whenComplete((reply, failure) -> {
            deadline.cancel(false);
            callbacks.execute(() -> {
                try {
                    if (failure != null) {
                        result.completeExceptionally(failure);
                    } else {
                        result.complete(interpret(command, request, reply));
                    }
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                }
            });
        });
        result.whenComplete((r, e) -> {
            if (result.isCancelled() && session.forget(call)) {
                deadline.cancel(false);
            }
        });
        return result;
    }

    private static JsonNode interpret(String command, ObjectNode request, ObjectNode reply) {
        return Requests.returnValue(command, request, reply, QmpCommandException::new);
    }

    /** Duration to nanoseconds, saturating instead of overflowing for absurdly long timeouts. */
    private static long nanos(Duration d) {
        return d.compareTo(MAX_WAIT) > 0 ? MAX_WAIT.toNanos() : Math.max(0, d.toNanos());
    }

    // ---- connection set-up ----

    private static QmpClient establish(Transport transport, Builder config, long deadlineNanos) {
        QmpClient client = new QmpClient(transport, config);
        try {
            client.handshake(deadlineNanos);
            return client;
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    private void handshake(long deadlineNanos) {
        if (!config.awaitGreeting) {
            return; // a peer without a greeting, e.g. the guest agent: nothing to negotiate either
        }
        ObjectNode hello = awaitSetup(greetingMessage, deadlineNanos, QmpTimeoutException.Phase.GREETING,
                name + ": waiting for the greeting (is another client connected? a QMP socket serves one at a time)");
        greeting = Greeting.parse(hello);
        if (!config.negotiate) {
            return;
        }
        boolean oob = greeting.offers("oob");
        ObjectNode negotiation = JsonCodec.object();
        negotiation.put("execute", "qmp_capabilities");
        ObjectNode args = negotiation.putObject("arguments");
        if (oob) {
            args.putArray("enable").add("oob");
        }
        MessageSession.Call call = session.send(negotiation);
        ObjectNode reply = awaitSetup(call.reply(), deadlineNanos, QmpTimeoutException.Phase.NEGOTIATION,
                name + ": qmp_capabilities");
        if (!reply.has("return")) {
            JsonNode error = reply.path("error");
            throw new QmpProtocolException(name + ": capabilities negotiation failed: "
                    + error.path("class").asText("?") + ": " + error.path("desc").asText(reply.toString()));
        }
        oobEnabled = oob;
        LOG.debug("{}: connected to QEMU {}, capabilities {}", name, greeting.version(), greeting.capabilities());
    }

    private ObjectNode awaitSetup(CompletableFuture<ObjectNode> f, long deadlineNanos, QmpTimeoutException.Phase phase,
            String what) {
        try {
            return f.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new QmpTimeoutException(phase, config.connectTimeout, what);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            // A session that ended during set-up: report its root cause, not the wrapper.
            if (c instanceof QmpConnectionException && c.getCause() instanceof QmpException root) {
                throw root;
            }
            throw Requests.failure(c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QmpException(what + ": interrupted", e);
        }
    }

    /** QMP's rules for messages that are not replies to pending calls. Reader thread. */
    private final class Rules implements MessageSession.Handler {
        private boolean offered; // reader thread only

        @Override
        public boolean onFrame(byte[] buf, int off, int len) {
            if (!greetingMessage.isDone() && config.awaitGreeting) {
                return false; // before the greeting anything but the greeting is an error: the full path says so
            }
            QmpEvent event = EventFrames.scan(buf, off, len);
            if (event == null) {
                return false;
            }
            deliver(event);
            return true;
        }

        @Override
        public void onMessage(ObjectNode message) {
            if (message.has("event")) {
                deliver(QmpEvent.parse(message));
                return;
            }
            if (!greetingMessage.isDone()) {
                if (message.has("QMP")) {
                    greetingMessage.complete(message);
                    return;
                }
                if (config.awaitGreeting) {
                    throw new QmpProtocolException(name + ": expected the QMP greeting, got: " + message);
                }
            }
            JsonNode error = message.get("error");
            if (error != null && !message.has("id")) {
                // QEMU could not parse something we sent, so it cannot say which call failed.
                throw new QmpProtocolException(name + ": error reply without id (the server could not parse a message): "
                        + error.path("class").asText() + ": " + error.path("desc").asText());
            }
            LOG.warn("{}: dropping unexpected message: {}", name, message);
        }

        private void deliver(QmpEvent event) {
            for (EventSubscription s : subscriptions) {
                if (s.accepts(event.name())) {
                    s.offer(event);
                    offered = true;
                }
            }
        }

        @Override
        public void onReadHandled() {
            if (offered) {
                offered = false;
                for (EventSubscription s : subscriptions) {
                    s.flush();
                }
            }
        }

        @Override
        public void onClose(QmpException cause) {
            greetingMessage.completeExceptionally(cause);
            for (EventSubscription s : subscriptions) {
                s.end(cause);
            }
        }
    }

    /**
     * Settings for a {@link QmpClient}. A builder is a plain mutable object; each {@link #connect()}
     * copies what it needs, so one builder can make many clients.
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

        private Builder(Builder o) {
            address = o.address;
            connectTimeout = o.connectTimeout;
            commandTimeout = o.commandTimeout;
            writeTimeout = o.writeTimeout;
            maxMessageSize = o.maxMessageSize;
            eventQueueCapacity = o.eventQueueCapacity;
            negotiate = o.negotiate;
            awaitGreeting = o.awaitGreeting;
            name = o.name;
            tls = o.tls;
            fdPassing = o.fdPassing;
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
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /**
         * @param timeout default deadline of each command's reply (default 30 s)
         * @return this
         */
        public Builder commandTimeout(Duration timeout) {
            this.commandTimeout = positive(timeout, "commandTimeout");
            return this;
        }

        /**
         * @param timeout how long one write may block on a peer that does not read before the
         *     connection is declared dead (default 30 s)
         * @return this
         */
        public Builder writeTimeout(Duration timeout) {
            this.writeTimeout = positive(timeout, "writeTimeout");
            return this;
        }

        /**
         * @param bytes largest message accepted from the server (default 64 MiB); a larger one ends the
         *     session with {@link QmpProtocolException}
         * @return this
         */
        public Builder maxMessageSize(int bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("maxMessageSize must be at least 1024 bytes: " + bytes);
            }
            this.maxMessageSize = bytes;
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
            Builder config = new Builder(this);
            Address target = config.requireAddress();
            long deadline = System.nanoTime() + config.connectTimeout.toNanos();
            return establish(config.open(target), config, deadline);
        }

        private Transport open(Address target) {
            if (fdPassing) {
                if (!(target instanceof Address.Unix unix) || tls.customised()) {
                    throw new IllegalArgumentException("file descriptors can only be passed over a unix socket: " + target);
                }
                return SocketTransport.open(target, connectTimeout,
                        () -> FdPassingTransport.connect(unix.path(), connectTimeout));
            }
            if (target instanceof Address.Tcp tcp && (tcp.tls() || tls.customised())) {
                return TlsTransport.open(tcp.withTls(), connectTimeout, tls);
            }
            if (tls.customised()) {
                throw new IllegalArgumentException("TLS options need a TCP address (tls:host:port); TLS on a unix "
                        + "socket is not supported: " + target);
            }
            return SocketTransport.open(target, connectTimeout);
        }

        /**
         * Server mode: listens on the address for QEMU to connect, for QEMU started with
         * {@code -qmp unix:PATH} (no {@code server}). Bind first, then start QEMU, then {@link QmpListener#accept()}.
         *
         * @return the listener
         * @throws QmpConnectionException when the address cannot be bound
         */
        public QmpListener listen() {
            Builder config = new Builder(this);
            Address target = config.requireAddress();
            if (tls.customised()) {
                throw new IllegalArgumentException("listening with TLS is not supported: " + target);
            }
            try {
                return new QmpListener(SocketListener.bind(target), config);
            } catch (IOException e) {
                throw new QmpConnectionException("cannot listen on " + target + ": " + e.getMessage(), e);
            }
        }

        Duration connectTimeout() {
            return connectTimeout;
        }

        QmpClient accepted(Transport transport, long deadlineNanos) {
            return establish(transport, new Builder(this), deadlineNanos);
        }

        private Address requireAddress() {
            if (address == null) {
                throw new IllegalStateException("no address set: call address(...) first");
            }
            return address;
        }

        private static Duration positive(Duration d, String what) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive: " + d);
            }
            return d;
        }
    }
}
