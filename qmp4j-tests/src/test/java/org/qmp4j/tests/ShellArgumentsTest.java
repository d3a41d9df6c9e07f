package org.qmp4j.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.qmp4j.testkit.FakeQmpServer;
import org.qmp4j.testkit.RecordedCommand;
import org.qmp4j.testkit.Response;
import org.qmp4j.tests.ToolProcess.Result;

/**
 * What qmp-shell (run as a process, in script mode) puts on the wire for key=value words, seen by the
 * fake server, which has no schema: so these are the shell's own rules, not the schema's typing.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ShellArgumentsTest {
    private static String sent(String line) {
        try (FakeQmpServer s = FakeQmpServer.start()) {
            s.on("x-test", Response.ok());
            Result r = ToolProcess.run(Map.of("QMP_SOCKET", s.address()), line + "\n", "qmp-shell", "--exit-on-error");
            assertEquals(0, r.exit(), r::toString);
            RecordedCommand c;
            do {
                c = s.takeCommand(Duration.ofSeconds(10));
            } while (!c.name().equals("x-test"));
            return c.arguments().toString();
        }
    }

    @Test
    void siblingDottedKeysStaySiblings() {
        // QEMU's Python shell sent {"a": {"x": 1, "b": {"y": 2}}} here (COMPATIBILITY.md).
        assertEquals("{\"a\":{\"x\":1},\"b\":{\"y\":2}}", sent("x-test a.x=1 b.y=2"));
    }

    @Test
    void quotedValuesAreStringsAndBareOnesAreTyped() {
        assertEquals("{\"t\":\"true\",\"u\":true,\"n\":\"42\",\"m\":42,\"s\":\"two words\"}",
                sent("x-test t=\"true\" u=true n='42' m=42 s=\"two words\""));
    }

    @Test
    void theShellsTimeoutHoldsForOutOfBandCommandsToo() {
        try (FakeQmpServer s = FakeQmpServer.start()) {
            s.on("hang", Response.stall());
            Result r = ToolProcess.run(Map.of("QMP_SOCKET", s.address()), "{\"exec-oob\": \"hang\"}\n", "qmp-shell",
                    "--exit-on-error", "--timeout", "1");
            assertEquals(4, r.exit(), r::toString);
            assertTrue(r.err().contains("hang: no answer within 1 s"), r::toString);
        }
    }
}
