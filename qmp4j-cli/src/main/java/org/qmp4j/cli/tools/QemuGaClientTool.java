package org.qmp4j.cli.tools;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import org.apache.commons.cli.Options;
import org.qmp4j.QmpTimeoutException;
import org.qmp4j.cli.ExitCode;
import org.qmp4j.cli.Invocation;
import org.qmp4j.cli.Json;
import org.qmp4j.cli.Suggest;
import org.qmp4j.cli.Tool;
import org.qmp4j.cli.ToolFailure;
import org.qmp4j.cli.UsageException;
import org.qmp4j.cli.Values;
import org.qmp4j.internal.framing.JsonCodec;
import org.qmp4j.qga.GuestAgentClient;

/** {@code qemu-ga-client COMMAND [ARGS]}: the guest agent from the command line, as QEMU's tool. */
public final class QemuGaClientTool extends Tool {
    /** What a subcommand gets: its name, the connected agent, its words, the invocation and the command timeout. */
    private record Context(String command, GuestAgentClient ga, List<String> args, Invocation in, Duration timeout) {
    }

    @FunctionalInterface
    private interface Handler {
        int run(Context c) throws IOException;
    }

    /** One subcommand: its usage (for --help and errors) and what it does. */
    private record Subcommand(String usage, Handler handler) {
    }

    /** Every subcommand, in --help order: the one list the help, the checks and the dispatch read. */
    private static final Map<String, Subcommand> COMMANDS = new LinkedHashMap<>();

    static {
        add("ping", "ping [TIMEOUT]", QemuGaClientTool::ping);
        add("info", "info", c -> info(c.ga().info(), c.in()));
        add("cat", "cat FILE", QemuGaClientTool::cat);
        add("fsfreeze", "fsfreeze status|freeze|thaw", QemuGaClientTool::fsfreeze);
        add("fstrim", "fstrim [MINIMUM]", c -> {
            long minimum = c.args().isEmpty() ? 0 : integer(c.args().get(0), "fstrim's MINIMUM");
            c.in().printJson(c.ga().fstrim(minimum), false);
            return ExitCode.OK;
        });
        add("ifconfig", "ifconfig", c -> ifconfig(c.ga().networkInterfaces(), c.in()));
        add("suspend", "suspend disk|ram|hybrid", QemuGaClientTool::suspend);
        add("shutdown", "shutdown", c -> shutdown(c, "powerdown"));
        add("powerdown", "powerdown", c -> shutdown(c, "powerdown"));
        add("halt", "halt", c -> shutdown(c, "halt"));
        add("reboot", "reboot", c -> shutdown(c, "reboot"));
        add("exec", "exec [--timeout S] -- CMD ARGS...", QemuGaClientTool::exec);
        add("get", "get GUEST_PATH LOCAL_PATH", QemuGaClientTool::get);
        add("put", "put LOCAL_PATH GUEST_PATH", QemuGaClientTool::put);
        add("osinfo", "osinfo", c -> osinfo(c.ga().osinfo(), c.in()));
        add("hostname", "hostname", c -> hostname(c.ga().hostname(), c.in()));
        add("users", "users", c -> users(c.ga().users(), c.in()));
        add("time", "time", c -> time(c.ga().time(), c.in()));
    }

    private static void add(String name, String usage, Handler handler) {
        COMMANDS.put(name, new Subcommand(usage, handler));
    }

    @Override
    public String name() {
        return "qemu-ga-client";
    }

    @Override
    public String synopsis() {
        return "[--address ADDR] [--wait S] [--json] COMMAND [ARGS]";
    }

    @Override
    public String description() {
        List<String> usages = new ArrayList<>();
        COMMANDS.values().forEach(c -> usages.add(c.usage()));
        return "Talk to a QEMU guest agent. Commands: " + String.join(", ", usages) + ". The address comes from "
                + "--address or $QGA_CLIENT_ADDRESS. --wait waits for an agent that is not up yet.";
    }

    @Override
    public boolean usesQmpSocket() {
        return false; // its own address option and timeouts, not QMP's
    }

    @Override
    public boolean stopsAtFirstArgument() {
        return true;
    }

    @Override
    public java.time.Duration defaultTimeout() {
        return java.time.Duration.ofSeconds(3);
    }

    @Override
    public void addOptions(Options options) {
        options.addOption(option("a", "address", "ADDR", "the agent's socket (default: $QGA_CLIENT_ADDRESS)"));
        options.addOption(option(null, "timeout", "SECONDS", "deadline of each agent command (default 3)"));
        options.addOption(option(null, "wait", "SECONDS", "keep trying until the agent answers (a booting guest)"));
        options.addOption(option(null, "json", null, "print the agent's JSON replies"));
    }

    @Override
    public int run(Invocation in) throws IOException {
        List<String> words = in.args();
        if (words.isEmpty()) {
            throw new UsageException("no command given (commands: " + String.join(", ", COMMANDS.keySet()) + ")");
        }
        String command = words.get(0);
        List<String> args = words.subList(1, words.size());
        Subcommand sub = COMMANDS.get(command);
        if (sub == null) {
            throw new UsageException("invalid command '" + command + "'" + Suggest.didYouMean(COMMANDS.keySet(), command)
                    + " (commands: " + String.join(", ", COMMANDS.keySet()) + ")");
        }
        String address = in.line().getOptionValue("address", System.getenv("QGA_CLIENT_ADDRESS"));
        if (address == null || address.isBlank()) {
            throw new UsageException("address is not specified: use --address or set QGA_CLIENT_ADDRESS");
        }
        Duration wait = in.line().hasOption("wait") ? Values.positiveSeconds(in.line().getOptionValue("wait"), "--wait")
                : Duration.ZERO;
        Duration timeout = command.equals("ping") && !args.isEmpty()
                ? Values.positiveSeconds(args.get(0), "ping's TIMEOUT") : in.timeout();
        // The client keeps its default name ("qga ADDRESS"): Main already prefixes every error with the tool's.
        try (GuestAgentClient ga = GuestAgentClient.builder().address(address).commandTimeout(timeout)
                .waitForAgent(wait).connect()) {
            return sub.handler().run(new Context(command, ga, args, in, timeout));
        }
    }

    private static int ping(Context c) {
        try {
            c.ga().ping();
        } catch (QmpTimeoutException e) {
            throw new ToolFailure("Not responded in " + seconds(c.timeout()) + " sec", ExitCode.TIMEOUT, e);
        }
        return ExitCode.OK;
    }

    private static int cat(Context c) throws IOException {
        expect(c, 1);
        OutputStream raw = new BufferedOutputStream(c.in().out());
        c.ga().files().read(c.args().get(0), raw, null);
        raw.flush();
        return ExitCode.OK;
    }

    private static int fsfreeze(Context c) {
        expect(c, 1);
        PrintStream out = c.in().out();
        switch (c.args().get(0)) {
            case "status" -> out.println(c.ga().fsfreezeStatus());
            case "freeze" -> out.println(c.ga().fsfreezeFreeze() + " filesystems frozen");
            case "thaw" -> out.println(c.ga().fsfreezeThaw() + " filesystems thawed");
            default -> throw new UsageException("invalid command '" + c.args().get(0) + "' (fsfreeze status|freeze|thaw)");
        }
        return ExitCode.OK;
    }

    private static int suspend(Context c) {
        expect(c, 1);
        if (!List.of("disk", "ram", "hybrid").contains(c.args().get(0))) {
            throw new UsageException("invalid command '" + c.args().get(0) + "' (suspend disk|ram|hybrid)");
        }
        c.ga().suspend(c.args().get(0));
        return ExitCode.OK;
    }

    private static int shutdown(Context c, String mode) {
        c.ga().shutdown(mode);
        return ExitCode.OK;
    }

    private static int get(Context c) throws IOException {
        expect(c, 2);
        try (OutputStream file = Files.newOutputStream(Path.of(c.args().get(1)))) {
            long n = c.ga().files().read(c.args().get(0), file, progress(c.in(), "get " + c.args().get(0), -1));
            done(c.in(), n);
        }
        return ExitCode.OK;
    }

    private static int put(Context c) throws IOException {
        expect(c, 2);
        Path local = Path.of(c.args().get(0));
        try (InputStream file = Files.newInputStream(local)) {
            long n = c.ga().files().write(file, c.args().get(1), progress(c.in(), "put " + c.args().get(1), Files.size(local)));
            done(c.in(), n);
        }
        return ExitCode.OK;
    }

    private static int info(JsonNode info, Invocation in) {
        if (in.json()) {
            in.printJson(info, false);
            return ExitCode.OK;
        }
        List<String> enabled = new ArrayList<>();
        List<String> disabled = new ArrayList<>();
        for (JsonNode c : info.path("supported_commands")) {
            (c.path("enabled").asBoolean(true) ? enabled : disabled).add(c.path("name").asText());
        }
        in.out().println("version: " + info.path("version").asText());
        in.out().println("supported_commands:");
        in.out().println("\tenabled: " + String.join(", ", enabled));
        in.out().println("\tdisabled: " + String.join(", ", disabled));
        return ExitCode.OK;
    }

    private static int ifconfig(JsonNode interfaces, Invocation in) {
        if (in.json()) {
            in.printJson(interfaces, false);
            return ExitCode.OK;
        }
        List<String> blocks = new ArrayList<>();
        for (JsonNode nic : interfaces) {
            StringBuilder b = new StringBuilder(nic.path("name").asText()).append(':');
            for (JsonNode ip : nic.path("ip-addresses")) {
                String addr = ip.path("ip-address").asText();
                int prefix = ip.path("prefix").asInt();
                if (ip.path("ip-address-type").asText().equals("ipv4")) {
                    b.append("\n\tinet ").append(addr).append("  netmask ").append(netmask(prefix));
                } else {
                    b.append("\n\tinet6 ").append(addr).append("  prefixlen ").append(prefix);
                }
            }
            String mac = nic.path("hardware-address").asText("");
            if (!mac.isEmpty() && !mac.equals("00:00:00:00:00:00")) {
                b.append("\n\tether ").append(mac);
            }
            blocks.add(b.toString());
        }
        in.out().println(String.join("\n", blocks));
        return ExitCode.OK;
    }

    static String netmask(int prefix) {
        long mask = prefix == 0 ? 0 : (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
        return (mask >> 24) + "." + ((mask >> 16) & 255) + "." + ((mask >> 8) & 255) + "." + (mask & 255);
    }

    private static int exec(Context c) throws IOException {
        GuestAgentClient ga = c.ga();
        Invocation in = c.in();
        Duration limit = Duration.ofSeconds(60);
        List<String> rest = new ArrayList<>(c.args());
        while (!rest.isEmpty() && !rest.get(0).equals("--")) {
            if (rest.get(0).equals("--timeout") && rest.size() > 1) {
                limit = Values.positiveSeconds(rest.get(1), "exec --timeout");
                rest = new ArrayList<>(rest.subList(2, rest.size()));
            } else {
                break;
            }
        }
        if (!rest.isEmpty() && rest.get(0).equals("--")) {
            rest = rest.subList(1, rest.size());
        }
        if (rest.isEmpty()) {
            throw new UsageException("exec needs a program: exec [--timeout S] -- CMD ARGS...");
        }
        org.qmp4j.qga.GuestExec.Result r = ga.exec(rest, limit);
        if (in.json()) {
            var o = JsonCodec.object();
            if (r.exitCode() != null) {
                o.put("exitcode", r.exitCode());
            }
            if (r.signal() != null) {
                o.put("signal", r.signal());
            }
            o.put("out", new String(r.stdout(), java.nio.charset.StandardCharsets.UTF_8));
            o.put("err", new String(r.stderr(), java.nio.charset.StandardCharsets.UTF_8));
            in.printJson(o, false);
        } else {
            in.out().write(r.stdout());
            in.out().flush();
            in.err().write(r.stderr());
            in.err().flush();
        }
        if (r.exitCode() != null) {
            return r.exitCode();
        }
        return 128 + (r.signal() == null ? 0 : r.signal());
    }

    private static int hostname(String host, Invocation in) {
        if (in.json()) {
            in.printJson(JsonCodec.object().put("host-name", host), false);
        } else {
            in.out().println(host);
        }
        return ExitCode.OK;
    }

    private static int time(Instant t, Invocation in) {
        if (in.json()) {
            in.printJson(JsonCodec.object().put("time", t.toString()), false);
        } else {
            in.out().println(t);
        }
        return ExitCode.OK;
    }

    private static int users(JsonNode users, Invocation in) {
        if (in.json()) {
            in.printJson(users, false);
            return ExitCode.OK;
        }
        for (JsonNode u : users) {
            double t = u.path("login-time").asDouble();
            in.out().println(u.path("user").asText() + (u.has("domain") ? "@" + u.path("domain").asText() : "")
                    + "\t" + Instant.ofEpochMilli((long) (t * 1000)));
        }
        return ExitCode.OK;
    }

    private static int osinfo(JsonNode os, Invocation in) {
        if (in.json()) {
            in.printJson(os, false);
        } else {
            Json.flatten(os, in.out());
        }
        return ExitCode.OK;
    }

    private static LongConsumer progress(Invocation in, String what, long total) {
        if (System.console() == null) {
            return null; // a bar only on a terminal
        }
        return n -> in.err().print("\r" + what + ": " + (total > 0 ? (n * 100 / Math.max(1, total)) + "% " : "")
                + (n >> 10) + " KiB");
    }

    private static void done(Invocation in, long n) {
        if (System.console() != null) {
            in.err().println("\r" + n + " bytes" + " ".repeat(20));
        }
    }

    private static void expect(Context c, int n) {
        if (c.args().size() != n) {
            throw new UsageException("usage: " + COMMANDS.get(c.command()).usage());
        }
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? Long.toString(d.toSeconds()) : Double.toString(d.toMillis() / 1000.0);
    }

    private static long integer(String text, String what) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new UsageException(what + " needs an integer, got '" + text + "'");
        }
    }
}
