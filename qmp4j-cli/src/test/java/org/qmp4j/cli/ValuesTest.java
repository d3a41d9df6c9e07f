package org.qmp4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ValuesTest {
    @Test
    void secondsMayHaveFractions() {
        assertEquals(Duration.ofSeconds(3), Values.positiveSeconds("3", "--timeout"));
        assertEquals(Duration.ofMillis(500), Values.positiveSeconds("0.5", "--timeout"));
        assertEquals(Duration.ofMillis(1500), Values.positiveSeconds(" 1.5 ", "--timeout"));
        assertEquals(Duration.ofNanos(1), Values.positiveSeconds("1e-12", "--timeout"), "tiny but positive");
    }

    @Test
    void absurdSecondsAreCappedNotOverflowed() {
        Duration d = Values.positiveSeconds("1e30", "--wait");
        assertTrue(d.toDays() > 365L * 999 && d.toDays() < 365L * 1001, d.toString());
        assertTrue(Values.positiveSeconds("Infinity", "--wait").toDays() > 365L * 999);
    }

    @Test
    void zeroNegativeAndGarbageAreUsageErrorsNamingTheOption() {
        for (String bad : new String[] {"0", "-1", "abc", "", "NaN", "1s"}) {
            UsageException e = assertThrows(UsageException.class, () -> Values.positiveSeconds(bad, "--wait"), bad);
            assertEquals("--wait needs a positive number of seconds, got '" + bad + "'", e.getMessage());
        }
    }

    @Test
    void positiveIntegers() {
        assertEquals(7, Values.positiveInteger("7", "--count"));
        for (String bad : new String[] {"0", "-3", "1.5", "x", "99999999999999999999"}) {
            assertThrows(UsageException.class, () -> Values.positiveInteger(bad, "--count"), bad);
        }
    }
}
