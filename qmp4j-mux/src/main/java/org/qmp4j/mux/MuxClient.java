package org.qmp4j.mux;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.qmp4j.QmpConnectionException;
import org.qmp4j.QmpException;
import org.qmp4j.internal.framing.JsonCodec;
import org.qmp4j.internal.session.MessageSession;
import org.qmp4j.internal.session.Threads;
import org.qmp4j.internal.transport.FdPassingTransport;
import org.qmp4j.internal.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client of the mux: its own negotiation, QEMU's rules for requests, the read-only policy, and an
 * outgoing queue drained by its own writer thread, so a client that stops reading never slows the
 * upstream reader or the other clients. A full queue disconnects it.
 */
final class MuxClient implements MessageSession.Handler {
    private static final Logger LOG = LoggerFactory.getLogger(MuxClient.class);
    private static final byte[] END = new byte[0];
    private static final byte[] FLUSH_AND_CLOSE = new byte[0];
    // A flood of events leaves in few writes: one system call for whatever waits, up to these bounds.
    private static final int WRITE_BATCH_MESSAGES = 256;
    private static final int WRITE_BATCH_BYTES = 64 * 1024;
    private static final FileDescriptor[] NO_FDS = {};
    private static final byte[] CHECK_DONE = new byte[0]; // the writer closes a half-closed client once it owes nothing
    private static final byte[] CRLF = {'\r', '\n'};

    final String name;
    final boolean readOnly;
    private final QmpMux mux;
    private final MessageSession session;
    private final Transport transport;
    private final BlockingQueue<byte[]> out;
    private final AtomicLong queuedBytes = new AtomicLong();
    private final long maxQueuedBytes;
    private volatile boolean negotiated;
    private volatile boolean oob;
    private volatile boolean closed;
    // A client that shut down its side still gets the replies it is owed, then the connection closes.
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean inputEnded;
    private boolean inGarbage; // reader thread only: one error per run of bytes that are not JSON
    // QEMU answers in-band commands in order, and clients without ids rely on it; replies to forwarded
    // commands complete on other threads, so each request takes a place here and replies leave in order.
    private final java.util.ArrayDeque<Slot> order = new java.util.ArrayDeque<>();

    /** A reply's place in line; {@code bytes} is set when the reply is known. */
    static final class Slot {
        private byte[] bytes;
    }

    MuxClient(QmpMux mux, String name, Transport transport, boolean readOnly, MuxOptions options) {
        this.mux = mux;
        this.name = name;
        this.readOnly = readOnly;
        this.out = new ArrayBlockingQueue<>(options.clientQueue());
        this.maxQueuedBytes = options.clientQueueBytes();
        // Tolerant: a malformed request gets an error reply and the client goes on, as with QEMU.
        this.transport = transport;
        this.session = new MessageSession(name, transport, options.maxMessageSize(), options.writeTimeout(), true);
    }

    void start(byte[] greeting) {
        send(greeting);
        Threads.newThread("qmp4j-mux-writer " + name, this::writeLoop).start();
        session.start(this);
    }

    boolean negotiated() {
        return negotiated;
    }

    /**
     * Ends this client (the mux is closing, or QEMU went away) once what is already queued is written: the
     * reply to a {@code quit} comes just before QEMU closes its end.
     */
    void close() {
        if (!out.offer(FLUSH_AND_CLOSE)) {
            session.close(); // a full queue: that client was not reading anyway
        }
    }

    // ---- reader thread ----

    @Override
    public void onMessage(ObjectNode request) {
        inGarbage = false;
        // Descriptors (SCM_RIGHTS) came with the bytes of this read: they belong to this command.
        FileDescriptor[] fds = transport instanceof FdPassingTransport f ? f.takeReceivedFileDescriptors() : NO_FDS;
        if (!handle(request, fds)) {
            FdPassingTransport.closeAll(fds);
        }
    }

    /** @return true when the command went upstream with the descriptors (they are closed after its reply) */
    private boolean handle(ObjectNode request, FileDescriptor[] fds) {
        JsonNode id = request.get("id");
        String bad = InputRules.check(request, oob);
        if (bad != null) {
            error(id, "GenericError", bad);
            return false;
        }
        boolean isOob = request.has("exec-oob");
        String command = request.get(isOob ? "exec-oob" : "execute").textValue();
        JsonNode args = request.get("arguments");
        if (!negotiated) {
            if (!command.equals("qmp_capabilities")) {
                error(id, "CommandNotFound", "Expecting capabilities negotiation with 'qmp_capabilities'");
                return false;
            }
            String refused = InputRules.checkNegotiation(args, mux.oobOffered());
            if (refused != null) {
                error(id, "GenericError", refused);
                return false;
            }
            oob = InputRules.enablesOob(args);
            negotiated = true;
            ObjectNode ok = JsonCodec.object();
            ok.putObject("return");
            reply(id, ok);
            return false;
        }
        if (command.equals("qmp_capabilities")) {
            error(id, "CommandNotFound", "Capabilities negotiation is already complete, command ignored");
            return false;
        }
        if (readOnly && !ReadOnlyPolicy.allows(command)) {
            LOG.info("{}: refused {} (read-only)", name, command);
            error(id, "GenericError", ReadOnlyPolicy.refusal(command));
            return false;
        }
        mux.forward(this, request, command, args == null ? null : (ObjectNode) args, isOob, fds);
        return true;
    }

    @Override
    public boolean onInvalidInput(QmpException problem) {
        if (!inGarbage) {
            inGarbage = true;
            error(null, "GenericError", "JSON parse error, " + problem.getMessage().replace(name + ": ", ""));
        }
        return true;
    }

    @Override
    public boolean onEndOfInput() {
        inputEnded = true;
        closeIfDone();
        return true;
    }

    /** A command went upstream: its reply is owed even if the client shuts down its side. */
    void forwarded() {
        inFlight.incrementAndGet();
    }

    private void closeIfDone() {
        if (inFlight.get() == 0) {
            out.offer(CHECK_DONE); // if the queue is full, the writer checks after its next message anyway
        }
    }

    @Override
    public void onClose(QmpException cause) {
        closed = true;
        out.clear();
        out.offer(END);
        mux.left(this, cause);
    }

    // ---- any thread ----

    /**
     * Sends a reply, with the client's own id as it came (or none).
     *
     * @param id the request's id member, or null when it had none
     * @param body {@code {"return": ...}} or {@code {"error": ...}}
     */
    void reply(JsonNode id, ObjectNode body) {
        reply(reserve(), id, body);
    }

    /** Reader thread: the next request's place in line. */
    Slot reserve() {
        Slot s = new Slot();
        synchronized (order) {
            order.addLast(s);
        }
        return s;
    }

    private void reply(Slot slot, JsonNode id, ObjectNode body) {
        if (id != null) {
            body.set("id", id);
        }
        byte[] bytes = frame(JsonCodec.encode(body));
        synchronized (order) {
            if (slot == null) { // out of band: as soon as it is known
                send(bytes);
                return;
            }
            slot.bytes = bytes;
            while (!order.isEmpty() && order.peekFirst().bytes != null) {
                send(order.pollFirst().bytes);
            }
        }
    }

    /**
     * A forwarded command's reply, the client's id already on it.
     *
     * @param slot its place in line, or null for an out-of-band command (answered when done, as QEMU does)
     */
    void forwardedReply(Slot slot, ObjectNode body) {
        reply(slot, null, body);
        inFlight.decrementAndGet();
        if (inputEnded) {
            closeIfDone();
        }
    }

    void error(JsonNode id, String errorClass, String desc) {
        ObjectNode body = JsonCodec.object();
        body.putObject("error").put("class", errorClass).put("desc", desc);
        reply(id, body);
    }

    /**
     * Queues a message, already framed. Never blocks: a client whose queue is full is disconnected.
     *
     * @param bytes the message and its line end
     */
    void send(byte[] bytes) {
        if (closed) {
            return;
        }
        if (queuedBytes.addAndGet(bytes.length) > maxQueuedBytes || !out.offer(bytes)) {
            queuedBytes.addAndGet(-bytes.length);
            String reason = "it stopped reading (" + out.size() + " messages, " + (queuedBytes.get() >> 10)
                    + " KiB waiting)";
            LOG.warn("{}: disconnected: {}", name, reason);
            session.fail(new QmpConnectionException(name + ": disconnected by qmp-mux: " + reason));
        }
    }

    /** @return the message followed by CR LF, as QEMU ends each one */
    static byte[] frame(byte[] json) {
        byte[] b = new byte[json.length + 2];
        System.arraycopy(json, 0, b, 0, json.length);
        System.arraycopy(CRLF, 0, b, json.length, 2);
        return b;
    }

    private void writeLoop() {
        List<byte[]> batch = new ArrayList<>();
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(WRITE_BATCH_BYTES);
        try {
            while (true) {
                batch.add(out.take());
                out.drainTo(batch, WRITE_BATCH_MESSAGES); // what else is waiting goes in the same write
                buffer.reset();
                boolean end = false;
                boolean closeAfter = false;
                for (byte[] b : batch) {
                    if (b == END) {
                        end = true;
                        break;
                    }
                    if (b == FLUSH_AND_CLOSE) {
                        closeAfter = true;
                        break;
                    }
                    if (b != CHECK_DONE) {
                        queuedBytes.addAndGet(-b.length);
                        buffer.writeBytes(b);
                    }
                }
                batch.clear();
                if (buffer.size() > 0) {
                    session.writeRaw(buffer.toByteArray());
                }
                if (closeAfter) {
                    session.close();
                    return;
                }
                if (end) {
                    return;
                }
                if (inputEnded && inFlight.get() == 0 && out.isEmpty()) {
                    session.fail(new QmpConnectionException(name + ": connection closed by the peer"));
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (QmpException ended) {
            // the session has ended; onClose has told the mux
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
