package org.qmp4j.cli.tools;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.qmp4j.QmpCommandException;
import org.qmp4j.cli.ExitCode;
import org.qmp4j.cli.Invocation;
import org.qmp4j.cli.Json;
import org.qmp4j.cli.Tool;
import org.qmp4j.cli.UsageException;
import org.qmp4j.qom.Qom;
import org.qmp4j.qom.QomPath;

/** {@code qom-get PATH.PROPERTY}: print one QOM property. */
public final class QomGetTool extends Tool {
    @Override
    public String name() {
        return "qom-get";
    }

    @Override
    public String synopsis() {
        return "[-s ADDR] PATH.PROPERTY";
    }

    @Override
    public String description() {
        return "Print a QOM property, e.g. qom-get /machine.type. The address is split at the last dot, "
                + "so object paths may contain dots (/machine/peripheral/pci.0.addr). Objects print one "
                + "'key: value' line per member.";
    }

    @Override
    public int run(Invocation in) {
        if (in.args().size() != 1) {
            throw new UsageException("expected exactly one PATH.PROPERTY, got " + in.args().size() + " arguments");
        }
        QomPath path = QomPath.parse(in.args().get(0));
        JsonNode value;
        try {
            value = new Qom(in.client()).get(path);
        } catch (QmpCommandException e) {
            throw QomErrors.of(e, path);
        }
        if (in.json()) {
            in.printJson(value, false);
        } else if (value.isObject()) {
            for (Map.Entry<String, JsonNode> e : value.properties()) {
                in.out().println(e.getKey() + ": " + Json.scalar(e.getValue()));
            }
        } else {
            in.out().println(Json.scalar(value));
        }
        return ExitCode.OK;
    }
}
