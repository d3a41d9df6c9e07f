package org.qmp4j.cli.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.commons.cli.Options;
import org.qmp4j.EventSubscription;
import org.qmp4j.QmpClient;
import org.qmp4j.QmpEvent;
import org.qmp4j.cli.ExitCode;
import org.qmp4j.cli.Invocation;
import org.qmp4j.cli.Json;
import org.qmp4j.cli.ToolFailure;
import org.qmp4j.cli.Tool;
import org.qmp4j.cli.UsageException;
import org.qmp4j.cli.Values;
import org.qmp4j.internal.framing.JsonCodec;
import org.qmp4j.schema.QmpSchema;

/**
 * {@code qmp-events}: print events as they arrive, or wait for matching ones and exit, like libvirt's
 * {@code qemu-monitor-event}; {@code --list} documents the events this QEMU can emit.
 */
public final class QmpEventsTool extends Tool {
    @Override
    public String name() {
        return "qmp-events";
    }

    @Override
    public String synopsis() {
        return "[-s ADDR] [--event NAME]... [--regex RE] [--count N] [--wait S] [--json] | --list";
    }

    @Override
    public String description() {
        return "Print QMP events as they arrive: 'TIMESTAMP NAME DATA', or the event's JSON with --json. "
                + "--event and --regex (on the name) select events; --count N exits 0 after N of them; "
                + "--wait S gives up after S seconds (exit 4 if --count was not reached, else exit 0). "
                + "Example: qmp-events --event SHUTDOWN --count 1 --wait 60. "
                + "--list prints every event this QEMU can emit with its data fields.";
    }

    @Override
    public void addOptions(Options options) {
        options.addOption(option("e", "event", "NAME", "only this event (repeatable)"));
        options.addOption(option("r", "regex", "RE", "only events whose name matches RE"));
        options.addOption(option("c", "count", "N", "exit after N matching events"));
        options.addOption(option("w", "wait", "SECONDS", "stop waiting after this long"));
        options.addOption(option("l", "list", null, "list the events this QEMU can emit, from its schema"));
    }

    @Override
    public int run(Invocation in) {
        if (!in.args().isEmpty()) {
            throw new UsageException("unexpected argument '" + in.args().get(0) + "'");
        }
        QmpClient qmp = in.client();
        if (in.line().hasOption("list")) {
            list(QmpSchema.load(qmp), in);
            return ExitCode.OK;
        }
        String[] names = in.line().getOptionValues("event");
        Pattern regex = null;
        if (in.line().hasOption("regex")) {
            try {
                regex = Pattern.compile(in.line().getOptionValue("regex"));
            } catch (PatternSyntaxException e) {
                throw new UsageException("bad --regex: " + e.getDescription());
            }
        }
        long count = in.line().hasOption("count") ? Values.positiveInteger(in.line().getOptionValue("count"), "--count") : Long.MAX_VALUE;
        long deadline = in.line().hasOption("wait")
                ? System.nanoTime() + (long) (Values.positiveSeconds(in.line().getOptionValue("wait"), "--wait") * 1e9)
                : Long.MAX_VALUE;
        EventSubscription events = qmp.events();
        long seen = 0;
        while (seen < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                if (count != Long.MAX_VALUE) {
                    throw new ToolFailure("timed out after " + in.line().getOptionValue("wait") + " s with " + seen
                            + " of " + count + " events", ExitCode.TIMEOUT, null);
                }
                break;
            }
            QmpEvent e = events.poll(Duration.ofNanos(Math.min(left, Duration.ofSeconds(1).toNanos())));
            if (e == null || (names != null && !List.of(names).contains(e.name()))
                    || (regex != null && !regex.matcher(e.name()).find())) {
                continue;
            }
            seen++;
            print(e, in);
        }
        return ExitCode.OK;
    }

    /**
     * @param e an event
     * @return it as QEMU sent it: {@code {"event": ..., "data": ..., "timestamp": {...}}}
     */
    public static ObjectNode toJson(QmpEvent e) {
        ObjectNode o = JsonCodec.object();
        o.put("event", e.name());
        o.set("data", e.data());
        if (e.timestamp() != null) {
            o.putObject("timestamp").put("seconds", e.timestamp().getEpochSecond())
                    .put("microseconds", e.timestamp().getNano() / 1000);
        }
        return o;
    }

    private static void print(QmpEvent e, Invocation in) {
        if (in.json()) {
            in.printJson(toJson(e), false);
        } else {
            in.out().println((e.timestamp() == null ? "-" : e.timestamp().toString()) + " " + e.name() + " "
                    + Json.format(e.data(), false));
        }
        in.out().flush();
    }

    private static void list(QmpSchema schema, Invocation in) {
        for (String name : schema.eventNames()) {
            List<QmpSchema.Member> data = schema.eventData(name);
            in.out().println(name);
            for (QmpSchema.Member m : data) {
                in.out().println("  " + m.name() + (m.optional() ? " (optional)" : "") + ": " + schema.describe(m.type()));
            }
        }
    }
}
