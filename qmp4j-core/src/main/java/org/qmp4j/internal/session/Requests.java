package org.qmp4j.internal.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.qmp4j.QmpCommandException;
import org.qmp4j.QmpProtocolException;
import org.qmp4j.internal.framing.JsonCodec;

/** Building command messages and reading replies: the part of the wire format QMP and the guest agent share. */
public final class Requests {

    /** Makes the exception for an error reply (the guest agent singles out unsupported commands). */
    @FunctionalInterface
    public interface ErrorFactory {
        /**
         * @param errorClass the error's class
         * @param description its description
         * @param command the command
         * @param request the message sent
         * @return the exception to throw
         */
        QmpCommandException create(String errorClass, String description, String command, JsonNode request);
    }

    private Requests() {
    }

    /**
     * @param verb {@code execute} or {@code exec-oob}
     * @param command the command's name
     * @param arguments its arguments (maps, records, JsonNodes...), or null
     * @return {@code {"execute": command, "arguments": {...}}}
     * @throws IllegalArgumentException for an empty name or arguments that are not an object
     */
    public static ObjectNode command(String verb, String command, Object arguments) {
        if (command == null || command.isBlank()) {
            throw new IllegalArgumentException("command name is empty");
        }
        return message(verb, command, JsonCodec.toObject(arguments));
    }

    /**
     * @param verb {@code execute} or {@code exec-oob}
     * @param command the command's name
     * @param arguments its arguments as an object, or null; an empty object is left out ({@link JsonCodec#hasArguments})
     * @return {@code {"execute": command, "arguments": {...}}}, a new tree
     */
    public static ObjectNode message(String verb, String command, ObjectNode arguments) {
        ObjectNode m = JsonCodec.object();
        m.put(verb, command);
        if (JsonCodec.hasArguments(arguments)) {
            m.set("arguments", arguments);
        }
        return m;
    }

    /**
     * @param command the command
     * @param request the message sent
     * @param reply the reply
     * @param errors makes the exception for an error reply
     * @return the reply's {@code return} value
     * @throws QmpCommandException (from {@code errors}) for an error reply
     * @throws QmpProtocolException for a reply with neither {@code return} nor {@code error}
     */
    public static JsonNode returnValue(String command, ObjectNode request, ObjectNode reply, ErrorFactory errors) {
        JsonNode ret = reply.get("return");
        if (ret != null) {
            return ret;
        }
        JsonNode error = reply.get("error");
        if (error != null) {
            throw errors.create(error.path("class").asText("GenericError"), error.path("desc").asText(""), command,
                    request);
        }
        throw new QmpProtocolException("reply to " + command + " has neither 'return' nor 'error': " + reply);
    }
}
