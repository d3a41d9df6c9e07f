package org.qmp4j.framing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.qmp4j.QmpProtocolException;

/**
 * Turns framed bytes into Jackson trees and trees into compact JSON bytes. Thread-safe.
 */
public final class JsonCodec {
    /** The shared mapper; configured once, never mutated after. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            // QMP replies can be big (query-qmp-schema is ~120 KB, HMP output more); the framer
            // enforces the configured message limit, so Jackson's own string cap must not be lower.
            .build();

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxStringLength(Integer.MAX_VALUE)
                .maxNestingDepth(10_000)
                .build());
    }

    private JsonCodec() {
    }

    /**
     * Parses one framed object.
     *
     * @param buf bytes
     * @param off start
     * @param len length
     * @return the object
     * @throws QmpProtocolException when the bytes are not a JSON object
     */
    public static ObjectNode parseObject(byte[] buf, int off, int len) {
        JsonNode node;
        try {
            node = MAPPER.readTree(buf, off, len);
        } catch (JsonProcessingException e) {
            throw new QmpProtocolException("invalid JSON from peer: " + e.getOriginalMessage() + " in "
                    + excerpt(buf, off, len), e);
        } catch (IOException e) {
            throw new QmpProtocolException("invalid JSON from peer: " + e.getMessage(), e);
        }
        if (!(node instanceof ObjectNode obj)) {
            throw new QmpProtocolException("expected a JSON object, got: " + excerpt(buf, off, len));
        }
        return obj;
    }

    /**
     * Compact JSON, no trailing newline (QEMU needs no delimiter between objects).
     *
     * @param node the message
     * @return UTF-8 bytes
     */
    public static byte[] encode(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot serialise message: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Converts command arguments (maps, lists, records, JsonNodes...) to a JSON object.
     *
     * @param arguments the arguments, or null for none
     * @return an object node, or null when {@code arguments} is null
     * @throws IllegalArgumentException when the value is not an object
     */
    public static ObjectNode toObject(Object arguments) {
        if (arguments == null) {
            return null;
        }
        JsonNode node = MAPPER.valueToTree(arguments);
        if (!(node instanceof ObjectNode obj)) {
            throw new IllegalArgumentException("command arguments must be a JSON object, got " + node.getNodeType());
        }
        return obj;
    }

    /**
     * A printable excerpt of raw bytes for error messages.
     *
     * @param buf bytes
     * @param off start
     * @param len length
     * @return at most 200 characters
     */
    public static String excerpt(byte[] buf, int off, int len) {
        int n = Math.min(len, 200);
        String s = new String(buf, off, n, StandardCharsets.UTF_8).replace("\r", "\\r").replace("\n", "\\n");
        return len > n ? s + "..." : s;
    }
}
