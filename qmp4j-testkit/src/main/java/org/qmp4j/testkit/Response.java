package org.qmp4j.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import org.qmp4j.internal.framing.JsonCodec;

/**
 * What {@link FakeQmpServer} does when a command arrives: a normal reply, an error reply, or a
 * fault. Faults are data, so a test states them next to the command they apply to:
 *
 * <pre>{@code
 * server.on("query-status", Response.returns(Map.of("status", "running")));
 * server.on("stop", Response.delay(Duration.ofMillis(200), Response.ok()));
 * server.once("cont", Response.disconnectMidReply());
 * }</pre>
 */
public sealed interface Response {

    /** Reply {@code {"return": value, "id": ...}}. @param value the return value */
    record Return(JsonNode value) implements Response {
    }

    /** Reply {@code {"error": {"class": ..., "desc": ...}, "id": ...}}. @param errorClass class @param description desc */
    record Error(String errorClass, String description) implements Response {
    }

    /** Never reply (the server keeps reading other commands). */
    record Stall() implements Response {
    }

    /** Stop reading from the client altogether, so its writes eventually block. */
    record StopReading() implements Response {
    }

    /** Send these bytes instead of a reply. @param bytes anything, typically not JSON */
    record Garbage(byte[] bytes) implements Response {
    }

    /** Send the first half of the reply, then close the connection. @param reply the reply to cut */
    record DisconnectMidReply(Response reply) implements Response {
    }

    /** Reply with the wrong id. @param reply the reply @param id the id to use instead */
    record WrongId(Response reply, JsonNode id) implements Response {
    }

    /** An error reply without any id, as QEMU sends when it cannot parse its input. @param errorClass class @param description desc */
    record ErrorWithoutId(String errorClass, String description) implements Response {
    }

    /** Reply after a delay, without blocking other commands. @param delay how long @param then the response */
    record Delay(Duration delay, Response then) implements Response {
    }

    /**
     * Send a hand-written reply; {@code $ID} is replaced by the request's id as JSON. For
     * pretty-printed or otherwise unusual but valid replies.
     *
     * @param template the text
     */
    record Raw(String template) implements Response {
    }

    /**
     * @param bytes exact bytes to send instead of a reply (e.g. the guest agent's 0xFF marker)
     * @return a raw byte response
     */
    static Response bytes(byte[] bytes) {
        return new Garbage(bytes.clone());
    }

    /** @return {@code {"return": {}}} */
    static Response ok() {
        return new Return(JsonCodec.object());
    }

    /**
     * @param value the return value: any object Jackson can turn into JSON
     * @return a normal reply
     */
    static Response returns(Object value) {
        return new Return(JsonCodec.toNode(value));
    }

    /**
     * @param errorClass e.g. {@code GenericError}
     * @param description the {@code desc}
     * @return an error reply
     */
    static Response error(String errorClass, String description) {
        return new Error(errorClass, description);
    }

    /** @return no reply, ever */
    static Response stall() {
        return new Stall();
    }

    /** @return stop reading the connection */
    static Response stopReading() {
        return new StopReading();
    }

    /**
     * @param text what to send instead of a reply
     * @return garbage
     */
    static Response garbage(String text) {
        return new Garbage(text.getBytes(StandardCharsets.UTF_8));
    }

    /** @return half of {@code {"return": {}}}, then disconnect */
    static Response disconnectMidReply() {
        return new DisconnectMidReply(ok());
    }

    /**
     * @param id the wrong id to send
     * @return {@code {"return": {}}} with that id
     */
    static Response wrongId(Object id) {
        return new WrongId(ok(), JsonCodec.toNode(id));
    }

    /**
     * @param errorClass class
     * @param description desc
     * @return an error without id
     */
    static Response errorWithoutId(String errorClass, String description) {
        return new ErrorWithoutId(errorClass, description);
    }

    /**
     * @param delay how long to wait
     * @param then what to send then
     * @return a delayed response
     */
    static Response delay(Duration delay, Response then) {
        return new Delay(delay, Objects.requireNonNull(then));
    }

    /**
     * @param template reply text with {@code $ID} for the request's id
     * @return a raw reply
     */
    static Response raw(String template) {
        return new Raw(template);
    }
}
