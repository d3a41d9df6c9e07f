package org.qmp4j;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import org.qmp4j.internal.framing.JsonCodec;

/**
 * The reader thread's fast path for events: one streaming pass over a framed message reads
 * {@code event} and {@code timestamp}, and skips over {@code data}, keeping its bytes for the consumer
 * to decode (see {@link QmpEvent#data()}). Building every event's tree on the one reader thread bounded
 * a flood at a few hundred thousand events per second.
 */
final class EventFrames {
    private EventFrames() {
    }

    /**
     * @param buf the bytes
     * @param off where the framed object starts
     * @param len its length
     * @return the event, or null when the message is anything but a well-formed plain event (a reply,
     *     the greeting, unknown members, bad JSON): the ordinary path then parses and judges it
     */
    static QmpEvent scan(byte[] buf, int off, int len) {
        if (!startsLikeAnEvent(buf, off, len)) {
            return null; // a reply: not worth a parser of its own before the ordinary one
        }
        try (JsonParser p = JsonCodec.parser(buf, off, len)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String name = null;
            Instant timestamp = null;
            byte[] data = null;
            String field;
            while ((field = p.nextFieldName()) != null) {
                JsonToken t = p.nextToken();
                switch (field) {
                    case "event" -> {
                        if (t != JsonToken.VALUE_STRING) {
                            return null;
                        }
                        name = p.getText();
                    }
                    case "timestamp" -> {
                        if (t != JsonToken.START_OBJECT) {
                            return null;
                        }
                        timestamp = timestamp(p);
                    }
                    case "data" -> {
                        if (t != JsonToken.START_OBJECT) {
                            return null;
                        }
                        long start = p.currentTokenLocation().getByteOffset();
                        p.skipChildren(); // still tokenises, so malformed data is caught here
                        long end = p.currentLocation().getByteOffset();
                        // Offsets count from the parser's start, which is off.
                        data = Arrays.copyOfRange(buf, off + (int) start, off + (int) end);
                    }
                    default -> {
                        return null; // id, return, error, QMP, or something new: not for the fast path
                    }
                }
            }
            if (name == null || p.nextToken() != null) {
                return null;
            }
            return QmpEvent.lazy(name, data, timestamp);
        } catch (IOException | RuntimeException e) {
            return null; // the ordinary path reports bad input with its usual message
        }
    }

    private static final byte[] TIMESTAMP = {'"', 't', 'i', 'm', 'e', 's', 't', 'a', 'm', 'p', '"'};
    private static final byte[] EVENT = {'"', 'e', 'v', 'e', 'n', 't', '"'};

    /**
     * QEMU writes events as {@code {"timestamp": ..., "event": ...}}: a look at the first member name
     * keeps replies ({@code {"return": ...}}) from paying for a parser here. An event in another order
     * merely takes the ordinary path.
     */
    private static boolean startsLikeAnEvent(byte[] buf, int off, int len) {
        int i = off + 1; // the framer hands over objects, so buf[off] is '{'
        int end = off + len;
        while (i < end && (buf[i] == ' ' || buf[i] == '\n' || buf[i] == '\r' || buf[i] == '\t')) {
            i++;
        }
        return at(buf, i, end, TIMESTAMP) || at(buf, i, end, EVENT);
    }

    private static boolean at(byte[] buf, int i, int end, byte[] word) {
        return end - i >= word.length && Arrays.equals(buf, i, i + word.length, word, 0, word.length);
    }

    private static Instant timestamp(JsonParser p) throws IOException {
        long seconds = -1;
        long micros = -1;
        String field;
        while ((field = p.nextFieldName()) != null) {
            JsonToken t = p.nextToken();
            if (t == JsonToken.VALUE_NUMBER_INT && field.equals("seconds")) {
                seconds = p.getLongValue();
            } else if (t == JsonToken.VALUE_NUMBER_INT && field.equals("microseconds")) {
                micros = p.getLongValue();
            } else {
                p.skipChildren();
            }
        }
        return QmpEvent.timestamp(seconds, micros);
    }
}
