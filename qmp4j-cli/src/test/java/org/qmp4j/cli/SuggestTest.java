package org.qmp4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SuggestTest {
    private static final List<String> COMMANDS = List.of("query-status", "query-stats", "query-cpus-fast", "device_add",
            "device_del", "qmp_capabilities", "stop", "cont");

    @Test
    void aSwapOfNeighboursIsOneEditAndTheSameLengthWinsATie() {
        assertEquals(Optional.of("query-status"), Suggest.closest(COMMANDS, "query-statsu"));
        assertEquals(Optional.of("query-stats"), Suggest.closest(COMMANDS, "query-stat"));
    }

    @Test
    void underscoresDashesAndCaseDoNotCount() {
        assertEquals(Optional.of("device_del"), Suggest.closest(COMMANDS, "device-del"));
        assertEquals(Optional.of("qmp_capabilities"), Suggest.closest(COMMANDS, "QMP-CAPABILITIES"));
    }

    @Test
    void nothingFarAwayIsSuggested() {
        assertEquals(Optional.empty(), Suggest.closest(COMMANDS, "migrate"));
        assertEquals(Optional.empty(), Suggest.closest(COMMANDS, "xy"));
        assertEquals("", Suggest.didYouMean(COMMANDS, "blockdev-add"));
    }

    @Test
    void shortNamesAllowOneEdit() {
        assertEquals(Optional.of("stop"), Suggest.closest(COMMANDS, "sotp"));
        assertEquals("; did you mean 'cont'?", Suggest.didYouMean(COMMANDS, "cnt"));
    }

    @Test
    void editDistance() {
        assertEquals(0, Suggest.distance("abc", "abc"));
        assertEquals(1, Suggest.distance("abc", "acb"));
        assertEquals(1, Suggest.distance("abc", "ab"));
        assertEquals(1, Suggest.distance("abc", "abd"));
        assertEquals(3, Suggest.distance("", "abc"));
        assertEquals(3, Suggest.distance("kitten", "sitting"));
    }
}
