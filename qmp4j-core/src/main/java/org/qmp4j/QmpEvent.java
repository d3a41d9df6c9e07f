package org.qmp4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;
import org.qmp4j.internal.framing.EventWire;
import org.qmp4j.internal.framing.JsonCodec;

/**
 * An asynchronous event from QEMU, e.g. {@code STOP}, {@code RESUME}, {@code SHUTDOWN},
 * {@code BLOCK_JOB_COMPLETED}. Treat {@link #data()} as read-only: the same instance goes to every
 * subscription.
 *
 * <p>A value class rather than a record because {@code data} may be decoded late: the reader thread
 * keeps an event's {@code data} as the bytes QEMU sent and the first call to {@link #data()} (on the
 * consumer's thread) builds the tree, so a flood is not bound by one thread building every tree.
 * Equality is by name, data and timestamp, as a record's would be.
 */
public final class QmpEvent {
    static {
        EventWire.register(e -> e.dataJson); // qmp-mux passes events on as QEMU's bytes
    }

    private final String name;
    private final Instant timestamp;
    private volatile JsonNode data; // null until decoded from dataJson
    private final byte[] dataJson;

    /**
     * @param name the event's name
     * @param data its {@code data} member, an empty object when the event has none
     * @param timestamp when QEMU emitted it (host wall clock), or null when QEMU could not read its
     *     clock (it then sends -1)
     */
    public QmpEvent(String name, JsonNode data, Instant timestamp) {
        this.name = Objects.requireNonNull(name, "name");
        this.data = Objects.requireNonNull(data, "data");
        this.timestamp = timestamp;
        this.dataJson = null;
    }

    private QmpEvent(String name, byte[] dataJson, Instant timestamp) {
        this.name = name;
        this.dataJson = dataJson;
        this.timestamp = timestamp;
    }

    /**
     * An event whose data is decoded on first use.
     *
     * @param name the event's name
     * @param dataJson the {@code data} object as JSON bytes (already checked to be well-formed), or
     *     null when the event has none
     * @param timestamp when QEMU emitted it, or null
     * @return the event
     */
    static QmpEvent lazy(String name, byte[] dataJson, Instant timestamp) {
        return dataJson == null ? new QmpEvent(name, JsonNodeFactory.instance.objectNode(), timestamp)
                : new QmpEvent(name, dataJson, timestamp);
    }

    /**
     * Reads an event message.
     *
     * @param message a message with an {@code event} member
     * @return the event
     */
    public static QmpEvent parse(ObjectNode message) {
        JsonNode data = message.get("data");
        JsonNode ts = message.get("timestamp");
        return new QmpEvent(message.path("event").asText(),
                data == null ? JsonNodeFactory.instance.objectNode() : data,
                ts == null ? null : timestamp(ts.path("seconds").asLong(-1), ts.path("microseconds").asLong(-1)));
    }

    /**
     * @param seconds QEMU's {@code timestamp.seconds}
     * @param micros QEMU's {@code timestamp.microseconds}
     * @return the instant, or null for QEMU's "no clock" value (-1)
     */
    static Instant timestamp(long seconds, long micros) {
        return seconds >= 0 && micros >= 0 ? Instant.ofEpochSecond(seconds, micros * 1000) : null;
    }

    /** @return the event's name */
    public String name() {
        return name;
    }

    /**
     * @return its {@code data} member, an empty object when the event has none
     * @throws QmpProtocolException in the unlikely case that bytes which framed and scanned as JSON
     *     still do not decode
     */
    public JsonNode data() {
        JsonNode d = data;
        if (d == null) {
            // Two consumers may both decode; they get equal trees and one of them is kept.
            d = JsonCodec.parseObject(dataJson, 0, dataJson.length);
            data = d;
        }
        return d;
    }

    /** @return when QEMU emitted it (host wall clock), or null when QEMU could not read its clock */
    public Instant timestamp() {
        return timestamp;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QmpEvent e && name.equals(e.name) && data().equals(e.data())
                && Objects.equals(timestamp, e.timestamp);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, data(), timestamp);
    }

    @Override
    public String toString() {
        return name + " " + JsonCodec.toString(data(), false) + (timestamp == null ? "" : " @" + timestamp);
    }
}
