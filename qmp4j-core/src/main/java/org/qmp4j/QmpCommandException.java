package org.qmp4j;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The server answered a command with an error reply, {@code {"error": {"class": ..., "desc": ...}}}.
 * The session stays usable.
 *
 * <p>Program against {@link #errorClass()} ({@code GenericError}, {@code CommandNotFound},
 * {@code DeviceNotFound}, ...); QEMU's documentation asks clients not to parse {@link #description()}.
 */
public class QmpCommandException extends QmpException {
    private static final long serialVersionUID = 1L;

    /** QEMU's {@code class}. */
    private final String errorClass;
    /** QEMU's {@code desc}. */
    private final String description;
    /** The command that failed. */
    private final String command;
    private final transient JsonNode request;

    /**
     * @param errorClass the error's {@code class}
     * @param description the error's {@code desc}
     * @param command the command name that failed
     * @param request the whole message that was sent, or null when unknown
     */
    public QmpCommandException(String errorClass, String description, String command, JsonNode request) {
        super(command + ": " + errorClass + ": " + description);
        this.errorClass = errorClass;
        this.description = description;
        this.command = command;
        this.request = request;
    }

    /** @return the QAPI error class, e.g. {@code CommandNotFound} */
    public String errorClass() {
        return errorClass;
    }

    /** @return the human-readable description the server gave */
    public String description() {
        return description;
    }

    /** @return the name of the command that failed */
    public String command() {
        return command;
    }

    /** @return the message that was sent (with its id), or null when unknown */
    public JsonNode request() {
        return request;
    }
}
