package org.qmp4j.qom;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.qmp4j.QmpClient;
import org.qmp4j.QmpCommandException;
import org.qmp4j.QmpException;

/**
 * QEMU's object model (QOM) over QMP: list, get, set, and whole trees. A tree is read with QEMU's
 * bulk {@code qom-list-get} when the server has it (QEMU 10.1+), one call per tree level; otherwise
 * with {@code qom-list} and {@code qom-get} calls pipelined per level, not one round trip per property.
 */
public final class Qom {

    /**
     * A property as {@code qom-list} describes it.
     *
     * @param name its name
     * @param type its QOM type, e.g. {@code string}, {@code child<pcie-root-port>}, {@code link<qemu:memory-region>}
     */
    public record Property(String name, String type) {
        /** @return true for {@code child<...>}: a sub-object */
        public boolean isChild() {
            return type.startsWith("child<");
        }

        /** @return true for {@code link<...>}: a reference to another object */
        public boolean isLink() {
            return type.startsWith("link<");
        }
    }

    /**
     * A property with its value, or the error reading it gave.
     *
     * @param name its name
     * @param type its QOM type
     * @param value its value, or null when reading failed
     * @param error why reading failed, or null
     */
    public record Value(String name, String type, JsonNode value, String error) {
    }

    /**
     * One object of a tree.
     *
     * @param path its path
     * @param properties its non-child properties with values
     * @param children its child objects, in the server's order
     */
    public record Node(String path, List<Value> properties, List<Node> children) {
    }

    private final QmpClient qmp;

    /** @param qmp a connected client */
    public Qom(QmpClient qmp) {
        this.qmp = qmp;
    }

    /**
     * @param path an object path
     * @return its properties, in the server's order
     * @throws QmpCommandException e.g. {@code DeviceNotFound} for a bad path
     */
    public List<Property> list(String path) {
        return properties(qmp.execute("qom-list", Map.of("path", path)));
    }

    /**
     * @param path a property address
     * @return the property's value
     * @throws QmpCommandException for a bad path or property
     */
    public JsonNode get(QomPath path) {
        return qmp.execute("qom-get", Map.of("path", path.object(), "property", path.property()));
    }

    /**
     * @param path a property address
     * @param value the new value
     * @throws QmpCommandException for a bad path, property or value
     */
    public void set(QomPath path, JsonNode value) {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("path", path.object());
        args.put("property", path.property());
        args.put("value", value);
        qmp.execute("qom-set", args);
    }

    /** @return true if the server has {@code qom-list-get} (QEMU 10.1+) */
    public boolean hasBulkRead() {
        try {
            for (JsonNode c : qmp.execute("query-commands")) {
                if ("qom-list-get".equals(c.path("name").asText())) {
                    return true;
                }
            }
            return false;
        } catch (QmpCommandException e) {
            return false;
        }
    }

    /**
     * Reads the tree below {@code path}: every object, every property value.
     *
     * @param path the root object path
     * @return the root node
     * @throws QmpCommandException when the root itself cannot be listed
     */
    public Node tree(String path) {
        return hasBulkRead() ? bulkTree(path) : pipelinedTree(path);
    }

    /**
     * Reads the tree with {@code qom-list-get}: one command per level of the tree.
     *
     * @param root the root object path
     * @return the root node
     */
    public Node bulkTree(String root) {
        Map<String, Builder> nodes = new LinkedHashMap<>();
        List<String> level = List.of(root);
        nodes.put(root, new Builder(root));
        while (!level.isEmpty()) {
            JsonNode reply = qmp.execute("qom-list-get", Map.of("paths", level));
            List<String> next = new ArrayList<>();
            for (int i = 0; i < level.size(); i++) {
                Builder b = nodes.get(level.get(i));
                for (JsonNode p : reply.path(i).path("properties")) {
                    Property prop = new Property(p.path("name").asText(), p.path("type").asText());
                    if (prop.isChild()) {
                        next.add(b.child(prop, nodes));
                    } else {
                        JsonNode v = p.get("value");
                        b.values.add(new Value(prop.name(), prop.type(), v, v == null ? "value not available" : null));
                    }
                }
            }
            level = next;
        }
        return nodes.get(root).build(nodes);
    }

    /**
     * Reads the tree with {@code qom-list} and {@code qom-get}, all calls of one level in flight at once.
     *
     * @param root the root object path
     * @return the root node
     */
    public Node pipelinedTree(String root) {
        Map<String, Builder> nodes = new LinkedHashMap<>();
        nodes.put(root, new Builder(root));
        List<String> level = List.of(root);
        boolean first = true;
        while (!level.isEmpty()) {
            List<CompletableFuture<JsonNode>> lists = new ArrayList<>();
            for (String p : level) {
                lists.add(qmp.executeAsync("qom-list", Map.of("path", p)));
            }
            List<String> next = new ArrayList<>();
            List<CompletableFuture<JsonNode>> gets = new ArrayList<>();
            List<Object[]> pending = new ArrayList<>();
            for (int i = 0; i < level.size(); i++) {
                Builder b = nodes.get(level.get(i));
                List<Property> props;
                try {
                    props = properties(lists.get(i).join());
                } catch (CompletionException e) {
                    if (first) {
                        throw unwrap(e);
                    }
                    continue; // an object that vanished between levels
                }
                for (Property prop : props) {
                    if (prop.isChild()) {
                        next.add(b.child(prop, nodes));
                    } else {
                        gets.add(qmp.executeAsync("qom-get", Map.of("path", b.path, "property", prop.name())));
                        pending.add(new Object[] {b, prop});
                    }
                }
            }
            for (int i = 0; i < gets.size(); i++) {
                Builder b = (Builder) pending.get(i)[0];
                Property prop = (Property) pending.get(i)[1];
                try {
                    b.values.add(new Value(prop.name(), prop.type(), gets.get(i).join(), null));
                } catch (CompletionException e) {
                    QmpException cause = unwrap(e);
                    if (!(cause instanceof QmpCommandException ce)) {
                        throw cause; // a lost connection or a timeout is not a property's error
                    }
                    b.values.add(new Value(prop.name(), prop.type(), null, ce.description()));
                }
            }
            level = next;
            first = false;
        }
        return nodes.get(root).build(nodes);
    }

    private static List<Property> properties(JsonNode reply) {
        List<Property> out = new ArrayList<>();
        for (JsonNode p : reply) {
            out.add(new Property(p.path("name").asText(), p.path("type").asText()));
        }
        return out;
    }

    private static QmpException unwrap(CompletionException e) {
        RuntimeException r = org.qmp4j.internal.session.Await.unchecked(e.getCause());
        return r instanceof QmpException q ? q : new QmpException(String.valueOf(r), r);
    }

    private static final class Builder {
        final String path;
        final List<Value> values = new ArrayList<>();
        final List<String> children = new ArrayList<>();

        Builder(String path) {
            this.path = path;
        }

        /** Registers a child object and returns its path. */
        String child(Property prop, Map<String, Builder> all) {
            String child = QomPath.join(path, prop.name());
            all.put(child, new Builder(child));
            children.add(child);
            return child;
        }

        Node build(Map<String, Builder> all) {
            List<Node> kids = new ArrayList<>();
            for (String c : children) {
                kids.add(all.get(c).build(all));
            }
            return new Node(path, List.copyOf(values), List.copyOf(kids));
        }
    }
}
