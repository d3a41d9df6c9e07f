package org.qmp4j.codegen.qapi;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A schema as QEMU's {@code query-qmp-schema} would show it (the {@code SchemaInfo} list of QEMU's
 * {@code qapi/introspect.json}), but with the real type names where QEMU shows numbers. What QEMU's
 * introspection does to a schema is done here too: a struct's members include its base's, a union's
 * members are its base's with its branches as {@code variants}, the sized integer types are all {@code int},
 * inline arguments become an object type of their own, and commands and events without data or return
 * value use the empty object {@code q_empty}. Every {@code 'if'} is taken as true: which conditions hold
 * is known only to a build of QEMU.
 *
 * <p>qmp4j-core's {@code QmpSchema} reads the result, so a generated API can compare itself with a live
 * QEMU ({@code SchemaDrift}).
 */
public final class Introspection {

    private static final String EMPTY = "q_empty";

    /** The built-in types introspection shows, by name, with their JSON types (every integer type is "int"). */
    private static final Map<String, String> BUILTINS = new LinkedHashMap<>();

    static {
        BUILTINS.put("str", "string");
        BUILTINS.put("number", "number");
        BUILTINS.put("int", "int");
        BUILTINS.put("bool", "boolean");
        BUILTINS.put("null", "null");
        BUILTINS.put("any", "value");
    }

    private final QapiSchema schema;
    private final JsonGenerator out;
    private final Map<String, String> arrays = new LinkedHashMap<>();

    private Introspection(QapiSchema schema, JsonGenerator out) {
        this.schema = schema;
        this.out = out;
    }

    /**
     * @param schema a parsed schema
     * @return its {@code SchemaInfo} list as compact JSON text
     */
    public static String json(QapiSchema schema) {
        StringWriter text = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(text)) {
            new Introspection(schema, g).write();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return text.toString();
    }

    private void write() throws IOException {
        out.writeStartArray();
        for (Map.Entry<String, String> b : BUILTINS.entrySet()) {
            entity(b.getKey(), "builtin");
            out.writeStringField("json-type", b.getValue());
            out.writeEndObject();
        }
        entity("QType", "enum");
        values(List.of("none", "qnull", "qnum", "qstring", "qdict", "qlist", "qbool"));
        out.writeEndObject();
        object(EMPTY, List.of());
        for (Definition d : schema.definitions()) {
            if (d instanceof EnumDef e) {
                entity(e.name(), "enum");
                values(e.valueNames());
                out.writeEndObject();
            } else if (d instanceof StructDef s) {
                object(s.name(), schema.allMembers(s));
            } else if (d instanceof UnionDef u) {
                union(u);
            } else if (d instanceof AlternateDef a) {
                entity(a.name(), "alternate");
                out.writeArrayFieldStart("members");
                for (Branch b : a.alternatives()) {
                    out.writeStartObject();
                    out.writeStringField("type", ref(b.type()));
                    out.writeEndObject();
                }
                out.writeEndArray();
                out.writeEndObject();
            } else if (d instanceof CommandDef c) {
                String args = data(c.name(), c.data());
                entity(c.name(), "command");
                out.writeStringField("arg-type", args);
                out.writeStringField("ret-type", c.returns() == null ? EMPTY : ref(c.returns()));
                out.writeBooleanField("allow-oob", c.allowOob());
                out.writeEndObject();
            } else if (d instanceof EventDef e) {
                String args = data(e.name(), e.data());
                entity(e.name(), "event");
                out.writeStringField("arg-type", args);
                out.writeEndObject();
            }
        }
        for (Map.Entry<String, String> a : arrays.entrySet()) {
            entity(a.getKey(), "array");
            out.writeStringField("element-type", a.getValue());
            out.writeEndObject();
        }
        out.writeEndArray();
    }

    /** A command's or event's argument type; inline members get an object type of their own. */
    private String data(String owner, Data data) throws IOException {
        if (data instanceof Data.Ref ref) {
            return ref.type();
        }
        List<Member> members = ((Data.Inline) data).members();
        if (members.isEmpty()) {
            return EMPTY;
        }
        String name = "q_obj_" + owner + "-arg";
        object(name, members);
        return name;
    }

    private void union(UnionDef u) throws IOException {
        entity(u.name(), "object");
        members(schema.members(u.base()));
        out.writeStringField("tag", u.discriminator());
        out.writeArrayFieldStart("variants");
        for (Branch b : u.branches()) {
            out.writeStartObject();
            out.writeStringField("case", b.name());
            out.writeStringField("type", ref(b.type()));
            out.writeEndObject();
        }
        out.writeEndArray();
        out.writeEndObject();
    }

    private void object(String name, List<Member> members) throws IOException {
        entity(name, "object");
        members(members);
        out.writeEndObject();
    }

    private void members(List<Member> members) throws IOException {
        out.writeArrayFieldStart("members");
        for (Member m : members) {
            out.writeStartObject();
            out.writeStringField("name", m.name());
            out.writeStringField("type", ref(m.type()));
            if (m.optional()) {
                out.writeNullField("default"); // QEMU's mark of an optional member
            }
            out.writeEndObject();
        }
        out.writeEndArray();
    }

    private void values(List<String> values) throws IOException {
        out.writeArrayFieldStart("values");
        for (String v : values) {
            out.writeString(v);
        }
        out.writeEndArray();
    }

    private void entity(String name, String metaType) throws IOException {
        out.writeStartObject();
        out.writeStringField("name", name);
        out.writeStringField("meta-type", metaType);
    }

    /** A type's introspection name; arrays are collected and written at the end. */
    private String ref(TypeRef type) {
        if (type instanceof TypeRef.ArrayOf a) {
            String element = ref(a.element());
            String name = "[" + element + "]";
            arrays.putIfAbsent(name, element);
            return name;
        }
        String name = ((TypeRef.Named) type).name();
        // the sized integer types (int8 ... uint64, size) all show as "int"; QType is an enum of its own
        return BUILTINS.containsKey(name) || !QapiSchema.isBuiltin(name) || name.equals("QType") ? name : "int";
    }
}
