package org.qmp4j.cli.shell;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.commons.cli.Options;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.qmp4j.Greeting;
import org.qmp4j.QmpClient;
import org.qmp4j.QmpConnectionException;
import org.qmp4j.QmpEvent;
import org.qmp4j.QmpException;
import org.qmp4j.cli.ExitCode;
import org.qmp4j.cli.Invocation;
import org.qmp4j.cli.Json;
import org.qmp4j.cli.Main;
import org.qmp4j.cli.Tool;
import org.qmp4j.cli.UsageException;
import org.qmp4j.cli.tools.QmpEventsTool;
import org.qmp4j.internal.session.Threads;

/**
 * {@code qmp-shell}: the interactive QMP shell. On a terminal it uses JLine (history in
 * {@code ~/.qmp-shell_history}, Ctrl-R search, schema-aware Tab completion, events printed above the
 * prompt the moment they arrive); with stdin not a terminal it runs the lines it reads as a script.
 */
public final class QmpShellTool extends Tool {
    @Override
    public String name() {
        return "qmp-shell";
    }

    @Override
    public String synopsis() {
        return "[-H] [-p] [-v] [-l FILE] [-N] [--exit-on-error] [ADDR | -s ADDR | --launch]";
    }

    @Override
    public String description() {
        return "Interactive QMP shell. Type 'command key=value ...' (values: integers, true/false, JSON objects or "
                + "arrays, \"quoted strings\"; dotted keys nest: a.b=1; the schema types and checks them), or a raw "
                + "JSON object. 'transaction(' starts a transaction, ')' sends it. 'help' lists commands, "
                + "'help CMD' shows arguments. Tab completes commands, arguments and enum values. Events appear "
                + "as they arrive. Ctrl-C cancels the line (or stops waiting for a reply), Ctrl-D exits. With "
                + "stdin not a terminal, runs each line as a script.";
    }

    @Override
    public java.time.Duration defaultTimeout() {
        return java.time.Duration.ofSeconds(60);
    }

    @Override
    public void addOptions(Options options) {
        options.addOption(option("H", "hmp", null, "HMP mode: lines go to human-monitor-command ('cpu N' picks the CPU)"));
        options.addOption(option("p", "pretty", null, "print replies as indented JSON"));
        options.addOption(option("v", "verbose", null, "print each command's JSON before sending it"));
        options.addOption(option("l", "logfile", "FILE", "append every exchange (command merged with reply) as a JSON line"));
        options.addOption(option("N", "skip-negotiation", null, "no greeting, no qmp_capabilities (for a guest agent socket)"));
        options.addOption(option(null, "exit-on-error", null, "in a script, stop at the first error with a non-zero exit code"));
    }

    @Override
    public int run(Invocation in) throws IOException {
        if (in.args().size() > 1) {
            throw new UsageException("expected at most one address, got " + in.args());
        }
        if (in.args().size() == 1) {
            in.address(in.args().get(0));
        }
        boolean skip = in.line().hasOption("skip-negotiation");
        QmpClient qmp = skip ? in.clientWithoutGreeting() : in.client();
        boolean hmp = in.line().hasOption("hmp");
        Commands commands = Commands.load(qmp, hmp);
        Path log = in.line().hasOption("logfile") ? Path.of(in.line().getOptionValue("logfile")) : null;
        try (ShellSession session = new ShellSession(qmp, commands, in.out(), in.err(), hmp,
                in.line().hasOption("pretty"), in.line().hasOption("verbose"), log, in.timeout())) {
            if (System.console() != null) {
                return interactive(in, qmp, session);
            }
            return script(in, qmp, session);
        }
    }

    private int script(Invocation in, QmpClient qmp, ShellSession session) throws IOException {
        boolean exitOnError = in.line().hasOption("exit-on-error");
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = stdin.readLine()) != null) {
            try {
                if (session.handle(line) == ShellSession.Outcome.ERROR && exitOnError) {
                    return ExitCode.FAILURE;
                }
            } catch (QmpException e) {
                int code = Main.report(name(), e, false, in.err());
                if (exitOnError || !qmp.isOpen()) {
                    return code;
                }
            }
            if (!qmp.isOpen()) {
                return ExitCode.OK; // e.g. after 'quit'
            }
        }
        return ExitCode.OK;
    }

    private int interactive(Invocation in, QmpClient qmp, ShellSession session) throws IOException {
        Terminal terminal = TerminalBuilder.builder().system(true).build();
        DefaultParser parser = new DefaultParser();
        parser.setEofOnUnclosedBracket(DefaultParser.Bracket.CURLY, DefaultParser.Bracket.SQUARE); // multi-line JSON
        LineReader reader = LineReaderBuilder.builder().appName("qmp-shell").terminal(terminal)
                .completer(new ShellCompleter(session)).parser(parser)
                .variable(LineReader.HISTORY_FILE, historyFile())
                .variable(LineReader.HISTORY_SIZE, 1024)
                .variable(LineReader.HISTORY_FILE_SIZE, 1024)
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                .build();
        terminal.handle(Terminal.Signal.INT, s -> session.cancel());
        session.columns(() -> terminal.getWidth() > 0 ? terminal.getWidth() : 80); // 0 would have the bar open a terminal
        banner(in, qmp, session, terminal);
        Thread events = Threads.newThread("qmp-shell events", () -> printEvents(qmp, reader, in.err()));
        events.setDaemon(true);
        events.start();
        // A lost QEMU interrupts readLine at once, and the loop below sees the connection is gone.
        qmp.whenClosed().whenComplete((ok, lost) -> {
            try {
                terminal.raise(Terminal.Signal.INT);
            } catch (RuntimeException terminalAlreadyClosed) {
                // the shell is leaving anyway
            }
        });
        try {
            while (true) {
                String line = null;
                try {
                    line = reader.readLine(session.prompt());
                } catch (UserInterruptException e) {
                    // Ctrl-C drops the line; the events thread also raises it when the connection ends
                } catch (EndOfFileException e) {
                    terminal.writer().println();
                    return ExitCode.OK;
                }
                if (line != null && qmp.isOpen()) {
                    try {
                        session.handle(line);
                    } catch (QmpConnectionException e) {
                        return Main.report(name(), e, false, in.err());
                    } catch (QmpException e) {
                        in.err().println(name() + ": " + e.getMessage());
                    }
                }
                if (!qmp.isOpen()) {
                    if (session.quitSent()) {
                        terminal.writer().println("Disconnected");
                        return ExitCode.OK;
                    }
                    QmpException cause = qmp.closeCause();
                    return Main.report(name(), cause != null ? cause : new QmpConnectionException("connection lost"),
                            false, in.err());
                }
            }
        } finally {
            reader.getHistory().save();
            terminal.close();
        }
    }

    /** ~/.qmp-shell_history, where ~ is $HOME as in the Python shell (Java's user.home ignores $HOME). */
    private static Path historyFile() {
        String home = System.getenv("HOME");
        return Path.of(home != null && !home.isEmpty() ? home : System.getProperty("user.home"), ".qmp-shell_history");
    }

    private void banner(Invocation in, QmpClient qmp, ShellSession session, Terminal terminal) {
        var w = terminal.writer();
        w.println(session.hmp() ? "Welcome to the HMP shell!" : "Welcome to the QMP low-level shell!");
        Greeting g = qmp.greeting();
        w.println(g == null ? "Connected" : "Connected to QEMU " + g.version().major() + "." + g.version().minor()
                + "." + g.version().micro());
        if (in.launched() != null) {
            w.println("(a throwaway QEMU, pid " + in.launched().pid() + ", at " + in.launched().address()
                    + "; it is shut down when you leave)");
        }
        w.println("Type 'help' for commands; Tab completes; Ctrl-D exits.");
        w.println();
        w.flush();
    }

    /**
     * The events thread: blocks on the built-in subscription, which throws once the connection is gone.
     * While a command runs (no prompt), wait's progress bar may hold the line on stderr: the event wipes
     * it and the bar redraws below. Holding stderr's lock keeps the bar from drawing in between.
     */
    private static void printEvents(QmpClient qmp, LineReader reader, PrintStream err) {
        try {
            while (true) {
                QmpEvent e = qmp.events().poll(Duration.ofDays(1));
                if (e != null) {
                    synchronized (err) {
                        if (!reader.isReading()) {
                            err.print("\r\033[K");
                            err.flush();
                        }
                        reader.printAbove(Json.format(QmpEventsTool.toJson(e), false));
                    }
                }
            }
        } catch (QmpException ended) {
            // the connection closed; whenClosed() wakes the prompt
        }
    }
}
