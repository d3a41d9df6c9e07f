package org.qmp4j.internal.framing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.qmp4j.QmpProtocolException;

/**
 * Property-based tests of the reader's decoding: {@link JsonFramer} then {@link JsonCodec#parseObject}
 * fed as the reader thread feeds them. The contract under any input: the right messages, or a
 * {@link QmpProtocolException}; never another exception, a hang, or memory beyond the size limit.
 */
class FramingPropertiesTest {
    private static final int LIMIT = 64 * 1024;

    /** What the reader thread does with one stream, cut into the given chunk sizes. */
    private static List<ObjectNode> decode(byte[] stream, List<Integer> cuts, int limit, List<Integer> resyncs) {
        JsonFramer framer = new JsonFramer(limit);
        List<ObjectNode> out = new ArrayList<>();
        JsonFramer.Sink sink = new JsonFramer.Sink() {
            @Override
            public void frame(byte[] buf, int off, int len) {
                out.add(JsonCodec.parseObject(buf, off, len));
            }

            @Override
            public void resync() {
                resyncs.add(out.size());
            }
        };
        int at = 0;
        for (int i = 0; at < stream.length; i++) {
            int n = Math.min(stream.length - at, cuts.isEmpty() ? stream.length : Math.max(1, cuts.get(i % cuts.size())));
            // A fresh copy per chunk, as a reused read buffer would be overwritten.
            byte[] chunk = java.util.Arrays.copyOfRange(stream, at, at + n);
            framer.feed(chunk, 0, n, sink);
            at += n;
        }
        return out;
    }

    /** Messages as compact JSON text: equal text, equal messages (node classes may differ, e.g. long vs int). */
    private static List<String> text(List<ObjectNode> messages) {
        List<String> out = new ArrayList<>();
        for (ObjectNode m : messages) {
            out.add(JsonCodec.toString(m, false));
        }
        return out;
    }

    private static byte[] join(List<ObjectNode> messages, String separator) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (ObjectNode m : messages) {
            b.writeBytes(JsonCodec.encode(m));
            b.writeBytes(separator.getBytes(StandardCharsets.UTF_8));
        }
        return b.toByteArray();
    }

    @Property(tries = 300)
    void anyValidStreamCutAnywhereYieldsExactlyItsMessages(@ForAll("messages") List<ObjectNode> messages,
            @ForAll("separators") String separator, @ForAll @Size(max = 20) List<@IntRange(min = 1, max = 300) Integer> cuts) {
        byte[] stream = join(messages, separator);
        assertEquals(text(messages), text(decode(stream, cuts, LIMIT, new ArrayList<>())));
    }

    @Property(tries = 300)
    void randomBytesGiveMessagesOrAProtocolErrorNothingElse(@ForAll @Size(max = 2000) byte[] bytes,
            @ForAll @Size(max = 10) List<@IntRange(min = 1, max = 500) Integer> cuts) {
        try {
            decode(bytes, cuts, 512, new ArrayList<>());
        } catch (QmpProtocolException expected) {
            // the one allowed failure
        }
    }

    @Property(tries = 200)
    void jsonLookingGarbageGivesMessagesOrAProtocolError(@ForAll("jsonish") String text,
            @ForAll @Size(max = 10) List<@IntRange(min = 1, max = 50) Integer> cuts) {
        try {
            decode(text.getBytes(StandardCharsets.UTF_8), cuts, LIMIT, new ArrayList<>());
        } catch (QmpProtocolException expected) {
            // the one allowed failure
        }
    }

    @Property(tries = 200)
    void aTruncatedStreamYieldsTheCompleteMessagesAndWaitsForTheRest(@ForAll("messages") List<ObjectNode> messages,
            @ForAll @IntRange(min = 0, max = 100) int percent) {
        byte[] stream = join(messages, "\r\n");
        int keep = stream.length * percent / 100;
        List<ObjectNode> got = decode(java.util.Arrays.copyOf(stream, keep), List.of(7), LIMIT, new ArrayList<>());
        assertEquals(text(messages.subList(0, got.size())), text(got));
        assertTrue(got.size() == messages.size() || keep < stream.length);
    }

    @Property(tries = 200)
    void a0xffByteDiscardsOnlyThePartialMessage(@ForAll("messages") List<ObjectNode> before,
            @ForAll("messages") List<ObjectNode> after, @ForAll @IntRange(min = 1, max = 40) int partial) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(join(before, "\n"));
        byte[] broken = JsonCodec.encode(JsonCodec.object().put("half", "a message cut by a resync"));
        b.write(broken, 0, Math.min(partial, broken.length - 1));
        b.write(0xFF);
        b.writeBytes(join(after, "\n"));
        List<Integer> resyncs = new ArrayList<>();
        List<ObjectNode> got = decode(b.toByteArray(), List.of(13), LIMIT, resyncs);
        List<ObjectNode> expected = new ArrayList<>(before);
        expected.addAll(after);
        assertEquals(text(expected), text(got));
        assertEquals(List.of(before.size()), resyncs);
    }

    @Property(tries = 30)
    void deepNestingIsAMessageOrAProtocolErrorNeverAStackOverflow(@ForAll @IntRange(min = 1, max = 60_000) int depth,
            @ForAll boolean arrays) {
        // The outer object is one level: the message nests depth + 1 deep, and the limit is exact.
        boolean accepted = nested(depth, arrays);
        assertEquals(depth + 1 <= JsonCodec.MAX_NESTING, accepted, "depth " + (depth + 1));
    }

    @Example
    void theNestingLimitIsExactlyMaxNesting() {
        for (boolean arrays : new boolean[] {false, true}) {
            assertTrue(nested(JsonCodec.MAX_NESTING - 1, arrays), "500 levels are a message");
            assertFalse(nested(JsonCodec.MAX_NESTING, arrays), "501 levels are refused");
        }
    }

    /** @return true when a message nesting depth + 1 levels decodes, false when it is refused as a protocol error */
    private static boolean nested(int depth, boolean arrays) {
        StringBuilder sb = new StringBuilder("{\"x\":");
        for (int i = 0; i < depth; i++) {
            sb.append(arrays ? "[" : "{\"a\":");
        }
        sb.append("1");
        for (int i = 0; i < depth; i++) {
            sb.append(arrays ? "]" : "}");
        }
        sb.append("}");
        try {
            List<ObjectNode> got = decode(sb.toString().getBytes(StandardCharsets.UTF_8), List.of(4096), 1 << 20,
                    new ArrayList<>());
            assertEquals(1, got.size());
            return true;
        } catch (QmpProtocolException refused) {
            return false;
        }
    }

    @Property(tries = 20)
    void hugeStringsAreKeptWithinTheLimitAndRefusedBeyondIt(@ForAll @IntRange(min = 0, max = 200_000) int length) {
        String big = "x".repeat(length);
        byte[] stream = join(List.of(JsonCodec.object().put("s", big)), "\r\n");
        try {
            List<ObjectNode> got = decode(stream, List.of(8192), 100_000, new ArrayList<>());
            assertEquals(big, got.get(0).path("s").asText());
            assertTrue(stream.length - 2 <= 100_000);
        } catch (QmpProtocolException expected) {
            assertTrue(stream.length - 2 > 100_000, "refused within the limit: " + stream.length);
        }
    }

    @Property(tries = 200)
    void invalidUtf8InsideStringsIsAProtocolError(@ForAll @IntRange(min = 0x80, max = 0xFE) int bad) {
        byte[] stream = {'{', '"', 'a', '"', ':', '"', (byte) bad, '"', '}'};
        try {
            decode(stream, List.of(3), LIMIT, new ArrayList<>());
        } catch (QmpProtocolException expected) {
            // invalid UTF-8 must be refused this way (a lone continuation or lead byte)
            return;
        }
        throw new AssertionError("accepted invalid UTF-8 byte 0x" + Integer.toHexString(bad));
    }

    // ---- generators ----

    @Provide
    Arbitrary<List<ObjectNode>> messages() {
        return Arbitraries.randomValue(r -> randomObject(r, 0)).list().ofMaxSize(12);
    }

    @Provide
    Arbitrary<String> separators() {
        return Arbitraries.of("", "\n", "\r\n", " ", "\r\n\r\n", "\t \n");
    }

    @Provide
    Arbitrary<String> jsonish() {
        return Arbitraries.strings().withChars("{}[]\":,\\ ntrufl0123456789.e-\r\naé€\u0000").ofMaxLength(300);
    }

    private static ObjectNode randomObject(Random r, int depth) {
        ObjectNode o = JsonCodec.object();
        int n = r.nextInt(depth > 3 ? 2 : 5);
        for (int i = 0; i < n; i++) {
            o.set(randomString(r), randomValue(r, depth + 1));
        }
        return o;
    }

    private static JsonNode randomValue(Random r, int depth) {
        switch (r.nextInt(depth > 3 ? 6 : 8)) {
            case 0:
                return JsonCodec.toNode(randomString(r));
            case 1:
                return JsonCodec.toNode(r.nextLong());
            case 2:
                return JsonCodec.toNode(r.nextInt(1000));
            case 3:
                return JsonCodec.toNode(r.nextBoolean());
            case 4:
                return JsonCodec.toNode(null);
            case 5:
                return JsonCodec.toNode(new java.math.BigDecimal(r.nextInt(100000)).movePointLeft(3));
            case 6: {
                ArrayNode a = JsonCodec.array();
                for (int i = r.nextInt(4); i > 0; i--) {
                    a.add(randomValue(r, depth + 1));
                }
                return a;
            }
            default:
                return randomObject(r, depth);
        }
    }

    private static String randomString(Random r) {
        String alphabet = "ab\"\\{}[]:, \n\té€😀\u0001/";
        StringBuilder sb = new StringBuilder();
        for (int i = r.nextInt(12); i > 0; i--) {
            int cp = alphabet.codePointAt(alphabet.offsetByCodePoints(0, r.nextInt(alphabet.codePointCount(0, alphabet.length()))));
            sb.appendCodePoint(cp);
        }
        return sb.toString();
    }
}
