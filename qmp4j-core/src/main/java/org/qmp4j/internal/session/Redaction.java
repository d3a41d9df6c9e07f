package org.qmp4j.internal.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Hides secrets in messages before they are logged or written to a transcript: the value of any
 * {@code password}-like member (QMP's {@code set_password}, {@code change-vnc-password}, the guest
 * agent's {@code guest-set-user-password}), the {@code data} of a {@code secret} object
 * ({@code object-add}), and an HMP command line that mentions a password or secret. The message that is
 * sent is never changed: redaction works on a copy, made only when something is hidden.
 */
public final class Redaction {
    /** What a hidden value is replaced with. */
    public static final String HIDDEN = "<redacted>";
    private static final Set<String> SECRET_MEMBERS = Set.of("password", "passwd", "new-password", "old-password");

    private Redaction() {
    }

    /**
     * @param message a message as sent or received
     * @return the message itself when it holds no secret, else a copy with the secrets replaced by
     *     {@link #HIDDEN}
     */
    public static JsonNode forLog(JsonNode message) {
        if (!holdsSecret(message)) {
            return message;
        }
        JsonNode copy = message.deepCopy();
        hide(copy);
        return copy;
    }

    private static boolean holdsSecret(JsonNode node) {
        if (node.isObject()) {
            if (isSecretObject(node) || isSecretHmp(node)) {
                return true;
            }
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                if (SECRET_MEMBERS.contains(e.getKey()) || holdsSecret(e.getValue())) {
                    return true;
                }
            }
        } else if (node.isArray()) {
            for (JsonNode n : node) {
                if (holdsSecret(n)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void hide(JsonNode node) {
        if (node instanceof ObjectNode o) {
            if (isSecretObject(o)) {
                o.put("data", HIDDEN);
            }
            if (isSecretHmp(o)) {
                o.put("command-line", HIDDEN);
            }
            for (Map.Entry<String, JsonNode> e : o.properties()) {
                if (SECRET_MEMBERS.contains(e.getKey())) {
                    e.setValue(o.textNode(HIDDEN));
                } else {
                    hide(e.getValue());
                }
            }
        } else if (node instanceof ArrayNode a) {
            a.forEach(Redaction::hide);
        }
    }

    /** {@code object-add}'s arguments (or a transaction's) for a {@code secret} object carry it in {@code data}. */
    private static boolean isSecretObject(JsonNode o) {
        return o.path("qom-type").asText().startsWith("secret") && o.has("data")
                && !HIDDEN.equals(o.path("data").asText());
    }

    private static boolean isSecretHmp(JsonNode o) {
        String line = o.path("command-line").asText("").toLowerCase(Locale.ROOT);
        return !line.equals(HIDDEN) && (line.contains("password") || line.contains("secret"));
    }
}
