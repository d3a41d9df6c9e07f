package org.qmp4j.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.qmp4j.QmpCommandException;
import org.qmp4j.QmpConnectionException;
import org.qmp4j.QmpException;
import org.qmp4j.QmpTimeoutException;
import org.qmp4j.cli.shell.QmpShellTool;
import org.qmp4j.cli.tools.CompletionTool;
import org.qmp4j.cli.tools.QemuGaClientTool;
import org.qmp4j.cli.tools.GenerateTool;
import org.qmp4j.cli.tools.SchemaDiffTool;
import org.qmp4j.cli.tools.QmpEventsTool;
import org.qmp4j.cli.tools.QmpMuxTool;
import org.qmp4j.cli.tools.QmpTool;
import org.qmp4j.cli.tools.QomGetTool;
import org.qmp4j.cli.tools.QomListTool;
import org.qmp4j.cli.tools.QomSetTool;
import org.qmp4j.cli.tools.QomTreeTool;

/**
 * Entry point of every tool: {@code Main TOOL ARGS...} ({@code bin/qom-get} runs {@code Main qom-get}),
 * and the umbrella {@code qmp4j TOOL ARGS...}. The one place where exceptions become one line on
 * stderr and an exit code (see {@link ExitCode}); stack traces only with {@code --debug}.
 */
public final class Main {
    /**
     * Every tool: the one table. Constant bodies rather than lambdas or method references, and each
     * constructed only when used, so a one-shot tool loads nothing else (linking {@code QmpShellTool::new}
     * would load JLine, which one-shot tools leave off their class path).
     */
    private enum Tools {
        QMP_SHELL("qmp-shell") {
            @Override
            Tool create() {
                return new QmpShellTool();
            }
        },
        QMP("qmp") {
            @Override
            Tool create() {
                return new QmpTool();
            }
        },
        QMP_EVENTS("qmp-events") {
            @Override
            Tool create() {
                return new QmpEventsTool();
            }
        },
        QMP_MUX("qmp-mux") {
            @Override
            Tool create() {
                return new QmpMuxTool();
            }
        },
        QOM_GET("qom-get") {
            @Override
            Tool create() {
                return new QomGetTool();
            }
        },
        QOM_SET("qom-set") {
            @Override
            Tool create() {
                return new QomSetTool();
            }
        },
        QOM_LIST("qom-list") {
            @Override
            Tool create() {
                return new QomListTool();
            }
        },
        QOM_TREE("qom-tree") {
            @Override
            Tool create() {
                return new QomTreeTool();
            }
        },
        QEMU_GA_CLIENT("qemu-ga-client") {
            @Override
            Tool create() {
                return new QemuGaClientTool();
            }
        },
        GENERATE("generate") {
            @Override
            Tool create() {
                return new GenerateTool();
            }
        },
        SCHEMA_DIFF("schema-diff") {
            @Override
            Tool create() {
                return new SchemaDiffTool();
            }
        },
        COMPLETION("completion") {
            @Override
            Tool create() {
                return new CompletionTool();
            }
        };

        final String toolName;

        Tools(String toolName) {
            this.toolName = toolName;
        }

        abstract Tool create();
    }

    /** @return every tool's name, in the order of {@code qmp4j --help} */
    public static List<String> toolNames() {
        List<String> names = new ArrayList<>();
        for (Tools t : Tools.values()) {
            names.add(t.toolName);
        }
        return names;
    }

    /**
     * @param name a tool's name
     * @return a new instance of it, or null when there is no such tool
     */
    public static Tool tool(String name) {
        for (Tools t : Tools.values()) {
            if (t.toolName.equals(name)) {
                return t.create();
            }
        }
        return null;
    }

    private Main() {
    }

    /**
     * @param args the tool's name, then its arguments
     */
    public static void main(String[] args) {
        StartupTrace.mark("main");
        int code;
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help")) {
            System.out.println("usage: qmp4j TOOL [ARGS...]   (or bin/TOOL ARGS...)");
            System.out.println("tools: " + String.join(", ", toolNames()));
            System.out.println("exit codes: 0 ok, 1 QMP error or failure, 2 usage, 3 connection, 4 timeout");
            code = args.length == 0 ? ExitCode.USAGE : ExitCode.OK;
        } else {
            code = run(args[0], Arrays.copyOfRange(args, 1, args.length), System.out, System.err);
        }
        System.out.flush();
        StartupTrace.mark("exit");
        System.exit(code);
    }

    /**
     * Runs one tool in this JVM.
     *
     * @param name the tool's name
     * @param args its arguments
     * @param out standard output
     * @param err standard error
     * @return the exit code
     */
    public static int run(String name, String[] args, PrintStream out, PrintStream err) {
        Tool tool = tool(name);
        if (tool == null) {
            err.println("qmp4j: no tool named '" + name + "'" + Suggest.didYouMean(toolNames(), name)
                    + " (tools: " + String.join(", ", toolNames()) + ")");
            return ExitCode.USAGE;
        }
        return run(tool, args, out, err);
    }

    /**
     * Runs a tool in this JVM: parses its command line, handles {@code --help} and {@code --version},
     * and maps whatever it throws to one line on stderr and an exit code. Tools of other modules
     * ({@code qom-fuse}) come in here too.
     *
     * @param tool the tool
     * @param args its arguments
     * @param out standard output
     * @param err standard error
     * @return the exit code
     */
    public static int run(Tool tool, String[] args, PrintStream out, PrintStream err) {
        if (tool.usesQmpSocket()) {
            warmUp();
        }
        boolean debug = Arrays.asList(args).contains("--debug");
        if (debug) {
            System.setProperty("org.slf4j.simpleLogger.log.org.qmp4j", "debug");
        }
        Options options = options(tool);
        CommandLine line;
        try {
            line = DefaultParser.builder().get().parse(options, args, tool.stopsAtFirstArgument());
        } catch (ParseException e) {
            err.println(tool.name() + ": " + e.getMessage() + " (try " + tool.name() + " --help)");
            return ExitCode.USAGE;
        }
        if (line.hasOption("help") && !(tool.stopsAtFirstArgument() && !line.getArgList().isEmpty())) {
            help(tool, options, out);
            return ExitCode.OK;
        }
        if (line.hasOption("version")) {
            out.println(tool.name() + " (qmp4j) " + version());
            return ExitCode.OK;
        }
        StartupTrace.mark("command line parsed");
        try (Invocation in = new Invocation(tool, line, out, err)) {
            return tool.run(in);
        } catch (Exception e) {
            return report(tool.name(), e, debug, err);
        }
    }

    /**
     * Start-up: the first unix socket makes the JDK set up its SecureRandom (for socket names), and
     * the first message sets up Jackson; on a second core that overlaps with parsing the command line.
     */
    private static void warmUp() {
        Thread socket = new Thread(() -> {
            try {
                java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.UNIX).close();
            } catch (java.io.IOException | RuntimeException ignored) {
                // only a warm-up: the real connection reports any problem
            }
        }, "qmp4j-warm-up-socket");
        Thread json = new Thread(() -> org.qmp4j.internal.framing.JsonCodec.parseObject(new byte[] {'{', '}'}, 0, 2),
                "qmp4j-warm-up-json");
        for (Thread t : new Thread[] {socket, json}) {
            t.setDaemon(true);
            t.start();
        }
    }

    /**
     * Maps an exception to one line on stderr and an exit code.
     *
     * @param tool the tool's name, the line's prefix
     * @param e what went wrong
     * @param debug also print the stack trace
     * @param err where to print
     * @return the exit code
     */
    public static int report(String tool, Throwable e, boolean debug, PrintStream err) {
        int code;
        String message;
        if (e instanceof ToolFailure f) {
            code = f.exitCode();
            message = f.getMessage();
        } else if (e instanceof UsageException || e instanceof IllegalArgumentException) {
            code = ExitCode.USAGE;
            // One hint is enough: a message that already points somewhere keeps its own.
            message = e.getMessage().contains("(try ") ? e.getMessage() : e.getMessage() + " (try " + tool + " --help)";
        } else if (e instanceof QmpCommandException c) {
            code = ExitCode.FAILURE;
            message = c.description() + " (" + c.errorClass() + ")";
        } else if (e instanceof QmpTimeoutException) {
            code = ExitCode.TIMEOUT;
            message = e.getMessage();
        } else if (e instanceof QmpConnectionException) {
            code = ExitCode.CONNECTION;
            message = e.getMessage();
        } else if (e instanceof QmpException) {
            code = ExitCode.FAILURE;
            message = e.getMessage();
        } else {
            code = ExitCode.FAILURE;
            message = "internal error: " + e;
        }
        err.println(tool + ": " + message);
        if (debug) {
            e.printStackTrace(err);
        }
        return code;
    }

    /**
     * @param tool a tool
     * @return every option it accepts, including the shared ones
     */
    public static Options options(Tool tool) {
        Options o = new Options();
        tool.addOptions(o);
        if (tool.usesQmpSocket()) {
            o.addOption(Tool.option("s", "socket", "ADDR",
                    "QMP socket: /path, unix:/path, host:port, [::1]:port, tls:host:port (default: $QMP_SOCKET)"));
            o.addOption(Tool.option(null, "tls-ca", "FILE",
                    "TLS: trust only the CA(s) in this PEM file (default: the JDK's trust store); implies TLS"));
            o.addOption(Tool.option(null, "tls-cert", "FILE",
                    "TLS: client certificate (PEM), for QEMU's verify-peer=on; needs --tls-key"));
            o.addOption(Tool.option(null, "tls-key", "FILE",
                    "TLS: the client certificate's unencrypted key (PEM, PKCS#8 or PKCS#1 RSA)"));
            o.addOption(Tool.option(null, "tls-insecure", null,
                    "TLS: INSECURE, accept any server certificate and host name (tests only)"));
            o.addOption(Tool.option(null, "timeout", "SECONDS",
                    "bound on connecting and on each command (default " + tool.defaultTimeout().toSeconds() + ")"));
            o.addOption(Tool.option(null, "launch", null, "start a throwaway QEMU (paused, no disks) and use it"));
            if (!o.hasLongOption("json")) {
                o.addOption(Tool.option(null, "json", null, "print JSON, for scripts"));
            }
        }
        o.addOption(Tool.option(null, "debug", null, "show stack traces and the QMP wire log on stderr"));
        o.addOption(Tool.option("h", "help", null, "show this help"));
        o.addOption(Tool.option(null, "version", null, "print the version"));
        return o;
    }

    // Commons CLI 1.10 deprecates this formatter for org.apache.commons.cli.help, whose output has
    // another layout; the tools keep the classic one their users (and tests) read.
    @SuppressWarnings("deprecation")
    private static void help(Tool tool, Options options, PrintStream out) {
        HelpFormatter f = HelpFormatter.builder().get();
        PrintWriter w = new PrintWriter(out);
        f.printHelp(w, 100, tool.name() + " " + tool.synopsis(), tool.description(), options, 2, 2,
                "Exit codes: 0 ok, 1 QMP error or failure, 2 usage, 3 connection, 4 timeout.");
        w.flush();
    }

    /** @return the project version, from the jar's Maven metadata */
    public static String version() {
        Package p = Main.class.getPackage();
        String v = p == null ? null : p.getImplementationVersion();
        return v != null ? v : "0.1.0-SNAPSHOT";
    }
}
