package org.qmp4j;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import org.qmp4j.internal.framing.JsonCodec;

/**
 * The reader thread's fast path for events: one hand-written pass over a framed message reads
 * {@code event} and {@code timestamp}, and checks that {@code data} is well-formed JSON while skipping
 * it, keeping its bytes for the consumer to decode (see {@link QmpEvent#data()}). Building every event's
 * tree on the one reader thread bounded a flood at a few hundred thousand events per second; a Jackson
 * parser per event (its set-up, and tokenising every number in {@code data}) was then most of the
 * reader's time. Anything unusual (escapes in a member name or the event's name, unknown members,
 * numbers beyond a long in the clock, deep nesting, bad JSON) is left to the ordinary path, which
 * parses the whole message with Jackson and reports bad input with its usual message.
 */
final class EventFrames {
    private static final int FAIL = -1;

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
            return null; // a reply: not worth a pass of its own before the ordinary one
        }
        int end = off + len;
        String name = null;
        Instant timestamp = null;
        byte[] data = null;
        int i = ws(buf, off + 1, end); // the framer hands over objects, so buf[off] is '{'
        while (true) {
            if (i >= end || buf[i] != '"') {
                return null;
            }
            int nameStart = i + 1;
            int nameEnd = plainString(buf, nameStart, end);
            if (nameEnd == FAIL) {
                return null;
            }
            i = colon(buf, nameEnd + 1, end);
            if (i == FAIL || i >= end) {
                return null;
            }
            if (is(buf, nameStart, nameEnd, EVENT_NAME)) {
                if (buf[i] != '"') {
                    return null;
                }
                int e = plainString(buf, i + 1, end);
                if (e == FAIL) {
                    return null;
                }
                name = new String(buf, i + 1, e - i - 1, StandardCharsets.US_ASCII);
                i = e + 1;
            } else if (is(buf, nameStart, nameEnd, TIMESTAMP_NAME)) {
                if (buf[i] != '{') {
                    return null;
                }
                long[] clock = {-1, -1};
                i = timestamp(buf, i, end, clock);
                if (i == FAIL) {
                    return null;
                }
                timestamp = QmpEvent.timestamp(clock[0], clock[1]);
            } else if (is(buf, nameStart, nameEnd, DATA_NAME)) {
                if (buf[i] != '{') {
                    return null;
                }
                int e = value(buf, i, end, 1);
                if (e == FAIL) {
                    return null;
                }
                data = Arrays.copyOfRange(buf, i, e);
                i = e;
            } else {
                return null; // id, return, error, QMP, or something new: not for the fast path
            }
            i = next(buf, i, end, '}');
            if (i == FAIL) {
                return null;
            }
            if (closed(i)) {
                i = after(i);
                break;
            }
        }
        if (name == null || ws(buf, i, end) != end) {
            return null;
        }
        return QmpEvent.lazy(name, data, timestamp);
    }

    private static final byte[] EVENT_NAME = {'e', 'v', 'e', 'n', 't'};
    private static final byte[] TIMESTAMP_NAME = {'t', 'i', 'm', 'e', 's', 't', 'a', 'm', 'p'};
    private static final byte[] DATA_NAME = {'d', 'a', 't', 'a'};
    private static final byte[] SECONDS_NAME = {'s', 'e', 'c', 'o', 'n', 'd', 's'};
    private static final byte[] MICROSECONDS_NAME = {'m', 'i', 'c', 'r', 'o', 's', 'e', 'c', 'o', 'n', 'd', 's'};
    private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
    private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
    private static final byte[] NULL = {'n', 'u', 'l', 'l'};

    /**
     * {@code {"seconds": N, "microseconds": N}}: integers that fit a long are read into {@code clock};
     * any other member or value is checked and skipped, as the Jackson pass did.
     *
     * @return the index after the object, or FAIL
     */
    private static int timestamp(byte[] b, int i, int end, long[] clock) {
        i = ws(b, i + 1, end);
        if (i < end && b[i] == '}') {
            return i + 1;
        }
        while (true) {
            if (i >= end || b[i] != '"') {
                return FAIL;
            }
            int nameStart = i + 1;
            int nameEnd = plainString(b, nameStart, end);
            if (nameEnd == FAIL) {
                return FAIL;
            }
            int v = colon(b, nameEnd + 1, end);
            if (v == FAIL) {
                return FAIL;
            }
            i = value(b, v, end, 2);
            if (i == FAIL) {
                return FAIL;
            }
            int which = is(b, nameStart, nameEnd, SECONDS_NAME) ? 0 : is(b, nameStart, nameEnd, MICROSECONDS_NAME) ? 1 : -1;
            if (which >= 0 && integer(b, v, i)) {
                if (i - v > 18) {
                    return FAIL; // might not fit a long: the ordinary path decides
                }
                clock[which] = Long.parseLong(new String(b, v, i - v, StandardCharsets.US_ASCII));
            }
            i = next(b, i, end, '}');
            if (i == FAIL || closed(i)) {
                return i == FAIL ? FAIL : after(i);
            }
        }
    }

    /**
     * Checks one JSON value (RFC 8259, as Jackson reads it by default: no comments, no leading zeros,
     * no control characters in strings, well-formed UTF-8).
     *
     * @param depth the nesting depth of the value's container (the message itself is 1)
     * @return the index after the value, or FAIL
     */
    private static int value(byte[] b, int i, int end, int depth) {
        if (i >= end) {
            return FAIL;
        }
        switch (b[i]) {
            case '{':
                return container(b, i, end, depth, '}');
            case '[':
                return container(b, i, end, depth, ']');
            case '"':
                return string(b, i + 1, end);
            case 't':
                return literal(b, i, end, TRUE);
            case 'f':
                return literal(b, i, end, FALSE);
            case 'n':
                return literal(b, i, end, NULL);
            default:
                return number(b, i, end);
        }
    }

    /** @return the index of the value after a member name's closing quote at {@code i - 1}, or FAIL */
    private static int colon(byte[] b, int i, int end) {
        i = ws(b, i, end);
        return i < end && b[i] == ':' ? ws(b, i + 1, end) : FAIL;
    }

    /**
     * After a member or element: a comma and the next one, or the container's end.
     *
     * @return the index of the next member or element; {@link #closed} for the end (then {@link #after}
     *     is the index after the closer); or FAIL
     */
    private static int next(byte[] b, int i, int end, char closer) {
        i = ws(b, i, end);
        if (i >= end) {
            return FAIL;
        }
        if (b[i] == ',') {
            return ws(b, i + 1, end);
        }
        return b[i] == closer ? -(i + 1) - 2 : FAIL;
    }

    private static boolean closed(int r) {
        return r < FAIL;
    }

    private static int after(int r) {
        return -r - 2;
    }

    /** An object ({@code closer} '}') or an array (']') starting at {@code i}: the index after it, or FAIL. */
    private static int container(byte[] b, int i, int end, int depth, char closer) {
        if (depth >= JsonCodec.MAX_NESTING) {
            return FAIL;
        }
        i = ws(b, i + 1, end);
        if (i < end && b[i] == closer) {
            return i + 1;
        }
        while (true) {
            if (closer == '}') { // a member's name first
                if (i >= end || b[i] != '"') {
                    return FAIL;
                }
                i = string(b, i + 1, end);
                i = i == FAIL ? FAIL : colon(b, i, end);
            }
            i = i == FAIL ? FAIL : value(b, i, end, depth + 1);
            i = i == FAIL ? FAIL : next(b, i, end, closer);
            if (i == FAIL || closed(i)) {
                return i == FAIL ? FAIL : after(i);
            }
        }
    }

    /** @return the index after a string's closing quote ({@code i} is after the opening one), or FAIL */
    private static int string(byte[] b, int i, int end) {
        while (i < end) {
            int c = b[i] & 0xFF;
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\') {
                if (i + 1 >= end) {
                    return FAIL;
                }
                int e = b[i + 1];
                if (e == 'u') {
                    if (i + 6 > end) {
                        return FAIL;
                    }
                    for (int k = i + 2; k < i + 6; k++) {
                        if (Character.digit(b[k], 16) < 0) {
                            return FAIL;
                        }
                    }
                    i += 6;
                } else if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r' || e == 't') {
                    i += 2;
                } else {
                    return FAIL;
                }
            } else if (c < 0x20) {
                return FAIL;
            } else if (c < 0x80) {
                i++;
            } else {
                int more = c >= 0xC2 && c <= 0xDF ? 1 : c >= 0xE0 && c <= 0xEF ? 2 : c >= 0xF0 && c <= 0xF4 ? 3 : -1;
                if (more < 0 || i + more >= end) {
                    return FAIL;
                }
                for (int k = i + 1; k <= i + more; k++) {
                    if ((b[k] & 0xC0) != 0x80) {
                        return FAIL;
                    }
                }
                i += more + 1;
            }
        }
        return FAIL;
    }

    /**
     * A string of printable ASCII without escapes (a member name, an event's name).
     *
     * @return the index of its closing quote ({@code i} is after the opening one), or FAIL for anything else
     */
    private static int plainString(byte[] b, int i, int end) {
        for (; i < end; i++) {
            int c = b[i];
            if (c == '"') {
                return i;
            }
            if (c < 0x20 || c == '\\') { // also every byte >= 0x80: negative
                return FAIL;
            }
        }
        return FAIL;
    }

    private static int number(byte[] b, int i, int end) {
        if (b[i] == '-') {
            i++;
        }
        if (i >= end) {
            return FAIL;
        }
        if (b[i] == '0') {
            i++;
        } else if (b[i] >= '1' && b[i] <= '9') {
            i = digits(b, i, end);
        } else {
            return FAIL;
        }
        if (i < end && b[i] == '.') {
            int d = digits(b, i + 1, end);
            if (d == i + 1) {
                return FAIL;
            }
            i = d;
        }
        if (i < end && (b[i] == 'e' || b[i] == 'E')) {
            i++;
            if (i < end && (b[i] == '+' || b[i] == '-')) {
                i++;
            }
            int d = digits(b, i, end);
            if (d == i) {
                return FAIL;
            }
            i = d;
        }
        return i;
    }

    private static int digits(byte[] b, int i, int end) {
        while (i < end && b[i] >= '0' && b[i] <= '9') {
            i++;
        }
        return i;
    }

    /** @return true for a number without fraction or exponent, as Jackson's VALUE_NUMBER_INT */
    private static boolean integer(byte[] b, int from, int to) {
        for (int k = from; k < to; k++) {
            if (!(b[k] >= '0' && b[k] <= '9' || k == from && b[k] == '-')) {
                return false;
            }
        }
        return to > from;
    }

    private static int literal(byte[] b, int i, int end, byte[] word) {
        return end - i >= word.length && Arrays.equals(b, i, i + word.length, word, 0, word.length) ? i + word.length : FAIL;
    }

    private static boolean is(byte[] b, int from, int to, byte[] word) {
        return to - from == word.length && Arrays.equals(b, from, to, word, 0, word.length);
    }

    private static int ws(byte[] b, int i, int end) {
        while (i < end && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) {
            i++;
        }
        return i;
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
}
