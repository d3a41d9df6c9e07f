package org.qmp4j.internal.framing;

import com.fasterxml.jackson.databind.node.TextNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.qmp4j.QmpEvent;

/**
 * An event encoded again as QEMU sent it, for qmp-mux, which passes every event on to its clients. The
 * reader keeps an event's {@code data} as QEMU's bytes ({@link QmpEvent#data()} decodes them late); these
 * are copied as they are, so passing an event on builds no tree and encodes no tree.
 */
public final class EventWire {
    private static final byte[] TIMESTAMP = "{\"timestamp\": {\"seconds\": ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MICROS = ", \"microseconds\": ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT = "}, \"event\": ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = ", \"data\": ".getBytes(StandardCharsets.US_ASCII);
    private static volatile Function<QmpEvent, byte[]> dataBytes = e -> null;

    private EventWire() {
    }

    /**
     * Set once by {@link QmpEvent}, which alone can see the bytes it keeps.
     *
     * @param access an event's undecoded {@code data} bytes, or null when it has none or they were given as a tree
     */
    public static void register(Function<QmpEvent, byte[]> access) {
        dataBytes = access;
    }

    /**
     * @param e an event
     * @return {@code {"timestamp": {...}, "event": NAME, "data": {...}}} in UTF-8, {@code data} left out when the
     *     event had none (and timestamp -1/-1 when QEMU had no clock, as it sends it)
     */
    public static byte[] encode(QmpEvent e) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(96);
        out.writeBytes(TIMESTAMP);
        long seconds = e.timestamp() == null ? -1 : e.timestamp().getEpochSecond();
        long micros = e.timestamp() == null ? -1 : e.timestamp().getNano() / 1000;
        out.writeBytes(Long.toString(seconds).getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(MICROS);
        out.writeBytes(Long.toString(micros).getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(EVENT);
        out.writeBytes(JsonCodec.encode(TextNode.valueOf(e.name())));
        byte[] data = dataBytes.apply(e);
        if (data == null && !e.data().isEmpty()) {
            data = JsonCodec.encode(e.data());
        }
        if (data != null) {
            out.writeBytes(DATA);
            out.writeBytes(data);
        }
        out.write('}');
        return out.toByteArray();
    }
}
