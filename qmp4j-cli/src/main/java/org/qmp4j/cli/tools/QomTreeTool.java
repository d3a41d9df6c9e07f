package org.qmp4j.cli.tools;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import org.qmp4j.QmpCommandException;
import org.qmp4j.cli.ExitCode;
import org.qmp4j.cli.Invocation;
import org.qmp4j.cli.Json;
import org.qmp4j.cli.Tool;
import org.qmp4j.cli.UsageException;
import org.qmp4j.internal.framing.JsonCodec;
import org.qmp4j.qom.Qom;

/** {@code qom-tree [PATH]}: print a QOM subtree with every property value. */
public final class QomTreeTool extends Tool {
    @Override
    public String name() {
        return "qom-tree";
    }

    @Override
    public String synopsis() {
        return "[-s ADDR] [--bulk|--no-bulk] [PATH]";
    }

    @Override
    public String description() {
        return "Print the QOM tree below PATH (default /): each object's path, then '  name: value (type)' for "
                + "each property, with errors inline as '<EXCEPTION: ...>', then its children. Uses qom-list-get "
                + "(one command per tree level) when QEMU has it (10.1+), else pipelined qom-list/qom-get.";
    }

    @Override
    public void addOptions(org.apache.commons.cli.Options options) {
        options.addOption(option(null, "bulk", null, "require qom-list-get"));
        options.addOption(option(null, "no-bulk", null, "use qom-list/qom-get even when qom-list-get exists"));
    }

    @Override
    public int run(Invocation in) {
        if (in.args().size() > 1) {
            throw new UsageException("expected at most one PATH");
        }
        String root = in.args().isEmpty() ? "/" : in.args().get(0);
        Qom qom = new Qom(in.client());
        Qom.Node tree;
        try {
            boolean bulk = in.line().hasOption("bulk") || (!in.line().hasOption("no-bulk") && qom.hasBulkRead());
            tree = bulk ? qom.bulkTree(root) : qom.pipelinedTree(root);
        } catch (QmpCommandException e) {
            throw QomErrors.of(e, root, null);
        }
        if (in.json()) {
            in.printJson(toJson(tree), false);
        } else {
            print(tree, in.out());
        }
        return ExitCode.OK;
    }

    private static void print(Qom.Node node, PrintStream out) {
        out.println(node.path());
        for (Qom.Value v : node.properties()) {
            String value = v.error() != null ? "<EXCEPTION: " + v.error() + ">" : Json.scalar(v.value());
            out.println("  " + v.name() + ": " + value + " (" + v.type() + ")");
        }
        out.println();
        for (Qom.Node child : node.children()) {
            print(child, out);
        }
    }

    private static ObjectNode toJson(Qom.Node node) {
        ObjectNode o = JsonCodec.object();
        o.put("path", node.path());
        ArrayNode props = o.putArray("properties");
        for (Qom.Value v : node.properties()) {
            ObjectNode p = props.addObject().put("name", v.name()).put("type", v.type());
            if (v.error() != null) {
                p.put("error", v.error());
            } else {
                p.set("value", v.value());
            }
        }
        ArrayNode kids = o.putArray("children");
        node.children().forEach(c -> kids.add(toJson(c)));
        return o;
    }
}
