package org.qmp4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.qmp4j.schema.QmpSchema;

/** The shell's and the qmp tool's key=value rules, with and without QEMU's schema. */
class ArgumentsTest {
    /** A small schema in query-qmp-schema's form: one command with typed, nested and enum arguments. */
    private static final QmpSchema SCHEMA = QmpSchema.parse(Json.parseStrict("""
            [{"name": "blockdev-add", "meta-type": "command", "arg-type": "A", "ret-type": "R"},
             {"name": "A", "meta-type": "object", "members": [
               {"name": "driver", "type": "E"},
               {"name": "node-name", "type": "str", "default": null},
               {"name": "cache", "type": "C", "default": null},
               {"name": "size", "type": "int", "default": null},
               {"name": "read-only", "type": "bool", "default": null},
               {"name": "ratio", "type": "number", "default": null}]},
             {"name": "C", "meta-type": "object", "members": [
               {"name": "direct", "type": "bool", "default": null},
               {"name": "no-flush", "type": "bool", "default": null}]},
             {"name": "R", "meta-type": "object", "members": []},
             {"name": "E", "meta-type": "enum", "values": ["file", "null-co", "qcow2"]},
             {"name": "str", "meta-type": "builtin", "json-type": "string"},
             {"name": "int", "meta-type": "builtin", "json-type": "int"},
             {"name": "bool", "meta-type": "builtin", "json-type": "boolean"},
             {"name": "number", "meta-type": "builtin", "json-type": "number"}]
            """));

    private static String untyped(String... pairs) {
        Arguments a = new Arguments(null, "cmd");
        for (String p : pairs) {
            boolean quoted = p.startsWith("'");
            String pair = quoted ? p.substring(1) : p;
            int eq = pair.indexOf('=');
            a.add(pair.substring(0, eq), pair.substring(eq + 1), quoted);
        }
        return Json.format(a.build(), false);
    }

    @Test
    void withoutASchemaValuesAreGuessed() {
        assertEquals("{\"i\":42,\"b\":true,\"s\":\"disk0\",\"o\":{\"k\":[1]},\"big\":18446744073709551615}",
                untyped("i=42", "b=true", "s=disk0", "o={\"k\": [1]}", "big=18446744073709551615"));
    }

    @Test
    void aQuotedValueIsAlwaysAString() {
        assertEquals("{\"t\":\"true\",\"n\":\"42\"}", untyped("'t=true", "'n=42"));
    }

    @Test
    void siblingDottedKeysStaySiblings() {
        // QEMU's Python shell nested the second under the first: {a: {x: 1, b: {y: 2}}}.
        assertEquals("{\"a\":{\"x\":1},\"b\":{\"y\":2}}", untyped("a.x=1", "b.y=2"));
        assertEquals("{\"a\":{\"x\":1,\"y\":{\"z\":2}}}", untyped("a.x=1", "a.y.z=2"));
    }

    @Test
    void conflictingKeysAreUsageErrors() {
        assertThrows(UsageException.class, () -> untyped("a=1", "a=2"));
        assertThrows(UsageException.class, () -> untyped("a=1", "a.b=2"));
        assertThrows(UsageException.class, () -> untyped("a.b=2", "a=1"));
        assertThrows(UsageException.class, () -> untyped("=1"));
    }

    @Test
    void theSchemaTypesEachValue() {
        Arguments a = new Arguments(SCHEMA, "blockdev-add");
        a.add("driver", "qcow2", false);
        a.add("node-name", "42", false); // a string, though it looks like a number
        a.add("size", "1_048_576", false);
        a.add("read-only", "TRUE", false);
        a.add("ratio", "0.5", false);
        a.add("cache.direct", "false", true); // quoted, but the schema says boolean
        assertEquals("{\"driver\":\"qcow2\",\"node-name\":\"42\",\"size\":1048576,\"read-only\":true,\"ratio\":0.5,"
                + "\"cache\":{\"direct\":false}}", Json.format(a.build(), false));
    }

    @Test
    void badValuesNameTheExpectedType() {
        assertEquals("driver must be one of file, null-co, qcow2, got 'qcow3'",
                assertThrows(UsageException.class, () -> new Arguments(SCHEMA, "blockdev-add").add("driver", "qcow3", false))
                        .getMessage());
        assertEquals("size needs an integer, got '1.5'",
                assertThrows(UsageException.class, () -> new Arguments(SCHEMA, "blockdev-add").add("size", "1.5", false))
                        .getMessage());
        assertEquals("read-only needs true or false, got 'yes'",
                assertThrows(UsageException.class, () -> new Arguments(SCHEMA, "blockdev-add").add("read-only", "yes", false))
                        .getMessage());
    }

    @Test
    void unknownArgumentsNameTheClosestKnownOne() {
        String top = assertThrows(UsageException.class,
                () -> new Arguments(SCHEMA, "blockdev-add").add("node_nmae", "x", false)).getMessage();
        assertEquals("blockdev-add has no argument 'node_nmae'; did you mean 'node-name'? (it takes: driver, node-name, "
                + "cache, size, read-only, ratio)", top);
        String nested = assertThrows(UsageException.class,
                () -> new Arguments(SCHEMA, "blockdev-add").add("cache.drect", "true", false)).getMessage();
        assertTrue(nested.startsWith("blockdev-add has no argument 'cache.drect'; did you mean 'direct'?"), nested);
    }

    @Test
    void missingRequiredArgumentsAreNamed() {
        assertEquals("blockdev-add needs argument 'driver' (file|null-co|qcow2)",
                assertThrows(UsageException.class, () -> new Arguments(SCHEMA, "blockdev-add").build()).getMessage());
    }
}
