package org.qmp4j.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A command the fake server received.
 *
 * @param name the command name
 * @param arguments its arguments (an empty object when none)
 * @param id its id, or null when it had none
 * @param outOfBand true for {@code exec-oob}
 * @param message the whole message as received
 */
public record RecordedCommand(String name, ObjectNode arguments, JsonNode id, boolean outOfBand, ObjectNode message) {
}
