package org.qmp4j.cli.shell;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntSupplier;
import org.qmp4j.QmpClient;
import org.qmp4j.QmpCommandException;
import org.qmp4j.QmpException;
import org.qmp4j.QmpRequest;
import org.qmp4j.QmpTimeoutException;
import org.qmp4j.cli.Arguments;
import org.qmp4j.cli.Json;
import org.qmp4j.cli.OperationWait;
import org.qmp4j.cli.SchemaHelp;
import org.qmp4j.cli.Suggest;
import org.qmp4j.cli.ToolFailure;
import org.qmp4j.cli.UsageException;
import org.qmp4j.cli.Values;
import org.qmp4j.internal.framing.JsonCodec;
import org.qmp4j.internal.session.Await;
import org.qmp4j.internal.session.Redaction;

/**
 * What qmp-shell does with one line, independent of the terminal: parse, check against the schema,
 * send, print. Holds the transaction and HMP state. One thread uses it (the shell's loop);
 * {@link #cancel()} may come from a signal handler.
 */
final class ShellSession implements AutoCloseable {
    static final String FORMAT = "command format: <command-name> [arg-name1=arg1] ... [arg-nameN=argN]";

    /** How a line ended. */
    enum Outcome {
        /** Nothing went wrong (or nothing was sent). */
        OK,
        /** QEMU answered with an error, or the line could not be parsed. */
        ERROR
    }

    private final QmpClient qmp;
    private final Commands commands;
    private final PrintStream out;
    private final PrintStream err;
    private final boolean hmp;
    private final boolean pretty;
    private final boolean verbose;
    private final Writer log;
    private final Duration timeout;
    private List<ObjectNode> transaction; // null outside transaction mode
    private int cpu;
    private volatile CompletableFuture<JsonNode> running;
    private volatile boolean quitSent;
    private IntSupplier columns = () -> 0;

    ShellSession(QmpClient qmp, Commands commands, PrintStream out, PrintStream err, boolean hmp, boolean pretty,
            boolean verbose, Path logFile, Duration timeout) throws IOException {
        this.qmp = qmp;
        this.commands = commands;
        this.out = out;
        this.err = err;
        this.hmp = hmp;
        this.pretty = pretty;
        this.verbose = verbose;
        this.timeout = timeout;
        this.log = logFile == null ? null : Files.newBufferedWriter(logFile, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    String prompt() {
        return transaction != null ? "TRANS> " : "(QEMU) ";
    }

    boolean inTransaction() {
        return transaction != null;
    }

    Commands commands() {
        return commands;
    }

    boolean hmp() {
        return hmp;
    }

    /** @return true once {@code quit} (or HMP's {@code quit}/{@code q}) was sent: a disconnect is then expected */
    boolean quitSent() {
        return quitSent;
    }

    /** @param width the terminal's width, for wait's progress bar (which must not open a terminal of its own) */
    void columns(IntSupplier width) {
        columns = width;
    }

    /** Stops waiting for the running command (Ctrl-C). QEMU may still carry it out. */
    void cancel() {
        CompletableFuture<JsonNode> f = running;
        if (f != null) {
            f.cancel(false);
        }
    }

    Outcome handle(String line) {
        String trimmed = line.strip();
        if (trimmed.isEmpty()) {
            return Outcome.OK;
        }
        try {
            return hmp ? hmp(trimmed) : qmp(trimmed);
        } catch (UsageException e) {
            err.println("Error while parsing command line: " + e.getMessage());
            err.println(FORMAT);
            return Outcome.ERROR;
        } catch (ToolFailure e) {
            err.println(e.getMessage());
            return Outcome.ERROR;
        }
    }

    private Outcome qmp(String line) {
        if (line.startsWith("{") && transaction == null) {
            JsonNode raw = Json.parseLenient(line);
            if (!(raw instanceof ObjectNode msg)) {
                throw new UsageException("not a JSON object: " + line);
            }
            boolean oob = msg.has("exec-oob");
            JsonNode name = oob ? msg.get("exec-oob") : msg.get("execute");
            if (name == null || !name.isTextual()) {
                throw new UsageException("a raw JSON command needs \"execute\" (or \"exec-oob\")");
            }
            ObjectNode args = msg.get("arguments") instanceof ObjectNode a ? a : null;
            return send(name.asText(), args, oob);
        }
        List<Words.Word> words = Words.split(line);
        String first = words.get(0).text();
        if (transaction != null) {
            boolean close = words.get(words.size() - 1).text().equals(")");
            List<Words.Word> action = close ? words.subList(0, words.size() - 1) : words;
            if (!action.isEmpty()) {
                transaction.add(action(action));
            }
            return close ? commitTransaction() : Outcome.OK;
        }
        if (first.equals("transaction(")) {
            transaction = new ArrayList<>();
            List<Words.Word> rest = words.subList(1, words.size());
            boolean close = !rest.isEmpty() && rest.get(rest.size() - 1).text().equals(")");
            List<Words.Word> action = close ? rest.subList(0, rest.size() - 1) : rest;
            if (!action.isEmpty()) {
                transaction.add(action(action));
            }
            return close ? commitTransaction() : Outcome.OK;
        }
        if (first.equals("help") && !commands.has("help")) {
            if (words.size() > 1) {
                SchemaHelp.command(commands.schema(), words.get(1).text(), out);
            } else {
                SchemaHelp.columns(commands.names(), out);
            }
            return Outcome.OK;
        }
        if (first.equals("wait") && !commands.has("wait")) {
            return waitFor(words);
        }
        return send(first, arguments(first, words.subList(1, words.size())), false);
    }

    private ObjectNode arguments(String command, List<Words.Word> pairs) {
        if (commands.known() && !commands.has(command)) {
            throw new UsageException("QEMU has no command '" + command + "'" + Suggest.didYouMean(commands.names(), command)
                    + " (try help)");
        }
        Arguments args = new Arguments(commands.schema(), command);
        for (Words.Word w : pairs) {
            addPair(args, w);
        }
        return args.build();
    }

    /** {@code wait SECONDS COMMAND key=value...}: the command, then what it started, followed to its end. */
    private Outcome waitFor(List<Words.Word> words) {
        if (words.size() < 3) {
            throw new UsageException("wait SECONDS COMMAND [key=value]...: follows " + OperationWait.WHAT);
        }
        Duration bound = Values.positiveSeconds(words.get(1).text(), "wait");
        String command = words.get(2).text();
        ObjectNode args = arguments(command, words.subList(3, words.size()));
        OperationWait.Outcome o = OperationWait.run(qmp, command, Arguments.asMap(args), bound, err,
                columns.getAsInt());
        out.println(Json.format(o.toJson(), pretty));
        out.flush();
        return Outcome.OK;
    }

    private static void addPair(Arguments args, Words.Word w) {
        int eq = w.text().indexOf('=');
        if (eq < 0) {
            throw new UsageException("expected a key=value pair, got '" + w.text() + "'");
        }
        args.add(w.text().substring(0, eq), w.text().substring(eq + 1), w.quoted());
    }

    private ObjectNode action(List<Words.Word> words) {
        String type = words.get(0).text();
        String dataType = commands.actionDataType(type);
        if (commands.schema() != null && commands.actionTypes().size() > 0 && !commands.actionTypes().contains(type)) {
            throw new UsageException("no transaction action '" + type + "' (actions: "
                    + String.join(", ", commands.actionTypes()) + ")");
        }
        Arguments data = Arguments.ofType(commands.schema(), type, dataType);
        for (Words.Word w : words.subList(1, words.size())) {
            addPair(data, w);
        }
        ObjectNode a = JsonCodec.object();
        a.put("type", type);
        a.set("data", data.build());
        return a;
    }

    private Outcome commitTransaction() {
        ObjectNode args = JsonCodec.object();
        ArrayNode actions = args.putArray("actions");
        transaction.forEach(actions::add);
        transaction = null;
        return send("transaction", args, false);
    }

    private Outcome hmp(String line) {
        if (line.startsWith("cpu ") || line.equals("cpu")) {
            String n = line.substring(3).strip();
            int index;
            try {
                index = Integer.parseInt(n);
            } catch (NumberFormatException e) {
                err.println("cpu command takes an integer argument");
                return Outcome.ERROR;
            }
            try {
                qmp.execute("human-monitor-command", Map.of("command-line", "info version", "cpu-index", index), timeout);
            } catch (QmpCommandException e) {
                err.println("bad CPU index");
                return Outcome.ERROR;
            }
            cpu = index;
            return Outcome.OK;
        }
        ObjectNode args = JsonCodec.object();
        args.put("command-line", line);
        args.put("cpu-index", cpu);
        JsonNode reply = exchange("human-monitor-command", args, false);
        if (reply.has("error")) {
            JsonNode e = reply.get("error");
            err.println(e.path("class").asText() + ": " + e.path("desc").asText());
            return Outcome.ERROR;
        }
        String text = reply.path("return").asText();
        out.print(text.replace("\r\n", "\n"));
        out.flush();
        return Outcome.OK;
    }

    private Outcome send(String command, ObjectNode args, boolean oob) {
        JsonNode reply = exchange(command, args, oob);
        out.println(Json.format(reply, pretty));
        out.flush();
        return reply.has("error") ? Outcome.ERROR : Outcome.OK;
    }

    /** Sends, waits (Ctrl-C stops waiting), and returns the reply as {"return": ...} or {"error": ...}. */
    private JsonNode exchange(String command, ObjectNode args, boolean oob) {
        String hmpLine = args == null ? "" : args.path("command-line").asText("").strip();
        quitSent |= command.equals("quit") || hmpLine.equals("quit") || hmpLine.equals("q");
        ObjectNode request = JsonCodec.object();
        request.put(oob ? "exec-oob" : "execute", command);
        if (args != null) {
            request.set("arguments", args);
        }
        if (verbose) {
            out.println(Json.format(request, pretty));
        }
        QmpRequest r = QmpRequest.of(command, args == null ? null : Arguments.asMap(args)).timeout(timeout);
        CompletableFuture<JsonNode> f = qmp.executeAsync(oob ? r.oob() : r); // --timeout holds out of band too
        running = f;
        ObjectNode reply = JsonCodec.object();
        try {
            // The request's own deadline fails f; the extra second only guards the wait itself.
            reply.set("return", Await.until(f, Await.deadline(timeout.plusSeconds(1)), command, () -> {
                f.cancel(true);
                throw new QmpTimeoutException(QmpTimeoutException.Phase.COMMAND, timeout, command);
            }));
        } catch (QmpCommandException c) {
            reply.putObject("error").put("class", c.errorClass()).put("desc", c.description());
        } catch (CancellationException e) {
            throw new QmpException("cancelled; QEMU may still carry out " + command);
        } finally {
            running = null;
        }
        if (log != null) {
            ObjectNode entry = request.deepCopy();
            entry.setAll(reply);
            try {
                log.write(Json.format(Redaction.forLog(entry), false) + "\n"); // no secrets in transcripts
                log.flush();
            } catch (IOException e) {
                err.println("cannot write the log: " + e.getMessage());
            }
        }
        return reply;
    }

    @Override
    public void close() throws IOException {
        if (log != null) {
            log.close();
        }
    }
}
