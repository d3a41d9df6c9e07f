package org.qmp4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class GreetingTest {
    @Test
    void itsJsonIsACopyNobodyCanChangeForOthers() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.putObject("QMP").putArray("capabilities").add("oob");
        Greeting g = new Greeting(new Greeting.Version(7, 2, 0, ""), List.of("oob"), json);
        json.put("changed", true);
        g.json().put("changed too", true);
        assertEquals("{\"QMP\":{\"capabilities\":[\"oob\"]}}", g.json().toString());
    }
}
