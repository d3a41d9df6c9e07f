package org.qmp4j.internal.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.FileDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.qmp4j.QmpConnectionException;
import org.qmp4j.QmpException;
import org.qmp4j.QmpProtocolException;
import org.qmp4j.QmpTimeoutException;
import org.qmp4j.internal.framing.JsonCodec;
import org.qmp4j.internal.framing.JsonFramer;
import org.qmp4j.internal.transport.FdPassingTransport;
import org.qmp4j.internal.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protocol engine shared by QMP and the guest agent: one connection, one reader thread, ids,
 * pending replies, and the rule that a dropped connection fails everything at once. It knows JSON
 * objects and ids, not QMP: greetings, negotiation and events belong to the {@link Handler}.
 *
 * <h2>Threads</h2>
 * <ul>
 *   <li>Reader thread (one per session, the only thread blocked while the session is idle): frames
 *       bytes, parses, completes pending replies by id, and passes everything else to the handler.
 *       Reply futures returned by {@link #send} may therefore complete on the reader thread: callers
 *       must not hang user code on them directly (QmpClient re-completes on the callback executor).</li>
 *   <li>Any thread: {@link #send}, {@link #forget}, {@link #close}. Writes are serialised by a lock
 *       and bounded by the {@link WriteWatchdog}.</li>
 * </ul>
 */
public final class MessageSession implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MessageSession.class);
    // An idle session holds the small buffer; a read that fills it doubles it (up to the large one)
    // so a flood is read in big bites, and a small read shrinks it back.
    private static final int SMALL_READ_BUFFER = 4 * 1024;
    private static final int LARGE_READ_BUFFER = 64 * 1024;
    private static final int REMEMBERED_ABANDONED_IDS = 1024;
    private static final FileDescriptor[] NO_FDS = {};

    /** The protocol's rules, called by the engine. */
    public interface Handler {
        /**
         * Reader thread. A framed message, before the engine parses it: a protocol can claim messages
         * it handles more cheaply from the bytes (QMP's events). Nothing is claimed by default.
         *
         * @param buf the bytes, valid only during the call
         * @param off where the message starts
         * @param len its length
         * @return true if the message was handled and the engine must not look at it
         */
        default boolean onFrame(byte[] buf, int off, int len) {
            return false;
        }

        /**
         * Reader thread. A message that is not the reply to a pending call: a greeting, an event, an
         * error without an id, a stray reply. Throwing a {@link QmpException} ends the session with it.
         *
         * @param message the message
         */
        void onMessage(ObjectNode message);

        /**
         * Reader thread. Every message of one read from the socket has been handled (or the read ended
         * the session), or a reply is about to be handed to its caller: the moment to queue what the read
         * brought so far and wake consumers once for a batch of events instead of once per event.
         */
        default void onReadHandled() {
        }

        /**
         * Reader thread. Bytes that are not JSON, or a message over the size limit, arrived. QMP ends the
         * session (the default); the guest agent, whose channel may hold stale output, resynchronises.
         *
         * @param problem what was wrong
         * @return true to drop the bad input and keep reading, false to end the session
         */
        default boolean onInvalidInput(QmpException problem) {
            return false;
        }

        /**
         * Reader thread. The peer closed its side for writing (or the whole connection). A server that
         * still owes replies (qmp-mux, to a script that sent its commands and shut down its side) keeps
         * the session open for writing and closes it itself; by default the session ends.
         *
         * @return true to stop reading but keep the session open
         */
        default boolean onEndOfInput() {
            return false;
        }

        /**
         * Called once when the session ends, on whichever thread ended it.
         *
         * @param cause why: a {@link QmpConnectionException} for a lost or closed connection, or the
         *     protocol or timeout exception that made the session unusable
         */
        void onClose(QmpException cause);
    }

    /**
     * One command waiting for its reply.
     *
     * @param id the id sent with it
     * @param reply completes with the whole reply message (return or error), or exceptionally with a
     *     {@link QmpConnectionException} when the session ends first
     */
    public record Call(long id, CompletableFuture<ObjectNode> reply) {
    }

    private final String name;
    private final Transport transport;
    private final JsonFramer framer;
    private final boolean tolerant;
    private final Duration writeTimeout;
    private final ConcurrentHashMap<Long, Call> pending = new ConcurrentHashMap<>();
    private final CallIds ids = new CallIds();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final AtomicReference<QmpException> closedBy = new AtomicReference<>();
    // Ids of calls that gave up waiting, so their late replies are logged quietly and the ids reused.
    private final Map<Long, Boolean> abandoned = new LinkedHashMap<>(16, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
            return size() > REMEMBERED_ABANDONED_IDS;
        }
    };
    // Completes when the session ends: normally after close(), exceptionally with the cause otherwise.
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private volatile Handler handler;
    private volatile long writeStartedNanos; // 0 while no write is in progress

    /**
     * @param name the connection's name in logs and messages
     * @param transport the connected byte stream; the session owns and closes it
     * @param maxMessageSize largest incoming message in bytes
     * @param writeTimeout how long one write may block before the connection is declared dead
     */
    public MessageSession(String name, Transport transport, int maxMessageSize, Duration writeTimeout) {
        this(name, transport, maxMessageSize, writeTimeout, false);
    }

    /**
     * @param name the connection's name in logs and messages
     * @param transport the connected byte stream; the session owns and closes it
     * @param maxMessageSize largest incoming message in bytes
     * @param writeTimeout how long one write may block before the connection is declared dead
     * @param tolerant pass bad input to {@link Handler#onInvalidInput} message by message and go on,
     *     instead of ending the session (the guest agent's channel may hold stale output)
     */
    public MessageSession(String name, Transport transport, int maxMessageSize, Duration writeTimeout,
            boolean tolerant) {
        this.name = name;
        this.transport = transport;
        this.tolerant = tolerant;
        this.framer = new JsonFramer(maxMessageSize, tolerant);
        this.writeTimeout = writeTimeout;
    }

    /** @return the connection's name */
    public String name() {
        return name;
    }

    /**
     * Starts the reader thread. Until then nothing is read.
     *
     * @param handler the protocol rules
     */
    public void start(Handler handler) {
        this.handler = handler;
        WriteWatchdog.watch(this);
        Threads.newThread("qmp4j-reader " + name, this::readLoop).start();
    }

    /** @return true until the session has ended */
    public boolean isOpen() {
        return closedBy.get() == null;
    }

    /** @return why the session ended, or null while it is open */
    public QmpException closeCause() {
        return closedBy.get();
    }

    /**
     * Assigns an id, registers the call and writes the message. The returned call's future completes
     * with the reply, on the reader thread.
     *
     * @param message the message; an {@code id} member is added to it
     * @return the pending call
     * @throws QmpConnectionException when the session has already ended (if the write itself fails,
     *     the call's future fails instead)
     */
    public Call send(ObjectNode message) {
        return send(message, NO_FDS);
    }

    /**
     * As {@link #send(ObjectNode)}, with file descriptors attached to the message (QEMU's
     * {@code getfd}, {@code add-fd}).
     *
     * @param message the message; an {@code id} member is added to it
     * @param fds descriptors to pass; empty for none
     * @return the pending call
     * @throws QmpException when there are descriptors and this transport cannot pass them (TCP, or a
     *     unix socket not connected for fd passing); nothing is sent then
     */
    public Call send(ObjectNode message, FileDescriptor[] fds) {
        if (fds.length > 0 && !(transport instanceof FdPassingTransport)) {
            throw new QmpException(name + ": cannot pass file descriptors over " + transport.describe()
                    + (transport.isUnixSocket()
                            ? ": connect with fdPassing(true) (needs the qmp4j-fdpass module)"
                            : ": only a unix socket can carry them"));
        }
        return register(id -> {
            message.put("id", id);
            write(message, fds);
        });
    }

    /** Assigns an id, registers the call, then writes (the reply can arrive before the write returns). */
    private Call register(java.util.function.LongConsumer writeWithId) {
        long id = ids.take();
        Call call = new Call(id, new CompletableFuture<>());
        pending.put(id, call);
        QmpException closed = closedBy.get();
        if (closed != null) {
            pending.remove(id);
            throw ended(closed);
        }
        try {
            writeWithId.accept(id);
        } catch (QmpException alreadyFailedEveryCall) {
            // fail() has completed this call's future along with every other pending call.
        }
        return call;
    }

    /**
     * As {@link #send(ObjectNode, FileDescriptor[])} for {@code {verb: command, "arguments": arguments}},
     * encoded straight to bytes without building the message's tree (the tree is still built when debug
     * logging is on, which logs it with secrets redacted).
     *
     * @param verb {@code execute} or {@code exec-oob}
     * @param command the command's name
     * @param arguments its arguments, or null for none
     * @param fds descriptors to pass; empty for none
     * @return the pending call
     */
    public Call sendCommand(String verb, String command, ObjectNode arguments, FileDescriptor[] fds) {
        if (fds.length > 0 || LOG.isDebugEnabled()) {
            return send(Requests.message(verb, command, arguments), fds);
        }
        return register(id -> writeRaw(JsonCodec.encodeCommand(verb, command, arguments, id), NO_FDS));
    }

    /**
     * Writes a message that expects no reply (or whose reply is matched by the caller).
     *
     * @param message the message, sent as compact JSON
     * @throws QmpConnectionException when the session has ended or the write fails
     */
    public void write(JsonNode message) {
        write(message, NO_FDS);
    }

    private void write(JsonNode message, FileDescriptor[] fds) {
        byte[] bytes = JsonCodec.encode(message);
        if (LOG.isDebugEnabled()) {
            JsonNode shown = Redaction.forLog(message);
            LOG.debug("{} --> {}{}", name, shown == message ? new String(bytes, StandardCharsets.UTF_8)
                    : JsonCodec.toString(shown, false), fds.length == 0 ? "" : " (+" + fds.length + " fds)");
        }
        writeRaw(bytes, fds);
    }

    /**
     * Writes bytes as they are (for the guest agent's 0xFF resync byte).
     *
     * @param bytes the bytes
     * @throws QmpConnectionException when the session has ended or the write fails
     */
    public void writeRaw(byte[] bytes) {
        writeRaw(bytes, NO_FDS);
    }

    private void writeRaw(byte[] bytes, FileDescriptor[] fds) {
        writeLock.lock();
        try {
            QmpException closed = closedBy.get();
            if (closed != null) {
                throw ended(closed);
            }
            writeStartedNanos = System.nanoTime() | 1;
            // An interrupt during a channel write closes the channel, which would end the session for
            // every caller; keep a pending interrupt away from the write and restore it afterwards.
            boolean interrupted = Thread.interrupted();
            try {
                if (fds.length > 0) {
                    ((FdPassingTransport) transport).write(ByteBuffer.wrap(bytes), fds);
                } else {
                    transport.write(ByteBuffer.wrap(bytes));
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        } catch (IOException e) {
            QmpException cause = closedBy.get();
            if (cause == null) {
                fail(new QmpConnectionException(name + ": connection lost while writing: " + e.getMessage(), e));
                cause = closedBy.get();
            }
            throw ended(cause);
        } finally {
            writeStartedNanos = 0;
            writeLock.unlock();
        }
    }

    /**
     * Stops waiting for a call (its deadline passed or it was cancelled). A reply that still arrives
     * is dropped.
     *
     * @param call the call
     * @return true if the call was still pending; false if its reply or failure is already being delivered
     */
    public boolean forget(Call call) {
        if (pending.remove(call.id(), call)) {
            synchronized (abandoned) {
                abandoned.put(call.id(), Boolean.TRUE);
            }
            return true;
        }
        return false;
    }

    /** @return the number of calls waiting for a reply */
    public int pendingCount() {
        return pending.size();
    }

    /** Ends the session: the socket closes and every pending call fails. Idempotent. */
    @Override
    public void close() {
        end(new QmpConnectionException(name + ": connection closed by the client"), true);
    }

    /**
     * The end of the session, for a client's {@code whenClosed()}: a new future each call, never the
     * engine's own, whose dependent stages run on the callback executor rather than on whichever thread
     * ended the session (maybe the reader).
     *
     * @return completes normally after {@link #close()}, exceptionally with the cause when the session
     *     ended any other way
     */
    public CompletableFuture<Void> whenClosed() {
        return ended.isDone() ? ended.copy() : ended.whenCompleteAsync((v, e) -> { }, Threads.callbackExecutor());
    }

    /**
     * Ends the session with a cause, once: closes the transport, fails every pending call with a
     * {@link QmpConnectionException}, tells the handler.
     *
     * @param cause why
     * @return false if the session had already ended
     */
    public boolean fail(QmpException cause) {
        return end(cause, false);
    }

    private boolean end(QmpException cause, boolean byClient) {
        if (!closedBy.compareAndSet(null, cause)) {
            return false;
        }
        LOG.debug("{}: session ended: {}", name, cause.getMessage());
        WriteWatchdog.unwatch(this);
        transport.close();
        for (Call call : pending.values()) {
            if (pending.remove(call.id(), call)) { // its id stays out of the pool: the session is over
                call.reply().completeExceptionally(ended(cause));
            }
        }
        Handler h = handler;
        if (h != null) {
            try {
                h.onClose(cause);
            } catch (RuntimeException e) {
                LOG.warn("{}: close handler failed", name, e);
            }
        }
        if (byClient) {
            ended.complete(null);
        } else {
            ended.completeExceptionally(cause);
        }
        return true;
    }

    /** Called by the watchdog's timer thread. */
    void checkWriteStall(long now) {
        long started = writeStartedNanos;
        if (started != 0 && now - started > writeTimeout.toNanos()) {
            QmpTimeoutException stall = new QmpTimeoutException(QmpTimeoutException.Phase.WRITE, writeTimeout,
                    name + ": writing (the peer stopped reading)");
            fail(new QmpConnectionException(stall.getMessage(), stall));
        }
    }

    private QmpConnectionException ended(QmpException cause) {
        if (cause instanceof QmpConnectionException) {
            // A fresh exception per caller (own stack), pointing at the root cause, not at a sibling.
            return new QmpConnectionException(cause.getMessage(), cause.getCause());
        }
        return new QmpConnectionException(name + ": session ended: " + cause.getMessage(), cause);
    }

    private void readLoop() {
        ByteBuffer buffer = ByteBuffer.allocate(SMALL_READ_BUFFER);
        JsonFramer.Sink sink = new JsonFramer.Sink() {
            @Override
            public void frame(byte[] buf, int off, int len) {
                route(buf, off, len);
            }

            @Override
            public void resync() {
                LOG.debug("{}: 0xFF from the peer, partial message discarded", name);
            }

            @Override
            public void skipped(int b) {
                handler.onInvalidInput(new QmpProtocolException(name + ": skipped non-JSON output"));
            }
        };
        try {
            while (closedBy.get() == null) {
                buffer.clear();
                int n = transport.read(buffer);
                if (n < 0) {
                    if (!handler.onEndOfInput()) {
                        fail(new QmpConnectionException(name + ": connection closed by the peer"));
                    }
                    return;
                }
                try {
                    framer.feed(buffer.array(), 0, n, sink);
                } catch (QmpProtocolException bad) {
                    framer.reset();
                    if (!handler.onInvalidInput(bad)) {
                        throw bad;
                    }
                } finally {
                    // Also when the read ends the session: what it brought before the fault is handed on.
                    handler.onReadHandled();
                }
                if (n == buffer.capacity() && n < LARGE_READ_BUFFER) {
                    buffer = ByteBuffer.allocate(n * 2);
                } else if (n < SMALL_READ_BUFFER && buffer.capacity() > SMALL_READ_BUFFER) {
                    buffer = ByteBuffer.allocate(SMALL_READ_BUFFER);
                }
            }
        } catch (QmpException e) {
            fail(e);
        } catch (IOException e) {
            fail(new QmpConnectionException(name + ": connection lost: " + e.getMessage(), e));
        } catch (RuntimeException | Error e) {
            LOG.error("{}: reader failed", name, e);
            fail(new QmpConnectionException(name + ": internal error in the reader: " + e, e));
        }
    }

    private void route(byte[] buf, int off, int len) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("{} <-- {}", name, new String(buf, off, len, StandardCharsets.UTF_8));
        }
        if (handler.onFrame(buf, off, len)) {
            return;
        }
        ObjectNode message;
        try {
            message = JsonCodec.parseObject(buf, off, len);
        } catch (QmpProtocolException bad) {
            if (tolerant && handler.onInvalidInput(bad)) {
                return; // drop this object, keep the ones after it
            }
            throw bad;
        }
        JsonNode id = message.get("id");
        if (id != null && (message.has("return") || message.has("error"))) {
            long key = id.isIntegralNumber() ? id.longValue() : 0; // 0: not ours (CallIds starts at 1)
            Call call = pending.remove(key);
            if (call != null) {
                ids.release(key);
                // Events that came before this reply are queued before its caller sees it.
                handler.onReadHandled();
                call.reply().complete(message);
                return;
            }
            boolean late;
            synchronized (abandoned) {
                late = abandoned.remove(key) != null;
            }
            if (late) {
                ids.release(key);
                LOG.debug("{}: dropping late reply to abandoned call {}", name, id);
            } else {
                LOG.warn("{}: dropping reply with unknown id {}", name, id);
            }
            return;
        }
        handler.onMessage(message);
    }
}
