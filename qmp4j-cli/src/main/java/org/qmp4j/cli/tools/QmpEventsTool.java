package org.qmp4j.cli.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.commons.cli.Options;
import org.qmp4j.EventSubscription;
import org.qmp4j.QmpClient;
import org.qmp4j.QmpCommandException;
import org.qmp4j.QmpEvent;
import org.qmp4j.cli.ExitCode;
import org.qmp4j.cli.Invocation;
import org.qmp4j.cli.Json;
import org.qmp4j.cli.Suggest;
import org.qmp4j.cli.Tool;
import org.qmp4j.cli.ToolFailure;
import org.qmp4j.cli.UsageException;
import org.qmp4j.cli.Values;
import org.qmp4j.internal.framing.JsonCodec;
import org.qmp4j.internal.session.Await;
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
        Duration wait = in.line().hasOption("wait") ? Values.positiveSeconds(in.line().getOptionValue("wait"), "--wait")
                : null;
        long deadline = wait == null ? 0 : Await.deadline(wait);
        // The filter runs in the client as the events arrive; the built-in all-events queue is not needed.
        Set<String> wanted = names == null ? null : Set.of(names);
        Pattern re = regex;
        try (EventSubscription events = qmp.subscribe(e -> (wanted == null || wanted.contains(e.name()))
                && (re == null || re.matcher(e.name()).find()))) {
            qmp.events().close();
            if (wanted != null) {
                checkNames(qmp, wanted);
            }
            long seen = 0;
            while (seen < count) {
                long left = wait == null ? Long.MAX_VALUE : deadline - System.nanoTime();
                if (left <= 0) {
                    if (count != Long.MAX_VALUE) {
                        throw new ToolFailure("timed out after " + in.line().getOptionValue("wait") + " s with " + seen
                                + " of " + count + " events", ExitCode.TIMEOUT, null);
                    }
                    break;
                }
                // Waits until an event, the deadline or the end of the connection (then it throws).
                QmpEvent e = events.poll(wait == null ? Duration.ofDays(1) : Duration.ofNanos(left));
                if (e != null) {
                    seen++;
                    print(e, in);
                }
            }
        }
        return ExitCode.OK;
    }

    /** An event name QEMU does not know would be waited for forever: refuse it, with the closest known name. */
    private static void checkNames(QmpClient qmp, Set<String> names) {
        QmpSchema schema;
        try {
            schema = QmpSchema.load(qmp);
        } catch (QmpCommandException noIntrospection) {
            return; // a server without query-qmp-schema: nothing to check against
        }
        List<String> known = schema.eventNames();
        for (String n : new TreeSet<>(names)) {
            if (!known.contains(n)) {
                throw new UsageException("QEMU has no event '" + n + "'" + Suggest.didYouMean(known, n)
                        + " (try qmp-events --list)");
            }
        }
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
