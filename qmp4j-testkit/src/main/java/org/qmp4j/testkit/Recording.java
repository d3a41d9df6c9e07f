package org.qmp4j.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.qmp4j.internal.framing.JsonCodec;
import org.qmp4j.internal.session.Redaction;

/**
 * A recorded QMP session loaded for {@link FakeQmpServer}'s replay: the greeting, the exchanges in the
 * order they were logged, and the events placed between them. Reads qmp-mux {@code --log} files and
 * {@code qmp-shell -l} transcripts (which have neither greeting nor events). Thread-safe.
 */
final class Recording {
    /** The events to send before and after one recorded reply. */
    record Answer(List<ObjectNode> before, ObjectNode reply, List<ObjectNode> after) {
    }

    /** One recorded command and what followed it; {@code used} once a client's command matched it. */
    private static final class Exchange {
        final String name;
        final ObjectNode arguments;
        final ObjectNode reply;
        final Instant sent; // when the mux sent the command, null when the recording has no times
        final Instant logged; // when the reply had come
        final List<ObjectNode> before = new ArrayList<>();
        final List<ObjectNode> after = new ArrayList<>();
        boolean used;

        Exchange(String name, ObjectNode arguments, ObjectNode reply, Instant sent, Instant logged) {
            this.name = name;
            this.arguments = arguments;
            this.reply = reply;
            this.sent = sent;
            this.logged = logged;
        }
    }

    /** An event line: the event, when QEMU emitted it (or null), and how many exchanges were logged before it. */
    private record LoggedEvent(ObjectNode event, Instant emitted, int position) {
    }

    private final List<ObjectNode> initialEvents = new ArrayList<>();
    private final List<Exchange> exchanges = new ArrayList<>();
    private ObjectNode greeting;
    private boolean initialEventsTaken;

    private Recording() {
    }

    /**
     * @param file a qmp-mux log or a qmp-shell transcript
     * @return its content
     * @throws IllegalArgumentException naming the file and line of the first line that is not a greeting,
     *     exchange or event
     * @throws UncheckedIOException when the file cannot be read
     */
    static Recording load(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the recording " + file + ": " + e.getMessage(), e);
        }
        Recording r = new Recording();
        List<LoggedEvent> events = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            String where = file + ":" + (i + 1) + ": ";
            ObjectNode line = parseLine(lines.get(i), where);
            Instant time = time(line, where);
            if (line.has("greeting")) {
                if (!(line.get("greeting") instanceof ObjectNode g) || !g.path("QMP").isObject()) {
                    throw new IllegalArgumentException(where + "the greeting is not {\"QMP\": {...}}");
                }
                if (r.greeting == null) { // a mux restarted on the same log writes another: the first one stands
                    r.greeting = g;
                }
            } else if (line.get("event") instanceof ObjectNode event) {
                if (!event.path("event").isTextual()) {
                    throw new IllegalArgumentException(where + "the event has no name");
                }
                events.add(new LoggedEvent(event, emitted(event), r.exchanges.size()));
            } else {
                Exchange x = exchange(line, time, where);
                if (x != null) { // null for qmp_capabilities: the fake server negotiates itself
                    r.exchanges.add(x);
                }
            }
        }
        boolean timed = r.exchanges.stream().allMatch(x -> x.sent != null);
        events.forEach(e -> r.place(e, timed));
        return r;
    }

    /**
     * Places an event among the exchanges. In a mux log, the line order alone misleads: an exchange is
     * logged when its reply came, so an event QEMU sent while a command was on its way (STOP during
     * {@code stop}) may be logged before or after that exchange, and, written by another thread, even
     * after later ones. So with times, the event goes with the first exchange not answered before QEMU
     * emitted it: before its reply when its command had been sent by then (QEMU sends such events ahead of
     * the reply), else after the reply of the exchange before it. This compares QEMU's timestamps with the
     * mux's clock, which assumes the mux ran on QEMU's host. Without times, the line order decides.
     */
    private void place(LoggedEvent e, boolean timed) {
        int next = e.position;
        if (timed && e.emitted != null) {
            next = firstAnsweredAtOrAfter(e.emitted);
            if (next < exchanges.size() && !exchanges.get(next).sent.isAfter(e.emitted)) {
                exchanges.get(next).before.add(e.event);
                return;
            }
        }
        (next == 0 ? initialEvents : exchanges.get(next - 1).after).add(e.event);
    }

    /** @return the index of the first exchange logged at or after {@code t} (the log's times only grow) */
    private int firstAnsweredAtOrAfter(Instant t) {
        int lo = 0;
        int hi = exchanges.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (exchanges.get(mid).logged.isBefore(t)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static ObjectNode parseLine(String text, String where) {
        JsonNode json;
        try {
            json = JsonCodec.parse(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(where + "not JSON: " + e.getOriginalMessage());
        }
        if (!(json instanceof ObjectNode line)) {
            throw new IllegalArgumentException(where + "expected a JSON object, got " + json.getNodeType());
        }
        return line;
    }

    /** @return when QEMU emitted the event, or null when it could not tell (QEMU writes -1) */
    private static Instant emitted(ObjectNode event) {
        JsonNode ts = event.path("timestamp");
        long seconds = ts.path("seconds").asLong(-1);
        long micros = ts.path("microseconds").asLong(-1);
        return seconds < 0 || micros < 0 ? null : Instant.ofEpochSecond(seconds, micros * 1000);
    }

    /** @return the line's {@code time}, or null when it has none (transcripts) */
    private static Instant time(ObjectNode line, String where) {
        JsonNode t = line.get("time");
        if (t == null) {
            return null;
        }
        try {
            return Instant.parse(t.asText());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(where + "\"time\" is not an ISO-8601 instant: " + t);
        }
    }

    /**
     * A mux line {@code {"command": {...}, "reply": {...}, "ms": ...}} or a transcript line, the command's
     * members and the reply's in one object: {@code {"execute": ..., "arguments": ..., "return": ...}}.
     *
     * @return the exchange, or null for {@code qmp_capabilities}
     */
    private static Exchange exchange(ObjectNode line, Instant time, String where) {
        boolean mux = line.has("command");
        JsonNode command = mux ? line.get("command") : line;
        JsonNode reply = mux ? line.get("reply") : line;
        JsonNode name = command.has("exec-oob") ? command.get("exec-oob") : command.get("execute");
        if (name == null || !name.isTextual()) {
            throw new IllegalArgumentException(where + "not a greeting, event or exchange (a command with "
                    + "\"execute\" and its reply)");
        }
        JsonNode args = command.get("arguments");
        if (args != null && !args.isObject()) {
            throw new IllegalArgumentException(where + "\"arguments\" is not an object");
        }
        if (reply == null || !(reply.has("return") || reply.get("error") instanceof ObjectNode)) {
            throw new IllegalArgumentException(where + "the exchange has no reply (\"return\" or \"error\")");
        }
        if (name.textValue().equals("qmp_capabilities")) {
            return null;
        }
        ObjectNode body = JsonCodec.object();
        if (reply.has("return")) {
            body.set("return", reply.get("return"));
        } else {
            body.set("error", reply.get("error"));
        }
        Instant sent = null;
        if (mux && time != null && line.path("ms").isNumber()) {
            sent = time.minusNanos(Math.round(line.get("ms").asDouble() * 1e6));
        }
        return new Exchange(name.textValue(), args == null ? JsonCodec.object() : (ObjectNode) args, body, sent,
                time);
    }

    /** @return the recorded greeting, or null when the recording has none */
    ObjectNode greeting() {
        return greeting;
    }

    /** @return the events logged before the first exchange, the first time only */
    synchronized List<ObjectNode> takeInitialEvents() {
        if (initialEventsTaken) {
            return List.of();
        }
        initialEventsTaken = true;
        return List.copyOf(initialEvents);
    }

    /**
     * @param name the client's command
     * @param arguments its arguments (empty when none)
     * @return the first unused recorded exchange that matches, with its events; when every match has been
     *     used, the last match's reply again without events; null when nothing matches
     */
    synchronized Answer answer(String name, ObjectNode arguments) {
        Exchange last = null;
        for (Exchange x : exchanges) {
            if (x.name.equals(name) && matches(x.arguments, arguments)) {
                if (!x.used) {
                    x.used = true;
                    return new Answer(List.copyOf(x.before), x.reply.deepCopy(), List.copyOf(x.after));
                }
                last = x;
            }
        }
        return last == null ? null : new Answer(List.of(), last.reply.deepCopy(), List.of());
    }

    /** Equal JSON, except that a redacted recorded value matches anything and numbers compare by value. */
    static boolean matches(JsonNode recorded, JsonNode actual) {
        if (recorded.isTextual() && recorded.textValue().equals(Redaction.HIDDEN)) {
            return true;
        }
        if (recorded.isNumber() && actual.isNumber()) {
            return recorded.decimalValue().compareTo(actual.decimalValue()) == 0;
        }
        if (recorded.isObject() && actual.isObject()) {
            if (recorded.size() != actual.size()) {
                return false;
            }
            for (Map.Entry<String, JsonNode> e : recorded.properties()) {
                JsonNode other = actual.get(e.getKey());
                if (other == null || !matches(e.getValue(), other)) {
                    return false;
                }
            }
            return true;
        }
        if (recorded.isArray() && actual.isArray()) {
            if (recorded.size() != actual.size()) {
                return false;
            }
            for (int i = 0; i < recorded.size(); i++) {
                if (!matches(recorded.get(i), actual.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return recorded.equals(actual);
    }
}
