package org.qmp4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.qmp4j.internal.framing.JsonCodec;
import org.qmp4j.internal.framing.JsonFramer;

/**
 * The reader's hand-written event pass ({@link EventFrames#scan}) against the ordinary path (Jackson's
 * whole tree, then {@link QmpEvent#parse}): on event-like messages, whole or with a byte replaced,
 * inserted or deleted, the fast path either stands aside (null) or reads the same event; and it never
 * reads an event from bytes the ordinary path refuses.
 */
class EventFramesPropertiesTest {
    private static final String[] EVENTS = {
        "{\"timestamp\": {\"seconds\": 1700000000, \"microseconds\": 123456}, \"event\": \"BLOCK_JOB_PROGRESS\","
                + " \"data\": {\"device\": \"job0\", \"len\": 1073741824, \"offset\": 4096, \"speed\": 0, \"type\": \"mirror\"}}",
        "{\"timestamp\": {\"seconds\": 1, \"microseconds\": 2}, \"event\": \"X\", \"data\": {\"a\": [1, -2.5e3, true,"
                + " false, null, \"s\\\\\\\"\\u00e9\\n\", {}, []], \"b\": {\"c\": {\"d\": \"\u00e9\u20ac\uD83D\uDE00\"}}}}",
        "{\"event\": \"STOP\", \"timestamp\": {\"seconds\": -1, \"microseconds\": -1}}",
        "{\"timestamp\": {\"seconds\": 5, \"microseconds\": 0, \"extra\": [0.5]}, \"event\": \"E\", \"data\": {}}",
        "{ \"event\" : \"SPACED\" ,\r\n \"data\" : { \"k\" : 0 } }",
    };
    private static final byte[] INTERESTING = "{}[]\",:\\ -+.0123456789eEtrufalsn\u0001\t\r\n".getBytes(StandardCharsets.UTF_8);

    @Provide
    Arbitrary<String> events() {
        return Arbitraries.of(EVENTS);
    }

    @Provide
    Arbitrary<Byte> bytes() {
        return Arbitraries.oneOf(Arbitraries.of(toList(INTERESTING)), Arbitraries.bytes());
    }

    private static List<Byte> toList(byte[] b) {
        List<Byte> l = new ArrayList<>();
        for (byte x : b) {
            l.add(x);
        }
        return l;
    }

    @Property(tries = 5000)
    void theFastPathReadsWhatTheOrdinaryPathReadsOrStandsAside(@ForAll("events") String text,
            @ForAll @IntRange(min = 0, max = 3) int how, @ForAll @IntRange(min = 0, max = 10_000) int where,
            @ForAll("bytes") byte b) {
        byte[] in = text.getBytes(StandardCharsets.UTF_8);
        int at = where % in.length;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(in, 0, at);
        switch (how) {
            case 1 -> out.write(b); // replaced
            case 2 -> { // inserted
                out.write(b);
                out.write(in[at]);
            }
            case 3 -> { } // deleted
            default -> out.write(in[at]); // as it is
        }
        out.write(in, at + 1, in.length - at - 1);
        byte[] mutated = out.toByteArray();
        List<byte[]> frames = new ArrayList<>();
        try {
            new JsonFramer(1 << 20).feed(mutated, 0, mutated.length,
                    (buf, off, len) -> frames.add(java.util.Arrays.copyOfRange(buf, off, off + len)));
        } catch (QmpProtocolException notFramed) {
            // whatever was framed before the fault is still checked
        }
        for (byte[] frame : frames) {
            // Placed after other bytes, as in a read buffer: offsets must be honoured.
            byte[] buf = new byte[frame.length + 7];
            System.arraycopy(frame, 0, buf, 5, frame.length);
            QmpEvent fast = EventFrames.scan(buf, 5, frame.length);
            ObjectNode tree;
            try {
                tree = JsonCodec.parseObject(frame, 0, frame.length);
            } catch (QmpProtocolException refused) {
                // Not read as an event; or (a number beyond BigDecimal, which only decoding finds, as with
                // the Jackson pass before) read, and its data() refuses it in the same way.
                if (fast != null) {
                    assertThrows(QmpProtocolException.class, fast::data,
                            () -> "read an event from bytes the ordinary path refuses: " + show(frame));
                }
                continue;
            }
            if (fast == null) {
                continue; // standing aside is always allowed
            }
            QmpEvent full = QmpEvent.parse(tree);
            assertEquals(full.name(), fast.name(), () -> show(frame));
            assertEquals(full.data(), fast.data(), () -> show(frame));
            JsonNode ts = tree.get("timestamp");
            if (ts != null && ts.path("seconds").isIntegralNumber() && ts.path("microseconds").isIntegralNumber()) {
                assertEquals(full.timestamp(), fast.timestamp(), () -> show(frame));
            }
            assertEquals(tree.size(), (tree.has("event") ? 1 : 0) + (tree.has("data") ? 1 : 0)
                    + (tree.has("timestamp") ? 1 : 0), () -> "read a message with other members: " + show(frame));
        }
    }

    private static String show(byte[] frame) {
        return new String(frame, StandardCharsets.UTF_8);
    }
}
