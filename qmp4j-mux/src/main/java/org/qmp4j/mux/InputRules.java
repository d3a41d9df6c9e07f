package org.qmp4j.mux;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * QEMU's rules for the shape of a request, checked here because a malformed request cannot be forwarded
 * through a {@link org.qmp4j.QmpRequest}. The texts are QEMU's own (qapi/qmp-dispatch.c), so a client sees
 * the same errors through the mux as directly.
 */
final class InputRules {
    private InputRules() {
    }

    /**
     * @param request a message from a client
     * @param oob whether this client enabled out-of-band execution
     * @return QEMU's complaint about its shape, or null when it is a well-formed request
     */
    static String check(ObjectNode request, boolean oob) {
        for (Iterator<Map.Entry<String, JsonNode>> it = request.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> m = it.next();
            switch (m.getKey()) {
                case "execute" -> {
                    if (!m.getValue().isTextual()) {
                        return "QMP input member 'execute' must be a string";
                    }
                }
                case "exec-oob" -> {
                    if (!oob) {
                        return "QMP input member 'exec-oob' is unexpected";
                    }
                    if (!m.getValue().isTextual()) {
                        return "QMP input member 'exec-oob' must be a string";
                    }
                }
                case "arguments" -> {
                    if (!m.getValue().isObject()) {
                        return "QMP input member 'arguments' must be an object";
                    }
                }
                case "id" -> {
                    // any JSON value, given back as it came
                }
                default -> {
                    return "QMP input member '" + m.getKey() + "' is unexpected";
                }
            }
        }
        if (request.has("execute") && request.has("exec-oob")) {
            return "QMP input must not contain both 'execute' and 'exec-oob'";
        }
        if (!request.has("execute") && !request.has("exec-oob")) {
            return "QMP input lacks member 'execute'";
        }
        return null;
    }

    /**
     * Checks {@code qmp_capabilities}' arguments against what the mux offers.
     *
     * @param arguments the arguments, or null
     * @param oobOffered whether the greeting offered {@code oob}
     * @return QEMU's complaint, or null when they are acceptable
     */
    static String checkNegotiation(JsonNode arguments, boolean oobOffered) {
        if (arguments == null) {
            return null;
        }
        for (Iterator<String> names = arguments.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("enable")) {
                return "Parameter '" + name + "' is unexpected";
            }
        }
        JsonNode enable = arguments.get("enable");
        if (enable == null) {
            return null;
        }
        if (!enable.isArray()) {
            return "Invalid parameter type for 'enable', expected: array";
        }
        for (JsonNode cap : enable) {
            if (!cap.isTextual() || !cap.textValue().equals("oob")) {
                // QEMU's input visitor names no parameter for an array element
                return "Parameter 'null' does not accept value '" + cap.asText() + "'";
            }
            if (!oobOffered) {
                return "Capability 'oob' not available";
            }
        }
        return null;
    }

    /** @return true when {@code qmp_capabilities}' arguments ask for {@code oob} */
    static boolean enablesOob(JsonNode arguments) {
        if (arguments == null) {
            return false;
        }
        for (JsonNode cap : arguments.path("enable")) {
            if ("oob".equals(cap.asText())) {
                return true;
            }
        }
        return false;
    }
}
