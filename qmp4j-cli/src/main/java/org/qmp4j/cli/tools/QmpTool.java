package org.qmp4j.cli.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.Options;
import org.qmp4j.QmpClient;
import org.qmp4j.QmpCommandException;
import org.qmp4j.cli.Arguments;
import org.qmp4j.cli.ExitCode;
import org.qmp4j.cli.Invocation;
import org.qmp4j.cli.Json;
import org.qmp4j.cli.OperationWait;
import org.qmp4j.cli.SchemaHelp;
import org.qmp4j.cli.Suggest;
import org.qmp4j.cli.Tool;
import org.qmp4j.cli.UsageException;
import org.qmp4j.cli.Values;
import org.qmp4j.schema.QmpSchema;

/** {@code qmp COMMAND [--key=value | --flag]...}: run one QMP command, as the seed's {@code qmp} tool. */
public final class QmpTool extends Tool {
    @Override
    public String name() {
        return "qmp";
    }

    @Override
    public String legacyAddressVariable() {
        return "QMP_PATH"; // the name QEMU's old qmp script read
    }

    @Override
    public String synopsis() {
        return "[-s ADDR] [--json|-p] [--wait SECONDS] COMMAND [--key=value | --flag]...";
    }

    @Override
    public String description() {
        return "Run one QMP command. Arguments are --key=value (dots nest: --a.b=1) or --flag (true); values "
                + "are typed from the server's schema, so an int argument is sent as a number. The result "
                + "prints as 'path: value' lines, or JSON with --json/-p. 'qmp help' lists the commands, "
                + "'qmp COMMAND --help' shows a command's arguments. --wait SECONDS waits for what the command "
                + "started (" + OperationWait.WHAT + "): until the job concludes, or is ready for job-complete "
                + "(prints ready), the device is deleted or the guest shut down; past SECONDS exit 4. "
                + "Address also from $QMP_PATH.";
    }

    @Override
    public boolean stopsAtFirstArgument() {
        return true;
    }

    @Override
    public void addOptions(Options options) {
        options.addOption(option("p", "pretty", null, "print the result as indented JSON"));
        options.addOption(option(null, "path", "ADDR", "the QMP socket, as the seed's qmp spelled it (same as -s)"));
        options.addOption(option(null, "wait", "SECONDS", "wait up to SECONDS for what the command started to finish"));
        options.addOption(option(null, "pass-fd", "FILE", "open FILE (read-write if allowed) and pass its descriptor "
                + "with the command, for getfd and add-fd; repeatable; unix sockets only"));
    }

    @Override
    public int run(Invocation in) {
        List<String> words = in.args();
        if (words.isEmpty()) {
            throw new UsageException("no command given (try qmp help)");
        }
        if (in.line().hasOption("path")) {
            in.address(in.line().getOptionValue("path"));
        }
        String command = words.get(0);
        QmpClient qmp = in.client();
        QmpSchema schema = loadSchema(qmp);
        if (command.equals("help")) {
            if (words.size() > 1) {
                SchemaHelp.command(schema, words.get(1), in.out());
            } else {
                SchemaHelp.commands(schema, qmp, in.out());
            }
            return ExitCode.OK;
        }
        if (words.contains("--help")) {
            SchemaHelp.command(schema, command, in.out());
            return ExitCode.OK;
        }
        if (schema != null && schema.command(command).isEmpty()) {
            throw new UsageException("QEMU has no command '" + command + "'"
                    + Suggest.didYouMean(schema.commandNames(), command) + " (try qmp help)");
        }
        Arguments args = new Arguments(schema, command);
        for (String w : words.subList(1, words.size())) {
            if (!w.startsWith("--") || w.length() == 2) {
                throw new UsageException("expected --key=value or --flag, got '" + w + "'");
            }
            int eq = w.indexOf('=');
            if (eq < 0) {
                args.put(w.substring(2), BooleanNode.TRUE);
            } else {
                args.add(w.substring(2, eq), w.substring(eq + 1), false);
            }
        }
        if (in.line().hasOption("wait")) {
            if (in.line().hasOption("pass-fd")) {
                throw new UsageException("--wait and --pass-fd do not go together");
            }
            OperationWait.Outcome o = OperationWait.run(qmp, command, Arguments.asMap(args.build()),
                    Values.positiveSeconds(in.line().getOptionValue("wait"), "--wait"), in.err(), 0);
            if (in.json()) {
                in.printJson(o.toJson(), false);
            } else {
                in.out().println(o.word());
            }
            return ExitCode.OK;
        }
        JsonNode result = execute(qmp, command, Arguments.asMap(args.build()), in.line().getOptionValues("pass-fd"));
        if (in.line().hasOption("pretty")) {
            in.printJson(result, true);
        } else if (in.json()) {
            in.printJson(result, false);
        } else {
            Json.flatten(result, in.out());
        }
        return ExitCode.OK;
    }

    /** Runs the command, with the descriptors of the --pass-fd files attached; QEMU keeps its own copies. */
    private static JsonNode execute(QmpClient qmp, String command, Map<String, ?> args, String[] files) {
        if (files == null) {
            return qmp.execute(command, args);
        }
        List<RandomAccessFile> open = new ArrayList<>();
        try {
            FileDescriptor[] fds = new FileDescriptor[files.length];
            for (int i = 0; i < files.length; i++) {
                Path f = Path.of(files[i]);
                try {
                    open.add(new RandomAccessFile(f.toFile(), Files.isWritable(f) ? "rw" : "r"));
                    fds[i] = open.get(i).getFD();
                } catch (IOException e) {
                    throw new UsageException("--pass-fd: cannot open " + f + ": " + e.getMessage());
                }
            }
            return qmp.execute(command, args, fds);
        } finally {
            for (RandomAccessFile f : open) {
                try {
                    f.close();
                } catch (IOException ignored) {
                    // QEMU has its own copy; ours only needed to live until the command was sent
                }
            }
        }
    }

    /**
     * @param qmp a client
     * @return the schema, or null when the server has no introspection
     */
    static QmpSchema loadSchema(QmpClient qmp) {
        try {
            return QmpSchema.load(qmp);
        } catch (QmpCommandException e) {
            return null;
        }
    }
}
