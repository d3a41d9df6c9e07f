package org.qmp4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import org.qmp4j.framing.JsonCodec;

/**
 * An asynchronous event from QEMU, e.g. {@code STOP}, {@code RESUME}, {@code SHUTDOWN},
 * {@code BLOCK_JOB_COMPLETED}. Treat {@link #data()} as read-only: the same instance goes to every
 * subscription.
 *
 * @param name the event's name
 * @param data its {@code data} member, an empty object when the event has none
 * @param timestamp when QEMU emitted it (host wall clock), or null when QEMU could not read its
 *     clock (it then sends -1)
 */
public record QmpEvent(String name, JsonNode data, Instant timestamp) {

    /**
     * Reads an event message.
     *
     * @param message a message with an {@code event} member
     * @return the event
     */
    public static QmpEvent parse(ObjectNode message) {
        JsonNode data = message.get("data");
        JsonNode ts = message.get("timestamp");
        Instant when = null;
        if (ts != null) {
            long seconds = ts.path("seconds").asLong(-1);
            long micros = ts.path("microseconds").asLong(-1);
            if (seconds >= 0 && micros >= 0) {
                when = Instant.ofEpochSecond(seconds, micros * 1000);
            }
        }
        return new QmpEvent(message.path("event").asText(),
                data == null ? JsonNodeFactory.instance.objectNode() : data, when);
    }

    @Override
    public String toString() {
        return name + " " + JsonCodec.toString(data, false) + (timestamp == null ? "" : " @" + timestamp);
    }
}
