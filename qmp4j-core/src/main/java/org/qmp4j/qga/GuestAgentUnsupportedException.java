package org.qmp4j.qga;

import com.fasterxml.jackson.databind.JsonNode;
import org.qmp4j.QmpCommandException;

/**
 * The agent does not offer the command: it is unknown to this agent version ({@code CommandNotFound})
 * or disabled by the agent's configuration ({@code CommandDisabled}, or {@code -b} on its command line).
 * A normal outcome to handle, not a failure of the agent.
 */
public class GuestAgentUnsupportedException extends QmpCommandException {
    private static final long serialVersionUID = 1L;

    /**
     * @param errorClass the error's class
     * @param description the error's description
     * @param command the command
     * @param request the message sent
     */
    public GuestAgentUnsupportedException(String errorClass, String description, String command, JsonNode request) {
        super(errorClass, description, command, request);
    }
}
