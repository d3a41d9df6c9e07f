package org.qmp4j.internal.framing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;
import org.qmp4j.QmpProtocolException;

/**
 * Turns framed bytes into Jackson trees and trees into compact JSON bytes. Thread-safe.
 *
 * <p>Messages are read and written with Jackson's streaming parser and generator straight into and
 * out of {@link JsonNode} trees. The {@link ObjectMapper} is only created when something needs
 * data binding (arguments given as records or beans): building one costs a one-shot tool about a
 * third of its start-up.
 */
public final class JsonCodec {
    /**
     * Deepest nesting accepted from a peer. QMP's deepest messages (schema introspection) nest about
     * ten levels; trees are built recursively, so a hostile 60,000-level message must be refused
     * before it overflows the reader's stack (found by FramingPropertiesTest).
     */
    public static final int MAX_NESTING = 500;

    /**
     * Jackson's factory for parsers and generators, with nesting limited to {@link #MAX_NESTING} and sizes left
     * to the framer's message limit.
     * (Field-name canonicalisation stays on: turning it off would make Jackson decode bytes through a
     * Reader, with a third more allocation per message.)
     */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxStringLength(Integer.MAX_VALUE) // the framer enforces the message size limit
                    .maxNestingDepth(MAX_NESTING)
                    .build())
            .build();

    private static final JsonNodeFactory NODES = new JsonNodeFactory(true); // numbers kept exactly as sent

    private JsonCodec() {
    }

    /** @return a new empty object node */
    public static ObjectNode object() {
        return NODES.objectNode();
    }

    /** @return a new empty array node */
    public static ArrayNode array() {
        return NODES.arrayNode();
    }

    /**
     * A streaming parser with qmp4j's limits, for code that reads a message in one pass (the event
     * fast path). The factory itself is never handed out: it is shared and could be reconfigured.
     *
     * @param buf bytes
     * @param off start
     * @param len length
     * @return a new parser; close it
     * @throws IOException never in practice for a byte array
     */
    public static JsonParser parser(byte[] buf, int off, int len) throws IOException {
        return FACTORY.createParser(buf, off, len);
    }

    /** The shared object mapper, created on first use; private so nobody can reconfigure it for everyone. */
    private static ObjectMapper mapper() {
        return Lazy.MAPPER;
    }

    private static final class Lazy {
        static final ObjectMapper MAPPER = JsonMapper.builder(FACTORY).nodeFactory(NODES).build();
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
        try (JsonParser p = FACTORY.createParser(buf, off, len)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw new QmpProtocolException("expected a JSON object, got: " + excerpt(buf, off, len));
            }
            ObjectNode node = readObject(p);
            if (p.nextToken() != null) {
                throw new QmpProtocolException("trailing data after a JSON object: " + excerpt(buf, off, len));
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new QmpProtocolException("invalid JSON from peer: " + e.getOriginalMessage() + " in "
                    + excerpt(buf, off, len), e);
        } catch (IOException e) {
            throw new QmpProtocolException("invalid JSON from peer: " + e.getMessage(), e);
        } catch (NumberFormatException e) {
            // A number the grammar allows but BigDecimal refuses (an exponent of 17 digits, found by
            // EventFramesPropertiesTest): bad input from the peer, not a failure of the reader.
            throw new QmpProtocolException("invalid JSON from peer: " + e.getMessage() + " in " + excerpt(buf, off, len), e);
        }
    }

    /**
     * Parses any JSON text.
     *
     * @param text the text
     * @return the value
     * @throws JsonProcessingException when it is not valid JSON, or has trailing data
     */
    public static JsonNode parse(String text) throws JsonProcessingException {
        try (JsonParser p = FACTORY.createParser(text)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new com.fasterxml.jackson.core.JsonParseException(p, "no JSON value");
            }
            JsonNode node = readValue(p, t);
            if (p.nextToken() != null) {
                throw new com.fasterxml.jackson.core.JsonParseException(p, "trailing data after the JSON value");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode readObject(JsonParser p) throws IOException {
        ObjectNode o = NODES.objectNode();
        String name;
        while ((name = p.nextFieldName()) != null) {
            o.set(name, readValue(p, p.nextToken()));
        }
        return o;
    }

    private static JsonNode readValue(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case START_OBJECT:
                return readObject(p);
            case START_ARRAY: {
                ArrayNode a = NODES.arrayNode();
                JsonToken e;
                while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
                    a.add(readValue(p, e));
                }
                return a;
            }
            case VALUE_STRING:
                return NODES.textNode(p.getText());
            case VALUE_NUMBER_INT:
                switch (p.getNumberType()) {
                    case INT:
                        return NODES.numberNode(p.getIntValue());
                    case LONG:
                        return NODES.numberNode(p.getLongValue());
                    default:
                        return NODES.numberNode(p.getBigIntegerValue());
                }
            case VALUE_NUMBER_FLOAT:
                return NODES.numberNode(p.getDecimalValue());
            case VALUE_TRUE:
                return NODES.booleanNode(true);
            case VALUE_FALSE:
                return NODES.booleanNode(false);
            case VALUE_NULL:
                return NODES.nullNode();
            default:
                throw new com.fasterxml.jackson.core.JsonParseException(p, "unexpected token " + t);
        }
    }

    /**
     * Compact JSON, no trailing newline (QEMU needs no delimiter between objects).
     *
     * @param node the message
     * @return UTF-8 bytes
     */
    public static byte[] encode(JsonNode node) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            write(g, node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * A command written straight to bytes, as {@code encode} would write the tree
     * {@code {verb: command, "arguments": arguments, "id": id}}, without building that tree: each
     * {@code execute} used to build an object node, then encode it.
     *
     * @param verb {@code execute} or {@code exec-oob}
     * @param command the command's name
     * @param arguments its arguments, or null for none; an empty object is left out (see {@link #hasArguments})
     * @param id the id, written as a JSON number
     * @return UTF-8 bytes
     */
    public static byte[] encodeCommand(String verb, String command, JsonNode arguments, long id) {
        if (!hasArguments(arguments) && plain(verb) && plain(command)) {
            // The usual case (a command without arguments, ASCII names): no generator at all.
            String digits = Long.toString(id);
            byte[] b = new byte[verb.length() + command.length() + digits.length() + 13];
            int i = put(b, 0, "{\"");
            i = put(b, i, verb);
            i = put(b, i, "\":\"");
            i = put(b, i, command);
            i = put(b, i, "\",\"id\":");
            i = put(b, i, digits);
            put(b, i, "}");
            return b;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField(verb, command);
            if (hasArguments(arguments)) {
                g.writeFieldName("arguments");
                write(g, arguments);
            }
            g.writeNumberField("id", id);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * Whether a command's arguments go on the wire. An empty object is left out: it means the same as
     * none, and QEMU 7.2 takes about 250 µs longer over a command that carries {@code "arguments": {}}
     * (1,150 against 1,500 {@code query-status} round trips/s from a plain socket; bench/notes.md).
     *
     * @param arguments a command's arguments, or null
     * @return false for null and for an empty object
     */
    public static boolean hasArguments(JsonNode arguments) {
        return arguments != null && !(arguments.isObject() && arguments.isEmpty());
    }

    /** @return true when the string is printable ASCII that JSON writes as it is (no quote, backslash) */
    private static boolean plain(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c >= 0x7F || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    private static int put(byte[] b, int at, String ascii) {
        for (int i = 0; i < ascii.length(); i++) {
            b[at++] = (byte) ascii.charAt(i);
        }
        return at;
    }

    /**
     * JSON text, compact or indented by four spaces (as qmp-shell's {@code -p}).
     *
     * @param node the value
     * @param pretty indent it
     * @return the text
     */
    public static String toString(JsonNode node, boolean pretty) {
        Writer w = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(w)) {
            if (pretty) { // as Python's json.dumps(indent=4): "key": value, {} and [] when empty
                DefaultIndenter four = new DefaultIndenter("    ", "\n");
                Separators separators = Separators.createDefaultInstance()
                        .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                        .withObjectEmptySeparator("").withArrayEmptySeparator("");
                g.setPrettyPrinter(new DefaultPrettyPrinter(separators).withObjectIndenter(four).withArrayIndenter(four));
            }
            write(g, node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    private static void write(JsonGenerator g, JsonNode n) throws IOException {
        switch (n.getNodeType()) {
            case OBJECT:
                g.writeStartObject();
                for (Map.Entry<String, JsonNode> e : n.properties()) {
                    g.writeFieldName(e.getKey());
                    write(g, e.getValue());
                }
                g.writeEndObject();
                break;
            case ARRAY:
                g.writeStartArray();
                for (JsonNode e : n) {
                    write(g, e);
                }
                g.writeEndArray();
                break;
            case STRING:
                g.writeString(n.textValue());
                break;
            case NUMBER:
                if (n.isIntegralNumber()) {
                    if (n.canConvertToLong()) {
                        g.writeNumber(n.longValue());
                    } else {
                        g.writeNumber(n.bigIntegerValue());
                    }
                } else {
                    g.writeNumber(n.decimalValue());
                }
                break;
            case BOOLEAN:
                g.writeBoolean(n.booleanValue());
                break;
            case NULL:
            case MISSING:
                g.writeNull();
                break;
            default: // binary and POJO nodes never occur in QMP messages
                mapper().writeTree(g, n);
        }
    }

    /**
     * Converts command arguments to a JSON object: maps, lists, arrays, strings, numbers, booleans and
     * {@link JsonNode}s directly; anything else (records, beans) through Jackson's data binding.
     *
     * @param arguments the arguments, or null for none
     * @return an object node, or null when {@code arguments} is null
     * @throws IllegalArgumentException when the value is not an object
     */
    public static ObjectNode toObject(Object arguments) {
        if (arguments == null) {
            return null;
        }
        JsonNode node = toNode(arguments);
        if (!(node instanceof ObjectNode obj)) {
            throw new IllegalArgumentException("command arguments must be a JSON object, got " + node.getNodeType());
        }
        return obj;
    }

    /**
     * @param value a Java value
     * @return it as JSON
     */
    public static JsonNode toNode(Object value) {
        if (value == null) {
            return NODES.nullNode();
        } else if (value instanceof JsonNode n) {
            return n;
        } else if (value instanceof CharSequence s) {
            return NODES.textNode(s.toString());
        } else if (value instanceof Boolean b) {
            return NODES.booleanNode(b);
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return NODES.numberNode(((Number) value).longValue());
        } else if (value instanceof BigInteger b) {
            return NODES.numberNode(b);
        } else if (value instanceof BigDecimal d) {
            return NODES.numberNode(d);
        } else if (value instanceof Double || value instanceof Float) {
            return NODES.numberNode(((Number) value).doubleValue());
        } else if (value instanceof Map<?, ?> map) {
            ObjectNode o = NODES.objectNode();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                o.set(String.valueOf(e.getKey()), toNode(e.getValue()));
            }
            return o;
        } else if (value instanceof Collection<?> c) {
            ArrayNode a = NODES.arrayNode();
            c.forEach(v -> a.add(toNode(v)));
            return a;
        } else if (value instanceof Object[] arr) {
            ArrayNode a = NODES.arrayNode();
            for (Object v : arr) {
                a.add(toNode(v));
            }
            return a;
        }
        return mapper().valueToTree(value);
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
