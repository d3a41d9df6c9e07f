package org.qmp4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.qmp4j.internal.framing.JsonCodec;
import org.qmp4j.internal.session.Await;
import org.qmp4j.internal.session.MessageSession;
import org.qmp4j.internal.session.Requests;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * QMP's rules on top of the generic engine: the greeting, capability negotiation, events to
 * subscriptions, and what to make of messages that answer no pending call. The engine
 * ({@link MessageSession}) knows ids and replies; this class knows QMP.
 */
final class QmpProtocol implements MessageSession.Handler {
    private static final Logger LOG = LoggerFactory.getLogger(QmpProtocol.class);

    /** What the handshake learnt. */
    record Negotiated(Greeting greeting, boolean oob) {
    }

    private final String name;
    private final boolean awaitGreeting;
    private final CompletableFuture<ObjectNode> greetingMessage = new CompletableFuture<>();
    private final CopyOnWriteArrayList<EventSubscription> subscriptions = new CopyOnWriteArrayList<>();
    private volatile java.util.function.Consumer<QmpEvent> tap;
    private boolean offered; // reader thread only: events queued during the current read

    QmpProtocol(String name, boolean awaitGreeting) {
        this.name = name;
        this.awaitGreeting = awaitGreeting;
    }

    void add(EventSubscription s) {
        subscriptions.add(s);
    }

    void remove(EventSubscription s) {
        subscriptions.remove(s);
    }

    // ---- the handshake (caller's thread) ----

    /**
     * Waits for the greeting and negotiates capabilities ({@code oob} when offered).
     *
     * @return the greeting and whether {@code oob} is on; a null greeting when the peer sends none
     */
    Negotiated handshake(MessageSession session, QmpClientOptions options, long deadlineNanos) {
        if (!options.awaitGreeting()) {
            return new Negotiated(null, false); // a peer without a greeting, e.g. the guest agent: nothing to negotiate
        }
        ObjectNode hello = setup(greetingMessage, deadlineNanos, QmpTimeoutException.Phase.GREETING, options,
                name + ": waiting for the greeting (is another client connected? a QMP socket serves one at a time; "
                        + "or is this a guest agent's socket? an agent sends no greeting)");
        Greeting greeting = Greeting.parse(hello);
        if (!options.negotiate()) {
            return new Negotiated(greeting, false);
        }
        boolean oob = greeting.offers("oob");
        ObjectNode args = JsonCodec.object();
        if (oob) {
            args.putArray("enable").add("oob");
        }
        MessageSession.Call call = session.send(Requests.message("execute", "qmp_capabilities", args));
        ObjectNode reply = setup(call.reply(), deadlineNanos, QmpTimeoutException.Phase.NEGOTIATION, options,
                name + ": qmp_capabilities");
        if (!reply.has("return")) {
            JsonNode error = reply.path("error");
            throw new QmpProtocolException(name + ": capabilities negotiation failed: "
                    + error.path("class").asText("?") + ": " + error.path("desc").asText(reply.toString()));
        }
        LOG.debug("{}: connected to QEMU {}, capabilities {}", name, greeting.version(), greeting.capabilities());
        return new Negotiated(greeting, oob);
    }

    private static ObjectNode setup(CompletableFuture<ObjectNode> step, long deadlineNanos,
            QmpTimeoutException.Phase phase, QmpClientOptions options, String what) {
        try {
            return Await.until(step, deadlineNanos, what, () -> {
                throw new QmpTimeoutException(phase, options.connectTimeout(), what);
            });
        } catch (QmpConnectionException e) {
            // A session that ended during set-up: report its root cause (garbage, a size limit), not the wrapper.
            if (e.getCause() instanceof QmpException root) {
                throw root;
            }
            throw e;
        }
    }

    // ---- the engine's handler (reader thread) ----

    @Override
    public boolean onFrame(byte[] buf, int off, int len) {
        if (!greetingMessage.isDone() && awaitGreeting) {
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
            if (awaitGreeting) {
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

    /** @param t called on this reader thread with every event before the subscriptions (qmp-mux); null: none */
    void tap(java.util.function.Consumer<QmpEvent> t) {
        this.tap = t;
    }

    private void deliver(QmpEvent event) {
        java.util.function.Consumer<QmpEvent> t = tap;
        if (t != null) {
            try {
                t.accept(event);
            } catch (RuntimeException e) {
                LOG.warn("{}: event tap failed on {}", name, event.name(), e);
            }
        }
        for (EventSubscription s : subscriptions) {
            if (s.accepts(event)) {
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
