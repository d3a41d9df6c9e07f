package org.qmp4j.internal.session;

import java.util.function.Function;
import org.qmp4j.QmpClient;

/**
 * A {@link QmpClient}'s engine, for qmp-mux: it relays whole messages (a reply is passed on as QEMU sent
 * it, an error included) and completes them on the upstream reader, which its non-blocking hand-off
 * allows, instead of going through {@code executeAsync}'s parsed values and callback hop.
 */
public final class SessionAccess {
    private static volatile Function<QmpClient, MessageSession> sessions;

    private SessionAccess() {
    }

    /** @param access set once by {@link QmpClient}, which alone can see its session */
    public static void register(Function<QmpClient, MessageSession> access) {
        sessions = access;
    }

    /**
     * @param client a client
     * @return its session
     */
    public static MessageSession of(QmpClient client) {
        if (sessions == null) {
            try { // QmpClient registers in its static initializer: make sure it has run
                Class.forName(QmpClient.class.getName(), true, QmpClient.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }
        return sessions.apply(client);
    }
}
