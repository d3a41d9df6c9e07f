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
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import org.apache.commons.cli.Options;
import org.qmp4j.QmpTimeoutException;
import org.qmp4j.cli.ExitCode;
import org.qmp4j.cli.Invocation;
import org.qmp4j.cli.Json;
import org.qmp4j.cli.Tool;
import org.qmp4j.cli.ToolFailure;
import org.qmp4j.cli.UsageException;
import org.qmp4j.cli.Values;
import org.qmp4j.qga.GuestAgentClient;

/** {@code qemu-ga-client COMMAND [ARGS]}: the guest agent from the command line, as QEMU's tool. */
public final class QemuGaClientTool extends Tool {
    private static final List<String> COMMANDS = List.of("cat", "exec", "fsfreeze", "fstrim", "get", "halt",
            "hostname", "ifconfig", "info", "osinfo", "ping", "powerdown", "put", "reboot", "shutdown", "suspend",
            "time", "users");

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
        return "Talk to a QEMU guest agent. Commands: ping [TIMEOUT], info, cat FILE, fsfreeze status|freeze|thaw, "
                + "fstrim [MINIMUM], ifconfig, suspend disk|ram|hybrid, shutdown|powerdown, halt, reboot, "
                + "exec [--timeout S] -- CMD ARGS..., get GUEST_PATH LOCAL_PATH, put LOCAL_PATH GUEST_PATH, osinfo, "
                + "hostname, users, time. The address comes from --address or $QGA_CLIENT_ADDRESS. --wait waits "
                + "for an agent that is not up yet.";
    }

    @Override
    public boolean connects() {
        return false; // its own address option and timeouts, not QMP's
    }

    @Override
    public boolean stopsAtFirstArgument() {
        return true;
    }

    @Override
    public double defaultTimeoutSeconds() {
        return 3;
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
            throw new UsageException("no command given (commands: " + String.join(", ", COMMANDS) + ")");
        }
        String command = words.get(0);
        List<String> args = words.subList(1, words.size());
        if (!COMMANDS.contains(command)) {
            throw new UsageException("invalid command '" + command + "' (commands: " + String.join(", ", COMMANDS) + ")");
        }
        String address = in.line().getOptionValue("address", System.getenv("QGA_CLIENT_ADDRESS"));
        if (address == null || address.isBlank()) {
            throw new UsageException("address is not specified: use --address or set QGA_CLIENT_ADDRESS");
        }
        double wait = in.line().hasOption("wait") ? Values.positiveSeconds(in.line().getOptionValue("wait"), "--wait") : 0;
        Duration timeout = command.equals("ping") && !args.isEmpty()
                ? Duration.ofMillis((long) (Values.positiveSeconds(args.get(0), "ping's TIMEOUT") * 1000)) : in.timeout();
        try (GuestAgentClient ga = GuestAgentClient.builder().address(address).name(name()).commandTimeout(timeout)
                .waitForAgent(Duration.ofMillis((long) (wait * 1000))).connect()) {
            return run(ga, command, args, in, timeout);
        }
    }

    private int run(GuestAgentClient ga, String command, List<String> args, Invocation in, Duration timeout)
            throws IOException {
        PrintStream out = in.out();
        switch (command) {
            case "ping":
                try {
                    ga.ping();
                } catch (QmpTimeoutException e) {
                    throw new ToolFailure("Not responded in " + seconds(timeout) + " sec", ExitCode.TIMEOUT, e);
                }
                return ExitCode.OK;
            case "info":
                return info(ga.info(), in);
            case "cat":
                expect(args, 1, "cat FILE");
                OutputStream raw = new BufferedOutputStream(out);
                ga.files().read(args.get(0), raw, null);
                raw.flush();
                return ExitCode.OK;
            case "fsfreeze":
                expect(args, 1, "fsfreeze status|freeze|thaw");
                switch (args.get(0)) {
                    case "status" -> out.println(ga.fsfreezeStatus());
                    case "freeze" -> out.println(ga.fsfreezeFreeze() + " filesystems frozen");
                    case "thaw" -> out.println(ga.fsfreezeThaw() + " filesystems thawed");
                    default -> throw new UsageException("invalid command '" + args.get(0) + "' (fsfreeze status|freeze|thaw)");
                }
                return ExitCode.OK;
            case "fstrim":
                long minimum = args.isEmpty() ? 0 : integer(args.get(0), "fstrim's MINIMUM");
                in.printJson(ga.fstrim(minimum), false);
                return ExitCode.OK;
            case "ifconfig":
                return ifconfig(ga.networkInterfaces(), in);
            case "suspend":
                expect(args, 1, "suspend disk|ram|hybrid");
                if (!List.of("disk", "ram", "hybrid").contains(args.get(0))) {
                    throw new UsageException("invalid command '" + args.get(0) + "' (suspend disk|ram|hybrid)");
                }
                ga.suspend(args.get(0));
                return ExitCode.OK;
            case "shutdown":
            case "powerdown":
                ga.shutdown("powerdown");
                return ExitCode.OK;
            case "halt":
                ga.shutdown("halt");
                return ExitCode.OK;
            case "reboot":
                ga.shutdown("reboot");
                return ExitCode.OK;
            case "exec":
                return exec(ga, args, in);
            case "get":
                expect(args, 2, "get GUEST_PATH LOCAL_PATH");
                try (OutputStream file = Files.newOutputStream(Path.of(args.get(1)))) {
                    long n = ga.files().read(args.get(0), file, progress(in, "get " + args.get(0), -1));
                    done(in, n);
                }
                return ExitCode.OK;
            case "put":
                expect(args, 2, "put LOCAL_PATH GUEST_PATH");
                Path local = Path.of(args.get(0));
                try (InputStream file = Files.newInputStream(local)) {
                    long n = ga.files().write(file, args.get(1), progress(in, "put " + args.get(1), Files.size(local)));
                    done(in, n);
                }
                return ExitCode.OK;
            default: // osinfo, hostname, users, time
                return simple(ga, command, in);
        }
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

    private static int exec(GuestAgentClient ga, List<String> args, Invocation in) throws IOException {
        Duration limit = Duration.ofSeconds(60);
        List<String> rest = new ArrayList<>(args);
        while (!rest.isEmpty() && !rest.get(0).equals("--")) {
            if (rest.get(0).equals("--timeout") && rest.size() > 1) {
                limit = Duration.ofMillis((long) (Values.positiveSeconds(rest.get(1), "exec --timeout") * 1000));
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
            var o = org.qmp4j.internal.framing.JsonCodec.object();
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

    private static int simple(GuestAgentClient ga, String command, Invocation in) {
        PrintStream out = in.out();
        switch (command) {
            case "hostname" -> {
                String host = ga.hostname();
                if (in.json()) {
                    in.printJson(org.qmp4j.internal.framing.JsonCodec.object().put("host-name", host), false);
                } else {
                    out.println(host);
                }
            }
            case "time" -> {
                Instant t = ga.time();
                if (in.json()) {
                    in.printJson(org.qmp4j.internal.framing.JsonCodec.object().put("time", t.toString()), false);
                } else {
                    out.println(t);
                }
            }
            case "users" -> {
                JsonNode users = ga.users();
                if (in.json()) {
                    in.printJson(users, false);
                } else {
                    for (JsonNode u : users) {
                        double t = u.path("login-time").asDouble();
                        out.println(u.path("user").asText() + (u.has("domain") ? "@" + u.path("domain").asText() : "")
                                + "\t" + Instant.ofEpochMilli((long) (t * 1000)));
                    }
                }
            }
            default -> { // osinfo
                JsonNode os = ga.osinfo();
                if (in.json()) {
                    in.printJson(os, false);
                } else {
                    Json.flatten(os, out);
                }
            }
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

    private static void expect(List<String> args, int n, String usage) {
        if (args.size() != n) {
            throw new UsageException("usage: " + usage);
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
