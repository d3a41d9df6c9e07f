package org.qmp4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Map;
import org.qmp4j.internal.framing.JsonCodec;

/** JSON output for the tools: compact, pretty (indent 4, as qmp-shell -p), or flattened {@code path: value} lines. */
public final class Json {

    private Json() {
    }

    /**
     * @param value a value
     * @param pretty indent 4
     * @return JSON text
     */
    public static String format(JsonNode value, boolean pretty) {
        return JsonCodec.toString(value, pretty);
    }

    /**
     * Parses strict JSON, then a relaxed form (single quotes, bare keys, trailing commas) as typed in shells.
     *
     * @param text the text
     * @return the value, or null when it is not JSON either way
     */
    public static JsonNode parseLenient(String text) {
        JsonNode strict = parseStrict(text);
        if (strict != null) {
            return strict;
        }
        try {
            return Lenient.MAPPER.readTree(text);
        } catch (JsonProcessingException relaxed) {
            return null;
        }
    }

    private static final class Lenient { // only built when someone types relaxed JSON
        static final ObjectMapper MAPPER = JsonMapper.builder()
                .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES, JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES,
                        JsonReadFeature.ALLOW_TRAILING_COMMA)
                .build();
    }

    /**
     * Parses strict JSON.
     *
     * @param text the text
     * @return the value, or null when it is not valid JSON
     */
    public static JsonNode parseStrict(String text) {
        try {
            return JsonCodec.parse(text);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /**
     * The seed's {@code qmp} output: one {@code path: value} line per scalar, lists labelled
     * {@code name[i]} ({@code item[i]} at the top), strings unquoted, empty results print nothing.
     *
     * @param value the value
     * @param out where to print
     */
    public static void flatten(JsonNode value, java.io.PrintStream out) {
        if (value.isValueNode()) {
            out.println(scalar(value));
            return;
        }
        flatten("", value.isArray() ? "item" : "", value, out);
    }

    private static void flatten(String path, String label, JsonNode v, java.io.PrintStream out) {
        if (v.isArray()) {
            for (int i = 0; i < v.size(); i++) {
                flatten(path, label + "[" + i + "]", v.get(i), out);
            }
        } else if (v.isObject()) {
            String prefix = join(path, label);
            for (Map.Entry<String, JsonNode> e : v.properties()) {
                flatten(prefix, e.getKey(), e.getValue(), out);
            }
        } else {
            out.println(join(path, label) + ": " + scalar(v));
        }
    }

    private static String join(String path, String label) {
        return path.isEmpty() ? label : label.isEmpty() ? path : path + "." + label;
    }

    /**
     * @param v a scalar
     * @return strings unquoted, everything else as JSON
     */
    public static String scalar(JsonNode v) {
        // Not JsonNode.toString(): that builds an ObjectMapper, a third of a one-shot tool's start-up.
        return v.isTextual() ? v.textValue() : JsonCodec.toString(v, false);
    }
}
