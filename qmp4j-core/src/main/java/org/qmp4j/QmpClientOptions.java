package org.qmp4j;

import java.time.Duration;
import org.qmp4j.internal.transport.TlsOptions;

/**
 * A {@link QmpClient}'s settings, fixed when it is built: a client keeps this value, never the
 * builder, so changing a builder after {@code connect()} cannot change a live client.
 */
record QmpClientOptions(
        Address address,
        Duration connectTimeout,
        Duration commandTimeout,
        Duration writeTimeout,
        int maxMessageSize,
        int eventQueueCapacity,
        boolean negotiate,
        boolean awaitGreeting,
        String name,
        TlsOptions tls,
        boolean fdPassing) {
}
