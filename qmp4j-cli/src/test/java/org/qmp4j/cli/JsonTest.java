package org.qmp4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonTest {
    private static String flatten(String json) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Json.flatten(Json.parseStrict(json), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void objectsBecomeDottedPathsAndStringsAreUnquoted() {
        assertEquals("running: true\nstatus: running\nvm.name: \"x\"\n",
                flatten("{\"running\": true, \"status\": \"running\", \"vm\": {\"name\": \"\\\"x\\\"\"}}"));
    }

    @Test
    void listsAreLabelledWithTheirIndexAndItemAtTheTop() {
        assertEquals("item[0].cpu: 0\nitem[1].cpu: 1\n", flatten("[{\"cpu\": 0}, {\"cpu\": 1}]"));
        assertEquals("a[0]: 1\na[1].b: x\n", flatten("{\"a\": [1, {\"b\": \"x\"}]}"));
    }

    @Test
    void scalarsAndEmptyResults() {
        assertEquals("42\n", flatten("42"));
        assertEquals("", flatten("{}"));
        assertEquals("", flatten("[]"));
        assertEquals("n: null\n", flatten("{\"n\": null}"));
    }

    @Test
    void lenientJsonAcceptsWhatPeopleTypeAndStrictDoesNot() {
        assertEquals("{\"a\":1,\"b\":\"x\"}", Json.format(Json.parseLenient("{a: 1, 'b': 'x',}"), false));
        assertNull(Json.parseLenient("{a: "));
    }
}
