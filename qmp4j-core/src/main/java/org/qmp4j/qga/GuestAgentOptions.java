package org.qmp4j.qga;

import java.time.Duration;
import java.util.Map;
import org.qmp4j.Address;

/**
 * A {@link GuestAgentClient}'s settings, fixed when it is built: the client keeps this value, never
 * the builder, so a later {@code builder.timeout(...)} cannot change a live client.
 */
record GuestAgentOptions(
        Address address,
        Duration connectTimeout,
        Duration commandTimeout,
        Duration waitForAgent,
        int maxMessageSize,
        String name,
        Map<String, Duration> timeouts) {

    GuestAgentOptions {
        timeouts = Map.copyOf(timeouts);
    }

    Duration timeoutFor(String command) {
        return timeouts.getOrDefault(command, commandTimeout);
    }
}
