package org.qmp4j.mux;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import org.qmp4j.internal.framing.JsonCodec;
import org.qmp4j.internal.session.Redaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mux's {@code --log}: one JSON object per line, for {@code jq} and for replay by the testkit's
 * {@code FakeQmpServer}. Three kinds, told apart by their members:
 * <pre>
 * {"time":"...","greeting":{"QMP":{...}}}
 * {"time":"...","client":"client 1 (unix:...)","command":{"execute":...},"reply":{"return":...},"ms":0.42}
 * {"time":"...","event":{"event":"STOP","data":{},"timestamp":{...}}}
 * </pre>
 * Commands are redacted as in the wire log (passwords, {@code secret} objects' data). A log that cannot be
 * written is reported once and then left alone: the VM's clients matter more than the log.
 */
final class ExchangeLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExchangeLog.class);
    private final Path path;
    private final OutputStream out;
    private boolean failed;

    ExchangeLog(Path path) throws IOException {
        this.path = path;
        this.out = Files.newOutputStream(path, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    void greeting(JsonNode greeting) {
        ObjectNode line = line();
        line.set("greeting", greeting);
        write(line);
    }

    void exchange(String client, JsonNode command, JsonNode reply, long nanos) {
        ObjectNode line = line();
        line.put("client", client);
        line.set("command", Redaction.forLog(command));
        line.set("reply", reply);
        line.put("ms", Math.round(nanos / 1e4) / 100.0);
        write(line);
    }

    /** @param event the event's JSON as the clients get it */
    synchronized void event(byte[] event) {
        if (failed) {
            return;
        }
        try {
            out.write(("{\"time\":\"" + Instant.now() + "\",\"event\":").getBytes(StandardCharsets.US_ASCII));
            out.write(event);
            out.write('}');
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            failed(e);
        }
    }

    private static ObjectNode line() {
        return JsonCodec.object().put("time", Instant.now().toString());
    }

    private synchronized void write(ObjectNode line) {
        if (failed) {
            return;
        }
        try {
            out.write(JsonCodec.encode(line));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            failed(e);
        }
    }

    private void failed(IOException e) {
        failed = true;
        LOG.warn("cannot write the log {}: {}; logging stops", path, e.getMessage());
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            LOG.warn("closing the log {}: {}", path, e.getMessage());
        }
    }
}
