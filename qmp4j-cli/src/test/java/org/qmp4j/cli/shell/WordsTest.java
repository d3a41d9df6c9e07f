package org.qmp4j.cli.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.qmp4j.cli.UsageException;

class WordsTest {
    private static Words.Word w(String text, boolean quoted) {
        return new Words.Word(text, quoted);
    }

    @Test
    void whitespaceSeparatesWords() {
        assertEquals(List.of(w("qom-get", false), w("path=/machine", false), w("property=type", false)),
                Words.split("  qom-get   path=/machine\tproperty=type "));
        assertEquals(List.of(), Words.split("   "));
    }

    @Test
    void aQuotedValueIsMarkedSoItStaysAString() {
        assertEquals(List.of(w("cmd", false), w("t=true", true), w("n=1", false)), Words.split("cmd t=\"true\" n=1"));
        assertEquals(List.of(w("t=two words", true)), Words.split("t='two words'"));
    }

    @Test
    void quotesInTheKeyDoNotMarkTheValue() {
        assertEquals(List.of(w("a b=1", false)), Words.split("\"a b\"=1"));
    }

    @Test
    void backslashEscapesInsideQuotes() {
        assertEquals(List.of(w("s=say \"hi\"", true)), Words.split("s=\"say \\\"hi\\\"\""));
    }

    @Test
    void jsonValuesAreOneWordWithTheirQuotesKept() {
        assertEquals(List.of(w("x", false), w("data={\"a\": 1, \"b\": [1, 2]}", false)),
                Words.split("x data={\"a\": 1, \"b\": [1, 2]}"));
        assertEquals(List.of(w("{\"execute\": \"stop\"}", false)), Words.split("{\"execute\": \"stop\"}"));
        assertEquals(List.of(w("s={\"k\": \"} ]\"}", false)), Words.split("s={\"k\": \"} ]\"}"), "brackets in a JSON string");
    }

    @Test
    void unbalancedInputIsAUsageError() {
        assertThrows(UsageException.class, () -> Words.split("t=\"open"));
        assertThrows(UsageException.class, () -> Words.split("d={\"a\": [1, 2}"));
    }
}
