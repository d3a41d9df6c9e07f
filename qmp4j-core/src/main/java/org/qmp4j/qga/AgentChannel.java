package org.qmp4j.qga;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.qmp4j.QmpConnectionException;
import org.qmp4j.QmpException;
import org.qmp4j.QmpProtocolException;
import org.qmp4j.QmpTimeoutException;
import org.qmp4j.internal.framing.JsonCodec;
import org.qmp4j.internal.session.Await;
import org.qmp4j.internal.session.MessageSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The guest agent's wire rules on top of the generic engine: one request on the wire at a time (the
 * agent's replies carry no ids), and resynchronisation (0xFF, then {@code guest-sync-delimited} with
 * a random id, everything up to that id's reply discarded) on connect, after a timeout and after
 * garbage. A state machine with two slots, guarded by {@code state}: the reply a caller waits for
 * ({@code current}) and the sync reply ({@code sync}).
 */
final class AgentChannel implements MessageSession.Handler {
    private static final Logger LOG = LoggerFactory.getLogger(AgentChannel.class);
    private static final SecureRandom IDS = new SecureRandom();

    private final String name;
    private final MessageSession session;
    private final ReentrantLock wire = new ReentrantLock(true); // one request on the wire at a time
    private final Object state = new Object();
    // Guarded by state: what the reader does with the next message.
    private CompletableFuture<ObjectNode> current;
    private CompletableFuture<ObjectNode> sync;
    private long syncId;
    private boolean needSync = true;

    AgentChannel(String name, MessageSession session) {
        this.name = name;
        this.session = session;
    }

    /**
     * Sends a request and waits for its reply, resynchronising first when the channel may hold stale output.
     *
     * @return the reply; null when the deadline passed and {@code silenceIsSuccess}
     */
    ObjectNode exchange(String command, ObjectNode request, Duration timeout, boolean silenceIsSuccess) {
        long deadline = Await.deadline(timeout);
        lock(timeout, command);
        try {
            if (needSync()) {
                resync(deadline);
            }
            CompletableFuture<ObjectNode> reply = new CompletableFuture<>();
            synchronized (state) {
                current = reply;
            }
            session.write(request);
            return Await.until(reply, deadline, name + ": " + command, new Await.GiveUp<>() {
                @Override
                public ObjectNode expired() {
                    abandon(); // its reply may still come: clear the channel before the next call
                    if (silenceIsSuccess) {
                        return null;
                    }
                    throw new QmpTimeoutException(QmpTimeoutException.Phase.COMMAND, timeout, name + ": " + command);
                }

                @Override
                public void interrupted() {
                    abandon();
                }
            });
        } finally {
            wire.unlock();
        }
    }

    /** Resynchronises now, whether or not it is needed (also the first sync after connecting). */
    void sync(Duration timeout) {
        lock(timeout, "guest-sync");
        try {
            resync(Await.deadline(timeout));
        } finally {
            wire.unlock();
        }
    }

    private void abandon() {
        synchronized (state) {
            current = null;
            needSync = true;
        }
    }

    private void lock(Duration timeout, String command) {
        try {
            if (!wire.tryLock(Await.nanos(timeout), TimeUnit.NANOSECONDS)) {
                throw new QmpTimeoutException(QmpTimeoutException.Phase.COMMAND, timeout,
                        name + ": " + command + " (waiting for the calls before it)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QmpException(name + ": interrupted while waiting to send " + command, e);
        }
    }

    private boolean needSync() {
        synchronized (state) {
            return needSync;
        }
    }

    /** Wire lock held. 0xFF, guest-sync-delimited with a fresh id, wait for that id; guest-sync for old agents. */
    private void resync(long deadline) {
        Duration allowed = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
        long id = 1 + (IDS.nextLong() & 0x3FFF_FFFF_FFFFL); // fits JSON integers everywhere
        CompletableFuture<ObjectNode> done = new CompletableFuture<>();
        synchronized (state) {
            current = null;
            sync = done;
            syncId = id;
        }
        session.writeRaw(new byte[] {(byte) 0xFF});
        session.write(syncMessage("guest-sync-delimited", id));
        ObjectNode reply = awaitSync(done, deadline, allowed);
        if (reply.has("error")) { // an agent without guest-sync-delimited: plain guest-sync, same id
            LOG.debug("{}: no guest-sync-delimited ({}), using guest-sync", name, reply.path("error"));
            CompletableFuture<ObjectNode> plain = new CompletableFuture<>();
            synchronized (state) {
                sync = plain;
            }
            session.write(syncMessage("guest-sync", id));
            reply = awaitSync(plain, deadline, allowed);
            if (reply.has("error")) {
                throw new QmpProtocolException(name + ": the agent refused guest-sync: " + reply.path("error"));
            }
        }
        synchronized (state) {
            needSync = false;
        }
    }

    private static ObjectNode syncMessage(String command, long id) {
        ObjectNode m = JsonCodec.object();
        m.put("execute", command);
        m.putObject("arguments").put("id", id);
        return m;
    }

    private ObjectNode awaitSync(CompletableFuture<ObjectNode> done, long deadline, Duration allowed) {
        return Await.until(done, deadline, name + ": guest-sync", () -> {
            synchronized (state) {
                sync = null;
            }
            throw new QmpTimeoutException(QmpTimeoutException.Phase.SYNC, allowed,
                    name + ": the agent did not answer guest-sync (is it running in the guest?)");
        });
    }

    // ---- the engine's handler (reader thread): no ids, sync replies by their value, stale output dropped ----

    @Override
    public void onMessage(ObjectNode message) {
        if (message.has("QMP")) {
            // A QMP monitor greets; an agent never does. Waiting for a sync reply would only time out.
            session.fail(new QmpProtocolException(name + ": this socket speaks QMP (it sent a QMP greeting), not the "
                    + "guest agent protocol"));
            return;
        }
        synchronized (state) {
            if (sync != null) {
                JsonNode ret = message.get("return");
                if (ret != null && ret.canConvertToLong() && ret.asLong() == syncId) {
                    sync.complete(message);
                    sync = null;
                } else if (message.has("error") && isSyncUnknown(message)) {
                    sync.complete(message);
                    sync = null;
                } else {
                    LOG.debug("{}: dropping stale output while synchronising: {}", name, message);
                }
                return;
            }
            if (current != null && (message.has("return") || message.has("error"))) {
                current.complete(message);
                current = null;
                return;
            }
            needSync = true; // output nobody asked for: clear the channel before the next call
        }
        LOG.debug("{}: dropping unexpected output: {}", name, message);
    }

    private static boolean isSyncUnknown(ObjectNode message) {
        String desc = message.path("error").path("desc").asText("");
        return desc.contains("guest-sync-delimited") && (desc.contains("not been found") || desc.contains("disabled"));
    }

    @Override
    public boolean onInvalidInput(QmpException problem) {
        CompletableFuture<ObjectNode> victim;
        synchronized (state) {
            needSync = true;
            victim = current;
            current = null;
        }
        LOG.debug("{}: garbage from the agent, will resynchronise: {}", name, problem.getMessage());
        if (victim != null) {
            victim.completeExceptionally(new QmpProtocolException(name + ": garbage instead of a reply: "
                    + problem.getMessage(), problem));
        }
        return true;
    }

    @Override
    public void onClose(QmpException cause) {
        CompletableFuture<ObjectNode> a;
        CompletableFuture<ObjectNode> b;
        synchronized (state) {
            a = current;
            b = sync;
            current = null;
            sync = null;
        }
        // A protocol error (a QMP greeting) is reported as itself: retrying cannot help.
        QmpException e = cause instanceof QmpConnectionException || cause instanceof QmpProtocolException ? cause
                : new QmpConnectionException(name + ": " + cause.getMessage(), cause);
        if (a != null) {
            a.completeExceptionally(e);
        }
        if (b != null) {
            b.completeExceptionally(e);
        }
    }
}
