package org.qmp4j.cli.tools;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.qmp4j.QmpCommandException;
import org.qmp4j.cli.ExitCode;
import org.qmp4j.cli.Invocation;
import org.qmp4j.cli.Tool;
import org.qmp4j.cli.UsageException;
import org.qmp4j.internal.framing.JsonCodec;
import org.qmp4j.qom.Qom;

/** {@code qom-list PATH}: list an object's properties. */
public final class QomListTool extends Tool {
    @Override
    public String name() {
        return "qom-list";
    }

    @Override
    public String synopsis() {
        return "[-s ADDR] PATH";
    }

    @Override
    public String description() {
        return "List the properties of a QOM object: children print as 'name/', links as '@name/', "
                + "other properties as 'name'. --json prints name and type of each.";
    }

    @Override
    public int run(Invocation in) {
        if (in.args().size() != 1) {
            throw new UsageException("expected exactly one PATH, e.g. /machine");
        }
        String path = in.args().get(0);
        List<Qom.Property> props;
        try {
            props = new Qom(in.client()).list(path);
        } catch (QmpCommandException e) {
            throw QomErrors.of(e, path, null);
        }
        if (in.json()) {
            ArrayNode arr = JsonCodec.array();
            for (Qom.Property p : props) {
                ObjectNode o = arr.addObject();
                o.put("name", p.name());
                o.put("type", p.type());
            }
            in.printJson(arr, false);
            return ExitCode.OK;
        }
        for (Qom.Property p : props) {
            in.out().println(p.isChild() ? p.name() + "/" : p.isLink() ? "@" + p.name() + "/" : p.name());
        }
        return ExitCode.OK;
    }
}
