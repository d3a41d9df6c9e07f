package org.qmp4j.internal.session;

import java.util.function.Consumer;
import org.qmp4j.QmpClient;
import org.qmp4j.QmpEvent;

/**
 * A {@link QmpClient}'s engine, for qmp-mux, which relays whole messages: a command's whole reply (an
 * error included) is passed on as QEMU sent it, and replies and events are handed over on the upstream
 * reader in QEMU's order, which its non-blocking hand-off allows. Not API: user code gets its events
 * through subscriptions and its replies through {@code execute}, never on the reader thread.
 */
public final class SessionAccess {
    /** What {@link QmpClient} gives its own modules. */
    public interface Hooks {
        /**
         * @param client a client
         * @return its session
         */
        MessageSession session(QmpClient client);

        /**
         * @param client a client
         * @param tap called on the reader thread with every event, before any subscription; must never
         *     block; null to remove
         */
        void tapEvents(QmpClient client, Consumer<QmpEvent> tap);
    }

    private static volatile Hooks hooks;

    private SessionAccess() {
    }

    /** @param h set once by {@link QmpClient}, which alone can see its session */
    public static void register(Hooks h) {
        hooks = h;
    }

    private static Hooks hooks() {
        if (hooks == null) {
            try { // QmpClient registers in its static initializer: make sure it has run
                Class.forName(QmpClient.class.getName(), true, QmpClient.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }
        return hooks;
    }

    /**
     * @param client a client
     * @return its session
     */
    public static MessageSession of(QmpClient client) {
        return hooks().session(client);
    }

    /**
     * @param client a client
     * @param tap called on the reader thread with every event (never blocking); null to remove
     */
    public static void tapEvents(QmpClient client, Consumer<QmpEvent> tap) {
        hooks().tapEvents(client, tap);
    }
}
