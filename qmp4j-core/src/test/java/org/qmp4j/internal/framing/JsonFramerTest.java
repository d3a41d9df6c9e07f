package org.qmp4j.internal.framing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.qmp4j.QmpProtocolException;

class JsonFramerTest {
    private final List<String> frames = new ArrayList<>();
    private int resyncs;
    private final JsonFramer.Sink sink = new JsonFramer.Sink() {
        @Override
        public void frame(byte[] buf, int off, int len) {
            frames.add(new String(buf, off, len, StandardCharsets.UTF_8));
        }

        @Override
        public void resync() {
            resyncs++;
        }
    };

    private void feed(JsonFramer f, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        f.feed(b, 0, b.length, sink);
    }

    @Test
    void crlfAndLfLinesAndBackToBackObjects() {
        JsonFramer f = new JsonFramer(1024);
        feed(f, "{\"a\":1}\r\n{\"b\":2}\n{\"c\":3}{\"d\":4}");
        assertEquals(List.of("{\"a\":1}", "{\"b\":2}", "{\"c\":3}", "{\"d\":4}"), frames);
    }

    @Test
    void prettyPrintedObjectSplitAcrossEveryByte() {
        String pretty = "{\n  \"return\": {\n    \"x\": [1, {\"y\": \"}\"}],\n    \"s\": \"a\\\"{b\"\n  },\n  \"id\": \"q1\"\n}\r\n";
        JsonFramer f = new JsonFramer(1024);
        for (byte b : pretty.getBytes(StandardCharsets.UTF_8)) {
            f.feed(new byte[] {b}, 0, 1, sink);
        }
        assertEquals(List.of(pretty.strip()), frames);
        assertTrue(!f.inObject());
    }

    @Test
    void bracesAndEscapedQuotesInsideStringsDoNotEndTheObject() {
        JsonFramer f = new JsonFramer(1024);
        feed(f, "{\"desc\":\"a } b \\\\\",\"t\":\"{[\"}");
        assertEquals(List.of("{\"desc\":\"a } b \\\\\",\"t\":\"{[\"}"), frames);
    }

    @Test
    void multibyteUtf8IsPassedThrough() {
        JsonFramer f = new JsonFramer(1024);
        feed(f, "{\"n\":\"żółw ✓\"}");
        assertEquals(List.of("{\"n\":\"żółw ✓\"}"), frames);
    }

    @Test
    void ffByteDiscardsThePartialObject() {
        JsonFramer f = new JsonFramer(1024);
        byte[] b = "{\"stale\": [1, 2".getBytes(StandardCharsets.UTF_8);
        f.feed(b, 0, b.length, sink);
        f.feed(new byte[] {(byte) 0xFF}, 0, 1, sink);
        feed(f, "{\"return\": 42}");
        assertEquals(1, resyncs);
        assertEquals(List.of("{\"return\": 42}"), frames);
    }

    @Test
    void garbageOutsideAnObjectIsAProtocolError() {
        JsonFramer f = new JsonFramer(1024);
        QmpProtocolException e = assertThrows(QmpProtocolException.class, () -> feed(f, "hello"));
        assertTrue(e.getMessage().contains("'h'"), e.getMessage());
    }

    @Test
    void objectOverTheLimitIsRejectedEvenWhenItArrivesInPieces() {
        JsonFramer f = new JsonFramer(100);
        feed(f, "{\"a\":\"" + "x".repeat(50));
        assertThrows(QmpProtocolException.class, () -> feed(f, "x".repeat(60) + "\"}"));
        feed(f, "{\"ok\":1}");
        assertEquals(List.of("{\"ok\":1}"), frames);
    }

    @Test
    void objectExactlyAtTheLimitIsAccepted() {
        String obj = "{\"a\":\"" + "x".repeat(92) + "\"}";
        assertEquals(100, obj.length());
        JsonFramer f = new JsonFramer(100);
        feed(f, obj);
        assertEquals(List.of(obj), frames);
    }
}
