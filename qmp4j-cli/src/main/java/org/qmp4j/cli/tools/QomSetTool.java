package org.qmp4j.cli.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.qmp4j.QmpCommandException;
import org.qmp4j.cli.ExitCode;
import org.qmp4j.cli.Invocation;
import org.qmp4j.cli.Json;
import org.qmp4j.cli.Tool;
import org.qmp4j.cli.UsageException;
import org.qmp4j.qom.Qom;
import org.qmp4j.qom.QomPath;

/** {@code qom-set PATH.PROPERTY VALUE}: set one QOM property. */
public final class QomSetTool extends Tool {
    @Override
    public String name() {
        return "qom-set";
    }

    @Override
    public String synopsis() {
        return "[-s ADDR] PATH.PROPERTY VALUE";
    }

    @Override
    public String description() {
        return "Set a QOM property. VALUE is sent as JSON when it is valid JSON (42, true, [1,2], {\"a\":1}, "
                + "\"quoted\"), otherwise as a string. Prints nothing on success.";
    }

    @Override
    public int run(Invocation in) {
        if (in.args().size() != 2) {
            throw new UsageException("expected PATH.PROPERTY VALUE, got " + in.args().size() + " arguments");
        }
        QomPath path = QomPath.parse(in.args().get(0));
        String text = in.args().get(1);
        JsonNode parsed = Json.parseStrict(text);
        JsonNode value = parsed != null ? parsed : TextNode.valueOf(text);
        try {
            new Qom(in.client()).set(path, value);
        } catch (QmpCommandException e) {
            throw QomErrors.of(e, path);
        }
        if (in.json()) {
            in.out().println("{}");
        }
        return ExitCode.OK;
    }
}
