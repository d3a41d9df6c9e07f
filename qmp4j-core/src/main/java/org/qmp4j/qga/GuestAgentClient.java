package org.qmp4j.qga;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.qmp4j.Address;
import org.qmp4j.QmpCommandException;
import org.qmp4j.QmpConnectionException;
import org.qmp4j.QmpException;
import org.qmp4j.QmpProtocolException;
import org.qmp4j.QmpTimeoutException;
import org.qmp4j.internal.framing.JsonCodec;
import org.qmp4j.internal.session.Await;
import org.qmp4j.internal.session.Checks;
import org.qmp4j.internal.session.MessageSession;
import org.qmp4j.internal.session.Requests;
import org.qmp4j.internal.transport.SocketTransport;
import org.qmp4j.internal.transport.Transport;

/**
 * A connection to a QEMU guest agent (qemu-ga), through the socket QEMU exposes for the guest's
 * virtio-serial port or an agent's own {@code unix-listen} socket.
 *
 * <pre>{@code
 * try (GuestAgentClient ga = GuestAgentClient.connect("/run/vm1/qga.sock")) {
 *     ga.ping();
 *     JsonNode os = ga.execute("guest-get-osinfo");
 * }
 * }</pre>
 *
 * <p>The agent's channel has no greeting and may hold stale output: a reply for a previous client, the
 * late reply of a call that timed out, half a message. So the client resynchronises on connect, after
 * every timeout and after any garbage: it sends a 0xFF byte (the agent drops what it had half read),
 * then {@code guest-sync-delimited} with a random id, and discards everything until the reply that
 * carries that id ({@code guest-sync} for agents without the delimited form). Requests carry no ids
 * (old agents do not echo them), so one request is on the wire at a time; concurrent callers queue.
 * A stale reply never reaches a caller.
 *
 * <p>Thread-safe. Every call has a deadline: 3 s by default as in QEMU's own client, longer for commands
 * that legitimately take long (see {@link Builder#timeout(String, Duration)}).
 */
public final class GuestAgentClient implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(GuestAgentClient.class);


    /** Per-command default deadlines where the agent legitimately takes longer than the default. */
    public static final Map<String, Duration> SLOW_COMMANDS = Map.of(
            "guest-fsfreeze-freeze", Duration.ofSeconds(60),
            "guest-fsfreeze-freeze-list", Duration.ofSeconds(60),
            "guest-fsfreeze-thaw", Duration.ofSeconds(60),
            "guest-fstrim", Duration.ofMinutes(5),
            "guest-get-fsinfo", Duration.ofSeconds(20),
            "guest-get-disks", Duration.ofSeconds(20));

    /** Commands whose success is silence; seeded with the known ones, completed by {@link #info()}. */
    private final Set<String> noReply = ConcurrentHashMap.newKeySet();
    private final GuestAgentOptions options;
    private final String name;
    private final MessageSession session;
    private final AgentChannel channel;

    private GuestAgentClient(Transport transport, GuestAgentOptions options) {
        this.options = options;
        this.name = options.name() != null ? options.name() : "qga " + transport.describe();
        this.noReply.addAll(List.of("guest-shutdown", "guest-suspend-disk", "guest-suspend-ram", "guest-suspend-hybrid"));
        this.session = new MessageSession(name, transport, options.maxMessageSize(),
                options.commandTimeout().plusSeconds(30), true);
        this.channel = new AgentChannel(name, session);
        session.start(channel);
    }

    /**
     * Connects with the defaults and synchronises.
     *
     * @param address {@code /path}, {@code unix:/path}, {@code host:port}
     * @return the connected client
     * @throws QmpConnectionException when the connection is refused or lost
     * @throws QmpTimeoutException when the agent does not answer the sync in time (not running yet?)
     */
    public static GuestAgentClient connect(String address) {
        return builder().address(address).connect();
    }

    /** @return a builder: 10 s connect, 3 s per command, no waiting for an absent agent */
    public static Builder builder() {
        return new Builder();
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
     * When the session ends, for code that must react to a lost agent without polling.
     *
     * @return a new future each call: completes normally after {@link #close()}, exceptionally with the
     *     {@link QmpException} that ended the session otherwise; dependent stages never run on the
     *     connection's reader thread
     */
    public CompletableFuture<Void> whenClosed() {
        return session.whenClosed();
    }

    /**
     * @param command e.g. {@code guest-get-osinfo}
     * @return the reply's {@code return} value
     * @throws GuestAgentUnsupportedException when this agent does not have or has disabled the command
     * @throws QmpCommandException when the agent answers with another error
     * @throws QmpTimeoutException when it does not answer in time (the next call resynchronises first)
     * @throws QmpConnectionException when the connection is or gets closed
     */
    public JsonNode execute(String command) {
        return execute(command, null);
    }

    /**
     * @param command the command
     * @param arguments its arguments, or null
     * @return the reply's {@code return} value
     * @throws GuestAgentUnsupportedException when this agent does not have or has disabled the command
     * @throws QmpCommandException when the agent answers with another error
     * @throws QmpTimeoutException when it does not answer within the command's deadline
     * @throws QmpConnectionException when the connection is or gets closed
     */
    public JsonNode execute(String command, Map<String, ?> arguments) {
        return execute(command, arguments, options.timeoutFor(command));
    }

    /**
     * @param command the command
     * @param arguments its arguments, or null
     * @param timeout the deadline for the reply
     * @return the reply's {@code return} value; an empty object for a command that sends no reply on
     *     success ({@code guest-shutdown}, {@code guest-suspend-*}, and what {@link #info()} reports)
     *     once the timeout passed in silence
     * @throws GuestAgentUnsupportedException when this agent does not have or has disabled the command
     * @throws QmpCommandException when the agent answers with another error
     * @throws QmpTimeoutException when it does not answer in time
     * @throws QmpConnectionException when the connection is or gets closed
     */
    public JsonNode execute(String command, Map<String, ?> arguments, Duration timeout) {
        if (noReply.contains(command)) {
            executeExpectingNoReply(command, arguments, timeout);
            return JsonCodec.object();
        }
        ObjectNode request = message(command, arguments);
        ObjectNode reply = channel.exchange(command, request, Objects.requireNonNull(timeout, "timeout"), false);
        return interpret(command, request, reply);
    }

    /**
     * Runs a command that sends no reply when it succeeds ({@code guest-shutdown},
     * {@code guest-suspend-*}; {@code success-response: false} in {@code guest-info}): an error reply
     * within {@code wait} fails, silence or the channel closing (the guest went down) is success.
     *
     * @param command the command
     * @param arguments its arguments, or null
     * @param wait how long to listen for an error reply
     * @throws GuestAgentUnsupportedException when the command is not available
     * @throws QmpCommandException when the agent answers with an error
     */
    public void executeExpectingNoReply(String command, Map<String, ?> arguments, Duration wait) {
        ObjectNode request = message(command, arguments);
        if (!session.isOpen()) { // a closed channel only means success once the command was sent
            throw new QmpConnectionException(name + ": connection closed; " + command + " was not sent",
                    session.closeCause());
        }
        ObjectNode reply;
        try {
            reply = channel.exchange(command, request, Objects.requireNonNull(wait, "wait"), true);
        } catch (QmpConnectionException closed) {
            return; // the guest shut down or suspended: that is what success looks like
        }
        if (reply != null) {
            interpret(command, request, reply);
        }
    }

    /** Checks the agent answers ({@code guest-ping}). */
    public void ping() {
        execute("guest-ping");
    }

    /**
     * Also learns which commands send no reply on success ({@code success-response: false}), so that
     * {@link #execute} treats their silence as success.
     *
     * @return {@code guest-info}: the agent's version and its commands, with enabled and success-response flags
     */
    public JsonNode info() {
        JsonNode info = execute("guest-info");
        for (JsonNode c : info.path("supported_commands")) {
            if (c.has("success-response") && !c.path("success-response").asBoolean(true)) {
                noReply.add(c.path("name").asText());
            }
        }
        return info;
    }

    // ---- typed helpers ----

    /** @return {@code guest-network-get-interfaces}: name, hardware address, IP addresses, statistics */
    public JsonNode networkInterfaces() {
        return execute("guest-network-get-interfaces");
    }

    /** @return {@code guest-get-osinfo}: kernel and distribution */
    public JsonNode osinfo() {
        return execute("guest-get-osinfo");
    }

    /** @return the guest's host name */
    public String hostname() {
        return execute("guest-get-host-name").path("host-name").asText();
    }

    /** @return {@code guest-get-users}: who is logged in, since when */
    public JsonNode users() {
        return execute("guest-get-users");
    }

    /** @return the guest's clock */
    public Instant time() {
        long ns = execute("guest-get-time").asLong();
        return Instant.ofEpochSecond(ns / 1_000_000_000L, ns % 1_000_000_000L);
    }

    /** @return {@code thawed} or {@code frozen} */
    public String fsfreezeStatus() {
        return execute("guest-fsfreeze-status").asText();
    }

    /** @return how many file systems were frozen */
    public int fsfreezeFreeze() {
        return execute("guest-fsfreeze-freeze").asInt();
    }

    /** @return how many file systems were thawed */
    public int fsfreezeThaw() {
        return execute("guest-fsfreeze-thaw").asInt();
    }

    /**
     * @param minimum the smallest free range to discard, in bytes (0: all)
     * @return the agent's per-path result
     */
    public JsonNode fstrim(long minimum) {
        return execute("guest-fstrim", Map.of("minimum", minimum));
    }

    /** @return file transfer to and from the guest, in bounded chunks */
    public GuestFiles files() {
        return new GuestFiles(this);
    }

    /**
     * Runs a program in the guest and waits for it, output captured (see {@link GuestExec}).
     *
     * @param argv the program and its arguments
     * @param timeout how long the program may run
     * @return its exit code (or signal) and output
     * @throws QmpTimeoutException when it does not finish in time (it keeps running in the guest)
     */
    public GuestExec.Result exec(List<String> argv, Duration timeout) {
        return GuestExec.run(this, argv, timeout);
    }

    /**
     * Shuts the guest down ({@code guest-shutdown}, which sends no reply when it works).
     *
     * @param mode {@code powerdown}, {@code halt} or {@code reboot}
     */
    public void shutdown(String mode) {
        executeExpectingNoReply("guest-shutdown", Map.of("mode", mode), options.commandTimeout());
    }

    /**
     * Suspends the guest ({@code guest-suspend-disk|ram|hybrid}, no reply when it works).
     *
     * @param mode {@code disk}, {@code ram} or {@code hybrid}
     */
    public void suspend(String mode) {
        executeExpectingNoReply("guest-suspend-" + mode, null, options.commandTimeout());
    }

    /**
     * Resynchronises now, whether or not it is needed: 0xFF, then guest-sync-delimited.
     *
     * @throws QmpTimeoutException when the agent does not answer within the command timeout
     */
    public void sync() {
        channel.sync(options.commandTimeout());
    }

    /** Closes the connection. Idempotent. */
    @Override
    public void close() {
        session.close();
    }

    // ---- the wire ----

    private static ObjectNode message(String command, Map<String, ?> arguments) {
        return Requests.command("execute", command, arguments);
    }

    private static JsonNode interpret(String command, ObjectNode request, ObjectNode reply) {
        return Requests.returnValue(command, request, reply, (cls, desc, cmd, req) ->
                cls.equals("CommandNotFound") || cls.equals("CommandDisabled") || desc.contains("has been disabled")
                        ? new GuestAgentUnsupportedException(cls, desc, cmd, req)
                        : new QmpCommandException(cls, desc, cmd, req));
    }

    /**
     * Settings for a {@link GuestAgentClient}. {@link #connect()} takes an immutable copy, so changing the
     * builder afterwards changes no client.
     */
    public static final class Builder {
        private Address address;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration commandTimeout = Duration.ofSeconds(3);
        private Duration waitForAgent = Duration.ZERO;
        private int maxMessageSize = 64 << 20;
        private String name;
        private final Map<String, Duration> timeouts = new HashMap<>(SLOW_COMMANDS);

        private Builder() {
        }

        /**
         * @param address {@code /path}, {@code unix:/path}, {@code host:port}
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
         * @param timeout bound on the socket connect and the first sync (default 10 s)
         * @return this
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Checks.positive(timeout, "connectTimeout");
            return this;
        }

        /**
         * @param timeout default deadline of each command (default 3 s, as QEMU's own client)
         * @return this
         */
        public Builder commandTimeout(Duration timeout) {
            this.commandTimeout = Checks.positive(timeout, "commandTimeout");
            return this;
        }

        /**
         * @param command a command
         * @param timeout its own default deadline (fsfreeze and fstrim have longer ones already)
         * @return this
         */
        public Builder timeout(String command, Duration timeout) {
            timeouts.put(Objects.requireNonNull(command, "command"), Checks.positive(timeout, "timeout of " + command));
            return this;
        }

        /**
         * @param wait keep connecting and syncing until the agent answers or this much time has passed
         *     (for a guest that is still booting; default: no waiting). A refused connection is retried after a
         *     pause doubling from 100 ms to 2 s; an agent that does not answer yet is asked again, each wait
         *     doubling from 250 ms to 4 s, on the same connection while the waits are short and on a fresh one
         *     from 2 s on (which tells the guest the host side is open). Past the bound: a {@link QmpTimeoutException}
         *     of phase {@code CONNECT} with the last reason.
         * @return this
         */
        public Builder waitForAgent(Duration wait) {
            if (Objects.requireNonNull(wait, "wait").isNegative()) {
                throw new IllegalArgumentException("waitForAgent must not be negative: " + wait);
            }
            this.waitForAgent = wait;
            return this;
        }

        /**
         * @param bytes largest reply accepted (default 64 MiB, at least 1024)
         * @return this
         */
        public Builder maxMessageSize(int bytes) {
            this.maxMessageSize = Checks.messageSize(bytes);
            return this;
        }

        /**
         * @param name the connection's name in logs
         * @return this
         */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /**
         * Connects and synchronises; with {@link #waitForAgent}, retries until the agent answers.
         *
         * @return the connected client
         * @throws QmpConnectionException when the connection is refused or lost
         * @throws QmpTimeoutException when the agent does not answer in time
         * @throws QmpProtocolException when the socket is not a guest agent's (a QMP monitor, say)
         */
        public GuestAgentClient connect() {
            if (address == null) {
                throw new IllegalStateException("no address set: call address(...) first");
            }
            GuestAgentOptions o = new GuestAgentOptions(address, connectTimeout, commandTimeout, waitForAgent,
                    maxMessageSize, name, timeouts);
            if (o.waitForAgent().isZero()) {
                return connectOnce(o);
            }
            return awaitAgent(o);
        }

        /**
         * A booting guest: QEMU may not listen yet (connection refused: reconnect after a pause that doubles
         * up to 2 s), and once it does, qemu-ga may not have opened its port yet (QEMU holds what we send).
         * Then the sync is asked again on the same connection, each time waiting twice as long (from 250 ms
         * to 4 s): the agent answers every queued sync once it starts, and the channel drops all but the last.
         * From a 2 s wait on, an unanswered sync also makes a fresh connection for the next one.
         */
        private static GuestAgentClient awaitAgent(GuestAgentOptions o) {
            long until = Await.deadline(o.waitForAgent());
            long pauseMs = 100;
            Duration ask = Duration.ofMillis(250);
            GuestAgentClient client = null;
            while (true) {
                RuntimeException last;
                try {
                    if (client == null) {
                        client = new GuestAgentClient(SocketTransport.open(o.address(), o.connectTimeout()), o);
                    }
                    client.channel.sync(shorter(ask, until));
                    return client;
                } catch (QmpTimeoutException e) {
                    last = e;
                    if (ask.compareTo(RECONNECT_AFTER) >= 0) {
                        // A new connection also tells the guest that the host side is open again
                        // (virtio-serial's port-open): a guest migrated while its port was closed, or
                        // one that missed that message, answers only after it.
                        LOG.debug("{}: no answer within {} ms; asking again on a fresh connection", o.address(),
                                ask.toMillis());
                        client.close();
                        client = null;
                    }
                    ask = ask.multipliedBy(2).compareTo(MAX_ASK) > 0 ? MAX_ASK : ask.multipliedBy(2);
                } catch (QmpConnectionException e) {
                    last = e;
                    if (client != null) {
                        client.close();
                        client = null;
                    }
                    pause(Math.min(pauseMs, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
                    pauseMs = Math.min(2 * pauseMs, 2000);
                } catch (RuntimeException e) { // not an agent (a QMP greeting), or interrupted: no retry
                    if (client != null) {
                        client.close();
                    }
                    throw e;
                }
                if (System.nanoTime() - until >= 0) {
                    if (client != null) {
                        client.close();
                    }
                    throw new QmpTimeoutException(QmpTimeoutException.Phase.CONNECT, o.waitForAgent(),
                            "waiting for the guest agent at " + o.address() + " (last: " + last.getMessage() + ")");
                }
            }
        }

        private static final Duration MAX_ASK = Duration.ofSeconds(4);
        private static final Duration RECONNECT_AFTER = Duration.ofSeconds(2);

        private static Duration shorter(Duration ask, long until) {
            long left = Math.max(1, until - System.nanoTime());
            return left < ask.toNanos() ? Duration.ofNanos(left) : ask;
        }

        private static void pause(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new QmpException("interrupted while waiting for the guest agent", ie);
            }
        }

        private static GuestAgentClient connectOnce(GuestAgentOptions o) {
            GuestAgentClient client = new GuestAgentClient(SocketTransport.open(o.address(), o.connectTimeout()), o);
            try {
                client.channel.sync(o.connectTimeout());
                return client;
            } catch (RuntimeException e) {
                client.close();
                throw e;
            }
        }
    }
}
