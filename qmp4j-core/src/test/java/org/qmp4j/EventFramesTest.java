package org.qmp4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.qmp4j.internal.framing.JsonCodec;

class EventFramesTest {
    /** The message placed after unrelated bytes, as the framer hands it over: offsets must be honoured. */
    private static QmpEvent scan(String json) {
        byte[] framed = ("xx{\"return\": {}}yy" + json + "zz").getBytes(StandardCharsets.UTF_8);
        int off = framed.length - 2 - json.getBytes(StandardCharsets.UTF_8).length;
        return EventFrames.scan(framed, off, framed.length - 2 - off);
    }

    @Test
    void aQemuEventIsReadWithItsDataKeptAsBytesUntilAsked() {
        String json = "{\"timestamp\": {\"seconds\": 1700000000, \"microseconds\": 123456}, \"event\": \"BLOCK_JOB_PROGRESS\","
                + " \"data\": {\"device\": \"job0\", \"len\": 1073741824, \"nested\": {\"a\": [1, \"}\\\"{\"]}, \"type\": \"mirror\"}}";
        QmpEvent e = scan(json);
        assertEquals("BLOCK_JOB_PROGRESS", e.name());
        assertEquals(Instant.ofEpochSecond(1700000000, 123456000), e.timestamp());
        assertEquals(1073741824L, e.data().path("len").asLong());
        assertEquals("}\"{", e.data().path("nested").path("a").path(1).asText());
        // The lazily decoded event equals the one the ordinary path builds from the whole tree.
        assertEquals(QmpEvent.parse(JsonCodec.parseObject(json.getBytes(StandardCharsets.UTF_8), 0,
                json.getBytes(StandardCharsets.UTF_8).length)), e);
    }

    @Test
    void eventsWithoutDataOrClockAreReadToo() {
        QmpEvent e = scan("{\"event\": \"STOP\", \"timestamp\": {\"seconds\": -1, \"microseconds\": -1}}");
        assertEquals("STOP", e.name());
        assertNull(e.timestamp());
        assertTrue(e.data().isObject() && e.data().isEmpty());
    }

    @Test
    void anythingElseIsLeftToTheOrdinaryPath() {
        assertNull(scan("{\"return\": {}, \"id\": \"qmp4j-1\"}"));
        assertNull(scan("{\"QMP\": {\"version\": {}, \"capabilities\": []}}"));
        assertNull(scan("{\"event\": \"X\", \"id\": 1}"));
        assertNull(scan("{\"event\": 5}"));
        assertNull(scan("{\"event\": \"X\", \"data\": [1]}"));
        assertNull(scan("{\"event\": \"X\", \"data\": {\"a\": tru}}"));
        assertNull(scan("{\"timestamp\": {\"seconds\": 1, \"microseconds\": 2}}"));
    }
}
