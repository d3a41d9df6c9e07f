package org.qmp4j.internal.framing;

import java.util.Arrays;
import org.qmp4j.QmpProtocolException;

/**
 * Finds where each JSON object ends in a byte stream, without parsing it.
 *
 * <p>QMP is a stream of JSON objects: usually one per CRLF-terminated line, but pretty-printed
 * objects span lines and objects may come back to back, so line splitting is wrong. The framer
 * tracks nesting depth and whether it is inside a string (and after a backslash), which is enough to
 * see the closing brace of each top-level object. Each complete object is handed to a {@link Sink}
 * as a byte range; Jackson then parses it.
 *
 * <p>A 0xFF byte never occurs in UTF-8 JSON. The guest agent uses it as a resynchronisation marker:
 * whatever partial object was being collected is discarded and {@link Sink#resync()} is called.
 *
 * <p>Not thread-safe: one framer belongs to one reader thread.
 */
public final class JsonFramer {

    /** Receives framed objects, on the thread that called {@link #feed}. */
    public interface Sink {
        /**
         * One complete top-level JSON object. The bytes are only valid during the call.
         *
         * @param buf the bytes
         * @param off where the object starts
         * @param len its length
         */
        void frame(byte[] buf, int off, int len);

        /** A 0xFF byte was seen; any partial object was discarded. */
        default void resync() {
        }

        /**
         * Bytes outside any object that are not whitespace were skipped (tolerant framers only).
         *
         * @param b the first such byte of a run
         */
        default void skipped(int b) {
        }
    }

    private static final int RETAINED_BUFFER = 1 << 20;

    private final int maxMessageSize;
    private final boolean tolerant;
    // Partial object carried over between feed() calls; only used when an object spans reads.
    private byte[] partial = new byte[0];
    private int partialLen;
    private int depth;
    private boolean inString;
    private boolean escaped;
    private boolean skipping; // inside a run of skipped bytes (tolerant framers)

    /** @param maxMessageSize the largest object accepted, in bytes */
    public JsonFramer(int maxMessageSize) {
        this(maxMessageSize, false);
    }

    /**
     * @param maxMessageSize the largest object accepted, in bytes
     * @param tolerant skip non-JSON bytes between objects instead of failing (for the guest agent's
     *     channel, which may hold stale output)
     */
    public JsonFramer(int maxMessageSize, boolean tolerant) {
        if (maxMessageSize <= 0) {
            throw new IllegalArgumentException("maxMessageSize must be positive");
        }
        this.maxMessageSize = maxMessageSize;
        this.tolerant = tolerant;
    }

    /** @return true while part of an object has been seen but not its end */
    public boolean inObject() {
        return depth > 0;
    }

    /** Forgets any partial object, as a 0xFF byte would. */
    public void reset() {
        depth = 0;
        inString = false;
        escaped = false;
        partialLen = 0;
    }

    /**
     * Scans bytes, calling the sink for each object that completes.
     *
     * @param buf the bytes
     * @param off first byte
     * @param len number of bytes
     * @param sink receives complete objects
     * @throws QmpProtocolException for bytes outside an object that are not whitespace, or an object
     *     larger than the limit; the framer is reset and may be fed again
     */
    public void feed(byte[] buf, int off, int len, Sink sink) {
        int end = off + len;
        int start = depth > 0 ? off : -1; // start of the current object within buf
        for (int i = off; i < end; i++) {
            int b = buf[i] & 0xFF;
            if (b == 0xFF) {
                reset();
                start = -1;
                sink.resync();
                continue;
            }
            if (depth == 0) {
                if (b == '{') {
                    depth = 1;
                    start = i;
                    skipping = false;
                } else if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                    if (tolerant) {
                        if (!skipping) {
                            skipping = true;
                            sink.skipped(b);
                        }
                        continue;
                    }
                    reset();
                    throw new QmpProtocolException("invalid JSON: unexpected byte " + describe(b)
                            + " outside an object: " + excerpt(buf, i, end));
                }
                continue;
            }
            if (inString) {
                if (escaped) {
                    escaped = false;
                } else if (b == '\\') {
                    escaped = true;
                } else if (b == '"') {
                    inString = false;
                }
            } else if (b == '"') {
                inString = true;
            } else if (b == '{' || b == '[') {
                depth++;
            } else if (b == '}' || b == ']') {
                if (--depth == 0) {
                    int objLen = partialLen + (i + 1 - start);
                    checkSize(objLen);
                    if (partialLen == 0) {
                        sink.frame(buf, start, i + 1 - start);
                    } else {
                        append(buf, start, i + 1 - start);
                        int n = partialLen;
                        partialLen = 0;
                        sink.frame(partial, 0, n);
                        if (partial.length > RETAINED_BUFFER) {
                            partial = new byte[0]; // don't keep a one-off 64 MiB buffer alive
                        }
                    }
                    start = -1;
                }
            }
        }
        if (depth > 0) {
            checkSize(partialLen + (end - start));
            append(buf, start, end - start);
        }
    }

    private void checkSize(int size) {
        if (size > maxMessageSize) {
            reset();
            throw new QmpProtocolException("message larger than the limit of " + maxMessageSize + " bytes");
        }
    }

    private void append(byte[] buf, int off, int len) {
        if (partialLen + len > partial.length) {
            partial = Arrays.copyOf(partial, Math.max(partialLen + len, Math.max(256, partial.length * 2)));
        }
        System.arraycopy(buf, off, partial, partialLen, len);
        partialLen += len;
    }

    private static String describe(int b) {
        return b >= 0x20 && b < 0x7F ? "'" + (char) b + "'" : String.format("0x%02X", b);
    }

    private static String excerpt(byte[] buf, int from, int end) {
        int n = Math.min(end - from, 60);
        String s = new String(buf, from, n, java.nio.charset.StandardCharsets.UTF_8);
        return s.replace("\r", "\\r").replace("\n", "\\n") + (end - from > n ? "..." : "");
    }
}
