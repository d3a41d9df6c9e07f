package org.qmp4j.codegen.java;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.qmp4j.codegen.qapi.AlternateDef;
import org.qmp4j.codegen.qapi.Branch;
import org.qmp4j.codegen.qapi.CommandDef;
import org.qmp4j.codegen.qapi.Data;
import org.qmp4j.codegen.qapi.Definition;
import org.qmp4j.codegen.qapi.Doc;
import org.qmp4j.codegen.qapi.EnumDef;
import org.qmp4j.codegen.qapi.EnumValue;
import org.qmp4j.codegen.qapi.EventDef;
import org.qmp4j.codegen.qapi.Feature;
import org.qmp4j.codegen.qapi.Introspection;
import org.qmp4j.codegen.qapi.Member;
import org.qmp4j.codegen.qapi.QapiSchema;
import org.qmp4j.codegen.qapi.StructDef;
import org.qmp4j.codegen.qapi.TypeRef;
import org.qmp4j.codegen.qapi.UnionDef;

/**
 * Emits the typed Java API of a QAPI schema: the code needs only {@code qmp4j-core} (and its Jackson) to
 * compile and run. The rules, one everywhere:
 * <ul>
 * <li>enums → Java enums with one constant per value ({@link Names#constant}) and {@code UNKNOWN} for
 *     values the schema did not know. Decoding a value this schema lacks gives {@code UNKNOWN} and never
 *     fails; the raw string is not kept (a caller who needs it reads the reply as {@code JsonNode}), and
 *     {@code UNKNOWN} encodes as JSON {@code null}.</li>
 * <li>structs → records, base members first, a component per member ({@link Names#member}) with its wire
 *     name in {@code @JsonProperty}; an optional member is a nullable component, and null is never sent;
 *     unknown fields are ignored so replies of newer QEMUs decode; {@code builder()} where there are
 *     members.</li>
 * <li>built-in types: {@code str} and {@code QType} → {@code String}, every integer type → {@code Long}
 *     ({@code uint64} and {@code size} as their 64 bits: above {@code Long.MAX_VALUE} they read negative),
 *     {@code number} → {@code Double}, {@code bool} → {@code Boolean}, {@code any} and {@code null} →
 *     {@code JsonNode}, arrays → {@code List}.</li>
 * <li>flat unions → sealed interfaces (Jackson picks the branch by the discriminator) with one nested
 *     record per branch, the base's members first, and {@code Other} for discriminator values without a
 *     branch or unknown to the schema. A union with a union as a branch (QEMU 9.1 and later) →
 *     {@code JsonNode} for now: wherever one is used, the caller reads or builds the JSON.</li>
 * <li>alternates → sealed interfaces with one record per alternative holding its {@code value()}, picked by
 *     the JSON value's type.</li>
 * <li>commands → the facade {@code Qmp} over {@code QmpClient}, a method and an {@code ...Async} one each;
 *     for the guest agent {@code Qga} over {@code GuestAgentClient}, synchronous only (that client has no
 *     asynchronous calls).</li>
 * <li>events → records {@code <Name>Event} with {@code timestamp()} and the members, and a static
 *     {@code from(QmpEvent)}; {@code qmp.subscribe(StopEvent.class)} subscribes to one, typed.</li>
 * <li>{@code 'if'} conditions are ignored: everything is generated, and a live QEMU built without a
 *     feature answers its commands with an error (drift detection will tell).</li>
 * <li>the feature {@code deprecated} → {@code @Deprecated}, {@code unstable} → the generated annotation
 *     {@code @Unstable}; the schema's documentation → Javadoc.</li>
 * </ul>
 */
public final class JavaGenerator {

    /** Which facade to generate, over which client of {@code qmp4j-core}. */
    public enum Facade {
        /** {@code Qmp} over {@code org.qmp4j.QmpClient}. */
        QMP,
        /** {@code Qga} over {@code org.qmp4j.qga.GuestAgentClient}. */
        QGA;

        /** @return the facade's simple class name */
        public String className() {
            return this == QMP ? "Qmp" : "Qga";
        }

        String client() {
            return this == QMP ? "org.qmp4j.QmpClient" : "org.qmp4j.qga.GuestAgentClient";
        }

        /**
         * The facade a schema is for: the guest agent's schema is told apart by its own sync command.
         *
         * @param schema a parsed schema
         * @return {@link #QGA} when the schema has {@code guest-sync}, else {@link #QMP}
         */
        public static Facade of(QapiSchema schema) {
            return schema.lookup("guest-sync").isPresent() ? QGA : QMP;
        }
    }

    /** The package-private holder of the generated code's ObjectMapper. */
    static final String JSON_CLASS = "QapiJson";
    /** The annotation for the QAPI feature {@code unstable}. */
    static final String UNSTABLE_CLASS = "Unstable";
    /** The generated schema as QEMU's introspection shows it, for {@code Qmp.drift()}. */
    static final String INTROSPECTION_CLASS = "QapiIntrospection";

    private final QapiSchema schema;
    private final String pkg;
    private final Facade facade;
    /** Simple names the generated package defines: an import of the same simple name would clash. */
    private final Set<String> own = new HashSet<>();

    private JavaGenerator(QapiSchema schema, String pkg, Facade facade) {
        this.schema = schema;
        this.pkg = pkg;
        this.facade = facade;
    }

    /**
     * Writes the generated API's source files under {@code outDir} (in the package's directories).
     *
     * @param schema the parsed schema
     * @param packageName the generated code's package
     * @param outDir the source root to write into
     * @param facade {@code Qmp} or {@code Qga}
     * @return the files written
     */
    public static List<Path> generate(QapiSchema schema, String packageName, Path outDir, Facade facade) {
        List<Path> written = new ArrayList<>();
        try {
            for (Map.Entry<String, String> e : sources(schema, packageName, facade).entrySet()) {
                Path file = outDir.resolve(e.getKey());
                Files.createDirectories(file.getParent());
                Files.writeString(file, e.getValue());
                written.add(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return written;
    }

    /**
     * {@link #generate(QapiSchema, String, Path, Facade)} with the facade {@code Qmp}.
     *
     * @param schema the parsed schema
     * @param packageName the generated code's package
     * @param outDir the source root to write into
     * @return the files written
     */
    public static List<Path> generate(QapiSchema schema, String packageName, Path outDir) {
        return generate(schema, packageName, outDir, Facade.QMP);
    }

    /**
     * The generated sources without writing them.
     *
     * @param schema the parsed schema
     * @param packageName the generated code's package
     * @param facade {@code Qmp} or {@code Qga}
     * @return by path relative to the source root ({@code org/example/RunState.java}), the file's text
     */
    public static Map<String, String> sources(QapiSchema schema, String packageName, Facade facade) {
        return new JavaGenerator(schema, packageName, facade).run();
    }

    private Map<String, String> run() {
        own.add(facade.className());
        own.add(JSON_CLASS);
        own.add(UNSTABLE_CLASS);
        if (facade == Facade.QMP) {
            own.add(INTROSPECTION_CLASS);
        }
        for (Definition d : schema.types()) {
            if (d instanceof EnumDef || d instanceof StructDef || d instanceof AlternateDef
                    || d instanceof UnionDef u && typed(u)) {
                own.add(Names.type(d.name()));
            }
        }
        schema.commands().forEach(c -> own.add(Names.argumentsRecord(c.name())));
        schema.events().forEach(e -> own.add(Names.eventRecord(e.name())));

        Map<String, String> out = new LinkedHashMap<>();
        for (Definition d : schema.types()) {
            if (d instanceof EnumDef e) {
                put(out, Names.type(e.name()), enumSource(e));
            } else if (d instanceof StructDef s) {
                put(out, Names.type(s.name()), recordSource(Names.type(s.name()), s, schema.allMembers(s), null));
            } else if (d instanceof UnionDef u && typed(u)) {
                put(out, Names.type(u.name()), unionSource(u));
            } else if (d instanceof AlternateDef a) {
                put(out, Names.type(a.name()), alternateSource(a));
            }
            // unions with a union branch: JsonNode wherever used (see the class comment)
        }
        for (CommandDef c : schema.commands()) {
            if (c.data() instanceof Data.Inline in && !in.members().isEmpty()) {
                put(out, Names.argumentsRecord(c.name()), recordSource(Names.argumentsRecord(c.name()), c,
                        in.members(), null));
            }
        }
        for (EventDef e : schema.events()) {
            put(out, Names.eventRecord(e.name()), recordSource(Names.eventRecord(e.name()), e,
                    eventMembers(e), e.name()));
        }
        put(out, facade.className(), facadeSource());
        put(out, JSON_CLASS, jsonSource());
        put(out, UNSTABLE_CLASS, unstableSource());
        if (facade == Facade.QMP) {
            put(out, INTROSPECTION_CLASS, introspectionSource());
        }
        return out;
    }

    private void put(Map<String, String> out, String simpleName, String source) {
        String path = (pkg.isEmpty() ? "" : pkg.replace('.', '/') + "/") + simpleName + ".java";
        if (out.put(path, source) != null) {
            throw new IllegalStateException("two generated classes named " + simpleName);
        }
    }

    /** An event's members; a boxed event whose data is a union or alternate has one: {@code data}. */
    private List<Member> eventMembers(EventDef e) {
        if (boxedData(e.name())) {
            Data.Ref ref = (Data.Ref) e.data();
            return List.of(new Member("data", new TypeRef.Named(ref.type()), false, null, List.of()));
        }
        return schema.members(e.data());
    }

    /** Whether the event's data is a union or an alternate (QEMU allows that for boxed events). */
    private boolean boxedData(String event) {
        return schema.lookup(event, EventDef.class).map(EventDef::data).filter(Data.Ref.class::isInstance)
                .map(d -> schema.lookup(((Data.Ref) d).type(), StructDef.class).isEmpty()).orElse(false);
    }

    // ---------------------------------------------------------------- one file

    /** Collects a file's imports while its body is written; a simple name the package defines stays qualified. */
    private final class Source {
        private final Set<String> imports;
        /** Names of nested types in this file: they hide a package or imported type of the same name. */
        private final Set<String> nested;
        private final StringBuilder body = new StringBuilder();

        Source() {
            this(new TreeSet<>(), new HashSet<>());
        }

        Source(Set<String> imports, Set<String> nested) {
            this.imports = imports;
            this.nested = nested;
        }

        String n(String qualified) {
            String simple = qualified.substring(qualified.lastIndexOf('.') + 1);
            if (own.contains(simple) || nested.contains(simple)) {
                return qualified;
            }
            if (!qualified.startsWith("java.lang.") || qualified.indexOf('.', 10) > 0) {
                imports.add(qualified);
            }
            return simple;
        }

        Source a(Object... parts) {
            for (Object p : parts) {
                body.append(p);
            }
            return this;
        }

        String finish() {
            StringBuilder b = new StringBuilder("// Generated by qmp4j-codegen from QEMU's QAPI schema. Do not edit.\n");
            if (!pkg.isEmpty()) {
                b.append("package ").append(pkg).append(";\n\n");
            }
            for (String i : imports) {
                b.append("import ").append(i).append(";\n");
            }
            return b.append(imports.isEmpty() ? "" : "\n").append(body).toString();
        }
    }

    private String javaType(Source s, TypeRef t) {
        if (t instanceof TypeRef.ArrayOf a) {
            return s.n("java.util.List") + "<" + javaType(s, a.element()) + ">";
        }
        String name = ((TypeRef.Named) t).name();
        switch (name) {
            case "str", "QType":
                return s.n("java.lang.String");
            case "int", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "size":
                return s.n("java.lang.Long");
            case "number":
                return s.n("java.lang.Double");
            case "bool":
                return s.n("java.lang.Boolean");
            case "any", "null":
                return s.n("com.fasterxml.jackson.databind.JsonNode");
            default:
                break;
        }
        Definition d = schema.lookup(name).orElseThrow(() -> new IllegalStateException("unknown type " + name));
        if (d instanceof UnionDef u && !typed(u)) {
            return s.n("com.fasterxml.jackson.databind.JsonNode");
        }
        String simple = Names.type(name);
        return s.nested.contains(simple) && !pkg.isEmpty() ? pkg + "." + simple : simple;
    }

    private String enumSource(EnumDef e) {
        Source s = new Source();
        String name = Names.type(e.name());
        javadoc(s, "", e.doc() == null ? null : e.doc().body(),
                "<p>Decoding a value this enum does not know gives {@link #UNKNOWN}; a record keeps the string as "
                + "QEMU sent it beside ({@code statusAsString()} beside {@code status()}).");
        deprecated(s, "", e.features());
        s.a("public enum ", name, " {\n");
        for (EnumValue v : e.values()) {
            String doc = e.doc() == null ? null : e.doc().members().get(v.name());
            javadoc(s, "    ", doc, null);
            deprecated(s, "    ", v.features());
            s.a("    ", Names.constant(v.name()), "(", quote(v.name()), "),\n");
        }
        String str = s.n("java.lang.String");
        s.a("    /** A value this schema did not know (a newer QEMU's); it encodes as JSON null. */\n",
                "    UNKNOWN(null);\n\n",
                "    private static final ", s.n("java.util.Map"), "<", str, ", ", name, "> BY_WIRE = new ",
                s.n("java.util.HashMap"), "<>();\n\n",
                "    static {\n",
                "        for (", name, " v : values()) {\n",
                "            if (v.wire != null) {\n",
                "                BY_WIRE.put(v.wire, v);\n",
                "            }\n",
                "        }\n",
                "    }\n\n",
                "    private final ", str, " wire;\n\n",
                "    ", name, "(", str, " wire) {\n",
                "        this.wire = wire;\n",
                "    }\n\n",
                "    /** @return the value as QEMU writes it; null for {@link #UNKNOWN} */\n",
                "    @", s.n("com.fasterxml.jackson.annotation.JsonValue"), "\n",
                "    public ", str, " wire() {\n",
                "        return wire;\n",
                "    }\n\n",
                "    /**\n",
                "     * @param wire the value as QEMU writes it\n",
                "     * @return its constant, or {@link #UNKNOWN} for a value this schema did not know\n",
                "     */\n",
                "    @", s.n("com.fasterxml.jackson.annotation.JsonCreator"), "\n",
                "    public static ", name, " fromWire(", str, " wire) {\n",
                "        return BY_WIRE.getOrDefault(wire, UNKNOWN);\n",
                "    }\n",
                "}\n");
        return s.finish();
    }

    /**
     * A struct's, a command's arguments' or an event's record.
     *
     * @param event the event's wire name for an event's record (which adds {@code timestamp}), else null
     */
    private String recordSource(String name, Definition def, List<Member> members, String event) {
        Source s = new Source();
        // 'gen': false: QEMU checks the arguments itself and takes more than the schema lists (device_add's
        // device properties), so the record carries those too.
        boolean open = def instanceof CommandDef c && !c.gen();
        record(s, name, def.doc(), def.features(), members, event, "", open);
        return s.finish();
    }

    /**
     * Writes a record: a struct's, a command's arguments', an event's or a union branch's.
     *
     * @param event the event's wire name for an event's record (which adds {@code timestamp}), else null
     * @param implementsClause {@code implements U } for a union's branch, else empty
     */
    private void record(Source s, String name, Doc doc, List<Feature> features, List<Member> members, String event,
            String implementsClause, boolean open) {
        StringBuilder params = new StringBuilder();
        if (event != null) {
            params.append("\n@param timestamp when QEMU emitted the event");
        }
        for (Member m : members) {
            String md = doc == null ? null : doc.members().get(m.name());
            params.append("\n@param ").append(component(m, members)).append(' ')
                    .append(md == null || md.isBlank() ? "{@code " + m.name() + "}" : escape(md))
                    .append(m.optional() ? " (optional: null when absent)" : "")
                    .append(rawEnum(m, members) == null ? "" : " (as QEMU wrote it; {@link #" + Names.member(m.name())
                            + "()} gives the constant)");
        }
        String extra = open ? openComponent(members) : null;
        if (open) {
            params.append("\n@param ").append(extra).append(" more arguments by their names on the wire, which QEMU "
                    + "accepts beyond the schema's (e.g. a device's properties)");
        }
        javadoc(s, "", doc == null ? null : doc.body(), params.length() == 0 ? null : params.substring(1));
        deprecated(s, "", features);
        s.a("@", s.n("com.fasterxml.jackson.annotation.JsonIgnoreProperties"), "(ignoreUnknown = true)\n");
        String include = s.n("com.fasterxml.jackson.annotation.JsonInclude");
        s.a("@", include, "(", include, ".Include.NON_NULL)\n");
        s.a("public record ", name, "(");
        List<String> components = new ArrayList<>();
        if (event != null) {
            components.add("@" + s.n("com.fasterxml.jackson.annotation.JsonIgnore") + " "
                    + s.n("java.time.Instant") + " timestamp");
        }
        for (Member m : members) {
            StringBuilder c = new StringBuilder();
            if (m.features().stream().anyMatch(Feature::deprecated)) {
                c.append("@Deprecated ");
            }
            if (m.features().stream().anyMatch(Feature::unstable)) {
                c.append('@').append(UNSTABLE_CLASS).append(' ');
            }
            c.append(unsigned(s, m.type()));
            c.append('@').append(s.n("com.fasterxml.jackson.annotation.JsonProperty")).append('(')
                    .append(quote(m.name())).append(") ").append(componentType(s, m, members)).append(' ')
                    .append(component(m, members));
            components.add(c.toString());
        }
        if (open) {
            components.add("@" + s.n("com.fasterxml.jackson.annotation.JsonAnyGetter") + " " + s.n("java.util.Map")
                    + "<" + s.n("java.lang.String") + ", Object> " + extra);
        }
        s.a(components.isEmpty() ? "" : "\n        ", String.join(",\n        ", components), ") ",
                implementsClause, "{\n");
        for (Member m : members) {
            enumAccessor(s, m, members);
        }
        if (event != null) {
            eventStatics(s, name, event, members);
        }
        if (!members.isEmpty()) {
            builder(s, name, members, event != null, open ? extra : null);
        }
        s.a("}\n");
    }

    // ---------------------------------------------------------------- flat unions

    /**
     * Whether a union becomes a sealed interface: not when a branch is itself a union (QEMU 9.1 and later),
     * whose members this first version does not flatten; such a union stays {@code JsonNode}.
     */
    private boolean typed(UnionDef u) {
        return u.branches().stream().allMatch(b -> b.type() instanceof TypeRef.Named n
                && schema.lookup(n.name(), StructDef.class).isPresent());
    }

    /**
     * A flat union: a sealed interface with the base's members as accessors, one nested record per branch
     * (the base's members, then the branch's), and {@code Other} for discriminator values without a branch
     * or unknown to this schema, so decoding never fails on them.
     */
    private String unionSource(UnionDef u) {
        String name = Names.type(u.name());
        List<Member> base = schema.members(u.base());
        Map<String, String> records = nestedRecords(u.branches()); // discriminator value -> nested record
        String other = records.containsValue("Other") ? "Other_" : "Other";
        Source s = nestingSource(name, records, other, "Builder");
        String info = s.n("com.fasterxml.jackson.annotation.JsonTypeInfo");
        String subTypes = s.n("com.fasterxml.jackson.annotation.JsonSubTypes");
        javadoc(s, "", u.doc() == null ? null : u.doc().body(), "<p>One record per value of {@code "
                + escape(u.discriminator()) + "} with a branch; {@link " + other
                + "} for the values without one and those this schema does not know.");
        deprecated(s, "", u.features());
        s.a("@", info, "(use = ", info, ".Id.NAME, include = ", info, ".As.EXISTING_PROPERTY, property = ",
                quote(u.discriminator()), ", visible = true, defaultImpl = ", name, ".", other, ".class)\n");
        s.a("@", subTypes, "({");
        List<String> types = new ArrayList<>();
        records.forEach((value, rec) -> types.add("\n        @" + subTypes + ".Type(value = " + name + "." + rec
                + ".class, name = " + quote(value) + ")"));
        s.a(String.join(",", types), "\n})\n");
        List<String> permits = new ArrayList<>(records.values().stream().map(r -> name + "." + r).toList());
        permits.add(name + "." + other);
        s.a("public sealed interface ", name, " permits ", String.join(", ", permits), " {\n");
        for (Member m : base) {
            String md = u.doc() == null ? null : u.doc().members().get(m.name());
            s.a("\n    /** @return ", md == null || md.isBlank() ? "{@code " + m.name() + "}" : escape(md)
                    .replace("\n", " "), m.optional() ? " (null when absent)" : "", " */\n");
            s.a("    ", javaType(s, m.type()), " ", Names.member(m.name()), "();\n");
        }
        for (Branch b : u.branches()) {
            StructDef struct = schema.lookup(((TypeRef.Named) b.type()).name(), StructDef.class).orElseThrow();
            List<Member> members = new ArrayList<>(base);
            members.addAll(schema.allMembers(struct));
            nested(s, records.get(b.name()), struct.doc(), struct.features(), members, name);
        }
        nested(s, other, null, List.of(), base, name);
        s.a("}\n");
        return s.finish();
    }

    // ---------------------------------------------------------------- alternates

    /**
     * An alternate: a sealed interface with one nested record per alternative, holding the value, and a
     * deserializer that picks the alternative by the JSON value's type as QEMU does (an integral number
     * goes to an integer alternative before a {@code number} one).
     */
    private String alternateSource(AlternateDef a) {
        String name = Names.type(a.name());
        Map<String, String> records = nestedRecords(a.alternatives()); // alternative -> nested record
        Source s = nestingSource(name, records, "Decoder");
        String node = s.n("com.fasterxml.jackson.databind.JsonNode");
        String value = s.n("com.fasterxml.jackson.annotation.JsonValue");
        javadoc(s, "", a.doc() == null ? null : a.doc().body(), "<p>One record per alternative, told apart by "
                + "the JSON type of the value.");
        deprecated(s, "", a.features());
        s.a("@", s.n("com.fasterxml.jackson.databind.annotation.JsonDeserialize"), "(using = ", name,
                ".Decoder.class)\n");
        s.a("public sealed interface ", name, " permits ", String.join(", ",
                records.values().stream().map(r -> name + "." + r).toList()), " {\n",
                "    /** @return the value, of the alternative's type */\n",
                "    Object value();\n");
        List<String> checks = new ArrayList<>();
        String nullBranch = null;
        for (Branch b : a.alternatives()) {
            String type = javaType(s, b.type());
            String rec = records.get(b.name());
            String md = a.doc() == null ? null : a.doc().members().get(b.name());
            s.a("\n    /** @param value ", md == null || md.isBlank() ? "{@code " + escape(b.name()) + "}"
                    : escape(md).replace("\n", " "), " */\n",
                    "    record ", rec, "(", unsigned(s, b.type()), "@", value, " ", type, " value) implements ",
                    name, " {\n    }\n");
            String test = jsonTest(b.type());
            if (test.equals("isNull")) {
                nullBranch = rec;
            }
            String decode = unsignedName(b.type()) ? "json.bigIntegerValue().longValue()"
                    : type.equals(node) ? "json" : "context.readTreeAsValue(json, context.getTypeFactory()"
                    + ".constructType(new " + s.n("com.fasterxml.jackson.core.type.TypeReference") + "<" + type
                    + ">() { }))";
            // Qualified: inside the Decoder, StdDeserializer's member types (None) hide the records' names.
            String check = "        if (json." + test + "()) {\n            return new " + name + "." + rec + "(" + decode
                    + ");\n        }\n";
            if (test.equals("isNumber")) {
                checks.add(check); // after any integer alternative
            } else {
                checks.add(0, check);
            }
        }
        String ctx = s.n("com.fasterxml.jackson.databind.DeserializationContext");
        String io = s.n("java.io.IOException");
        s.a("\n    /** Picks the alternative by the JSON type of the value. */\n",
                "    final class Decoder extends ", s.n("com.fasterxml.jackson.databind.deser.std.StdDeserializer"),
                "<", name, "> {\n",
                "        private static final long serialVersionUID = 1L;\n\n",
                "        /** For Jackson. */\n",
                "        public Decoder() {\n            super(", name, ".class);\n        }\n\n",
                "        @Override\n",
                "        public ", name, " deserialize(", s.n("com.fasterxml.jackson.core.JsonParser"), " parser, ", ctx,
                " context) throws ", io, " {\n",
                "            return decode(parser.readValueAsTree(), context);\n",
                "        }\n");
        if (nullBranch != null) {
            s.a("\n        @Override\n",
                    "        public ", name, " getNullValue(", ctx, " context) {\n",
                    "            return new ", name, ".", nullBranch, "(", s.n("com.fasterxml.jackson.databind.node.NullNode"),
                    ".getInstance());\n",
                    "        }\n\n",
                    "        /** An absent member is null, not the JSON null alternative (Jackson's default). */\n",
                    "        @Override\n",
                    "        public Object getAbsentValue(", ctx, " context) {\n",
                    "            return null;\n",
                    "        }\n");
        }
        s.a("\n        private static ", name, " decode(", node, " json, ", ctx, " context) throws ", io, " {\n");
        for (String c : checks) {
            s.a(c.replace("\n        ", "\n            ").replaceFirst("^        ", "            "));
        }
        s.a("            throw ", s.n("com.fasterxml.jackson.databind.JsonMappingException"),
                ".from(context, \"no alternative of ", name, " for a JSON \" + json.getNodeType());\n",
                "        }\n",
                "    }\n",
                "}\n");
        return s.finish();
    }

    /** The {@code JsonNode} test for the JSON type a value of this QAPI type has. */
    private String jsonTest(TypeRef t) {
        if (t instanceof TypeRef.ArrayOf) {
            return "isArray";
        }
        String name = ((TypeRef.Named) t).name();
        return switch (name) {
            case "str", "QType" -> "isTextual";
            case "int", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "size" ->
                "isIntegralNumber";
            case "number" -> "isNumber";
            case "bool" -> "isBoolean";
            case "null" -> "isNull";
            default -> schema.lookup(name, EnumDef.class).isPresent() ? "isTextual" : "isObject";
        };
    }

    /** A branch's or alternative's nested record: the value's or alternative's name as a type name. */
    private static Map<String, String> nestedRecords(List<Branch> branches) {
        Map<String, String> records = new LinkedHashMap<>();
        branches.forEach(b -> records.put(b.name(), Names.type(b.name())));
        return records;
    }

    /** A file for the type {@code name} with these nested types, which hide others of their names. */
    private Source nestingSource(String name, Map<String, String> records, String... more) {
        Source s = new Source();
        s.nested.addAll(records.values());
        s.nested.addAll(List.of(more));
        if (s.nested.contains(name)) {
            throw new IllegalStateException(name + " would nest a type of its own name");
        }
        return s;
    }

    private void nested(Source s, String record, Doc doc, List<Feature> features, List<Member> members,
            String union) {
        Source inner = new Source(s.imports, s.nested);
        record(inner, record, doc, features, members, null, "implements " + union + " ", false);
        s.a("\n");
        for (String line : inner.body.toString().split("\n")) {
            s.a(line.isEmpty() ? "" : "    " + line, "\n");
        }
    }

    private void eventStatics(Source s, String name, String event, List<Member> members) {
        String ev = s.n("org.qmp4j.QmpEvent");
        s.a("    /** The event's name on the wire. */\n",
                "    public static final ", s.n("java.lang.String"), " NAME = ", quote(event), ";\n\n",
                "    /**\n",
                "     * @param event an event named {@link #NAME}\n",
                "     * @return its members decoded; members this schema does not know are ignored\n",
                "     */\n",
                "    public static ", name, " from(", ev, " event) {\n");
        if (!members.isEmpty()) {
            s.a("        ", s.n("com.fasterxml.jackson.databind.JsonNode"), " data = event.data();\n");
        }
        if (members.isEmpty()) {
            s.a("        return new ", name, "(event.timestamp());\n    }\n\n");
            return;
        }
        String tr = s.n("com.fasterxml.jackson.core.type.TypeReference");
        if (boxedData(event)) { // a boxed union or alternate is the whole of the event's data
            s.a("        return new ", name, "(event.timestamp(), ", JSON_CLASS, ".decode(data, new ", tr, "<",
                    javaType(s, members.get(0).type()), ">() { }));\n    }\n\n");
            return;
        }
        // The record itself from the data (its annotations apply; timestamp is not on the wire), then the time.
        s.a("        ", name, " d = ", JSON_CLASS, ".decode(data == null ? ", JSON_CLASS,
                ".MAPPER.createObjectNode() : data, new ", tr, "<", name, ">() { });\n",
                "        return new ", name, "(event.timestamp()");
        for (Member m : members) {
            s.a(", d.", component(m, members), "()");
        }
        s.a(");\n    }\n\n");
    }

    /**
     * The enum of a member that is an enum or a list of one: such a record component holds the string QEMU
     * wrote ({@code statusAsString}), and an accessor of the member's own name gives the constant, so a value
     * this schema does not know is {@code UNKNOWN} there and still readable as it was sent (the pattern of
     * the AWS SDK for Java's {@code ...AsString}). Null for other members, and where the string's name is
     * taken by another member.
     */
    private EnumDef rawEnum(Member m, List<Member> members) {
        TypeRef t = m.type() instanceof TypeRef.ArrayOf a ? a.element() : m.type();
        if (!(t instanceof TypeRef.Named n)) {
            return null;
        }
        String raw = Names.member(m.name()) + "AsString";
        if (members.stream().anyMatch(o -> Names.member(o.name()).equals(raw))) {
            return null;
        }
        return schema.lookup(n.name(), EnumDef.class).orElse(null);
    }

    /** A member's record component: its own name, or {@code ...AsString} for an enum's ({@link #rawEnum}). */
    private String component(Member m, List<Member> members) {
        return Names.member(m.name()) + (rawEnum(m, members) == null ? "" : "AsString");
    }

    private String componentType(Source s, Member m, List<Member> members) {
        if (rawEnum(m, members) == null) {
            return javaType(s, m.type());
        }
        String str = s.n("java.lang.String");
        return m.type() instanceof TypeRef.ArrayOf ? s.n("java.util.List") + "<" + str + ">" : str;
    }

    /** For an enum member kept as its string: the accessor of the member's name, giving the constant. */
    private void enumAccessor(Source s, Member m, List<Member> members) {
        EnumDef e = rawEnum(m, members);
        if (e == null) {
            return;
        }
        String type = javaType(s, m.type());
        String en = javaType(s, new TypeRef.Named(e.name()));
        String raw = component(m, members);
        s.a("\n    /**\n",
                "     * @return {@code ", escape(m.name()), "}", m.optional() ? " (null when absent)" : "",
                ", {@link ", en, "#UNKNOWN} for a value this schema does not know ({@link #", raw,
                "()} has it as sent)\n",
                "     */\n");
        deprecated(s, "    ", m.features());
        s.a("    public ", type, " ", Names.member(m.name()), "() {\n",
                "        return ", raw, " == null ? null : ", m.type() instanceof TypeRef.ArrayOf
                        ? raw + ".stream().map(" + en + "::fromWire).toList()"
                        : en + ".fromWire(" + raw + ")", ";\n",
                "    }\n");
    }

    /** The name of an open record's component for the arguments beyond the schema's. */
    private static String openComponent(List<Member> members) {
        String name = "properties";
        while (true) {
            String n = name;
            if (members.stream().noneMatch(m -> Names.member(m.name()).equals(n))) {
                return name;
            }
            name = "more" + Character.toUpperCase(name.charAt(0)) + name.substring(1);
        }
    }

    /** @param extra the component for arguments beyond the schema's ({@link #openComponent}), or null */
    private void builder(Source s, String name, List<Member> members, boolean event, String extra) {
        s.a("    /** @return a builder with every member unset (null) */\n",
                "    public static Builder builder() {\n",
                "        return new Builder();\n",
                "    }\n\n",
                "    /** Builds a {@link ", name, "}: set the members that apply, then {@link #build()}. */\n",
                "    public static final class Builder {\n");
        if (event) {
            s.a("        private ", s.n("java.time.Instant"), " timestamp;\n");
        }
        for (Member m : members) {
            s.a("        private ", componentType(s, m, members), " ", component(m, members), ";\n");
        }
        String str = s.n("java.lang.String");
        if (extra != null) {
            s.a("        private final ", s.n("java.util.Map"), "<", str, ", Object> ", extra, " = new ",
                    s.n("java.util.LinkedHashMap"), "<>();\n");
        }
        s.a("\n        private Builder() {\n        }\n");
        if (event) {
            setter(s, "timestamp", s.n("java.time.Instant"), "timestamp");
        }
        for (Member m : members) {
            EnumDef raw = rawEnum(m, members);
            if (raw == null) {
                setter(s, Names.member(m.name()), javaType(s, m.type()), m.name());
                continue;
            }
            // The constant's setter keeps the wire string; the string's setter takes any value, known or not.
            String wire = m.type() instanceof TypeRef.ArrayOf
                    ? "value == null ? null : value.stream().map(v -> v == null ? null : v.wire()).toList()"
                    : "value == null ? null : value.wire()";
            s.a("\n        /**\n",
                    "         * @param value {@code ", escape(m.name()), "}\n",
                    "         * @return this builder\n",
                    "         */\n",
                    "        public Builder ", Names.member(m.name()), "(", javaType(s, m.type()), " value) {\n",
                    "            this.", component(m, members), " = ", wire, ";\n",
                    "            return this;\n",
                    "        }\n");
            setter(s, component(m, members), componentType(s, m, members), m.name() + " (as QEMU takes it)");
        }
        List<String> args = new ArrayList<>();
        if (event) {
            args.add("timestamp");
        }
        members.forEach(m -> args.add(component(m, members)));
        if (extra != null) {
            s.a("\n        /**\n",
                    "         * An argument the schema does not list, e.g. a device's property ({@code \"drive\"}).\n",
                    "         *\n",
                    "         * @param wireName its name as QEMU takes it\n",
                    "         * @param value anything Jackson writes as JSON\n",
                    "         * @return this builder\n",
                    "         */\n",
                    "        public Builder property(", str, " wireName, Object value) {\n",
                    "            ", extra, ".put(", s.n("java.util.Objects"), ".requireNonNull(wireName, \"wireName\"), value);\n",
                    "            return this;\n",
                    "        }\n");
            args.add(s.n("java.util.Collections") + ".unmodifiableMap(new " + s.n("java.util.LinkedHashMap") + "<>("
                    + extra + "))");
        }
        s.a("\n        /** @return the record */\n",
                "        public ", name, " build() {\n",
                "            return new ", name, "(", String.join(", ", args), ");\n",
                "        }\n",
                "    }\n");
    }

    private static void setter(Source s, String field, String type, String wire) {
        s.a("\n        /**\n",
                "         * @param value {@code ", escape(wire), "}\n",
                "         * @return this builder\n",
                "         */\n",
                "        public Builder ", field, "(", type, " value) {\n",
                "            this.", field, " = value;\n",
                "            return this;\n",
                "        }\n");
    }

    // ---------------------------------------------------------------- the facade

    private String facadeSource() {
        Source s = new Source();
        boolean events = facade == Facade.QMP && !schema.events().isEmpty();
        if (events) {
            s.nested.add("Subscription");
        }
        String cls = facade.className();
        String client = s.n(facade.client());
        s.a("/**\n * The commands of this QAPI schema, typed: one method per command",
                facade == Facade.QMP ? ", and an {@code ...Async} variant" : "",
                ".\n * Errors are the client's ({@code QmpCommandException} with QEMU's error class).\n */\n",
                "public final class ", cls, " {\n",
                "    private final ", client, " client;\n\n",
                "    /** @param client the connection the commands go through */\n",
                "    public ", cls, "(", client, " client) {\n",
                "        this.client = ", s.n("java.util.Objects"), ".requireNonNull(client, \"client\");\n",
                "    }\n\n",
                "    /** @return the connection the commands go through */\n",
                "    public ", client, " client() {\n",
                "        return client;\n",
                "    }\n");
        Set<String> methods = new HashSet<>(Set.of("client", "subscribe", "drift"));
        for (CommandDef c : schema.commands()) {
            String m = Names.method(c.name());
            if (!methods.add(m) || !methods.add(m + "Async")) {
                throw new IllegalStateException("method " + m + " of " + cls + " is taken (command " + c.name() + ")");
            }
            String param = parameter(s, c);
            String ret = c.returns() == null ? null : javaType(s, c.returns());
            String args = JSON_CLASS + ".arguments(arguments)";
            String docText = c.doc() == null ? null : c.doc().body();
            String returnsDoc = c.doc() == null ? null : c.doc().section("Returns").orElse(null);
            StringBuilder tags = new StringBuilder();
            if (param != null) {
                tags.append("@param arguments the command's arguments");
            }
            if (ret != null) {
                tags.append(tags.length() > 0 ? "\n" : "").append("@return ")
                        .append(returnsDoc == null || returnsDoc.isBlank() ? "the reply" : escape(returnsDoc));
            }
            String signature = m + "(" + (param == null ? "" : param + " arguments") + ")";
            String call = "client.execute(" + quote(c.name()) + (param == null ? "" : ", " + args) + ")";
            s.a("\n");
            javadoc(s, "    ", docText, tags.length() == 0 ? null : tags.toString());
            deprecated(s, "    ", c.features());
            if (ret == null) {
                s.a("    public void ", signature, " {\n        ", call, ";\n    }\n");
            } else {
                s.a("    public ", ret, " ", signature, " {\n        return ", decode(s, ret, call), ";\n    }\n");
            }
            if (facade == Facade.QMP) {
                String fut = s.n("java.util.concurrent.CompletableFuture");
                String req = s.n("org.qmp4j.QmpRequest") + ".of(" + quote(c.name()) + ")"
                        + (param == null ? "" : ".args(" + args + ")");
                s.a("\n    /**\n     * {@link #", m, "} without waiting.\n     *\n",
                        param == null ? "" : "     * @param arguments the command's arguments\n",
                        "     * @return the reply", ret == null ? " (nothing)" : "", ", or the error\n     */\n");
                deprecated(s, "    ", c.features());
                s.a("    public ", fut, "<", ret == null ? "Void" : ret, "> ", m, "Async(",
                        param == null ? "" : param + " arguments", ") {\n",
                        "        return client.executeAsync(", req, ").thenApply(reply -> ",
                        ret == null ? "(Void) null" : decode(s, ret, "reply"), ");\n    }\n");
            }
        }
        if (events) {
            subscriptions(s);
        }
        if (facade == Facade.QMP) {
            String drift = s.n("org.qmp4j.schema.SchemaDrift");
            String qs = s.n("org.qmp4j.schema.QmpSchema");
            s.a("\n    /**\n",
                    "     * Compares the schema this code was generated from with the connected QEMU's\n",
                    "     * ({@code query-qmp-schema}), by structure: commands new or missing there, commands whose\n",
                    "     * arguments or return value changed, enum values this code decodes as {@code UNKNOWN}.\n",
                    "     *\n",
                    "     * @return the differences; {@link ", drift, "#isEmpty()} when there are none\n",
                    "     */\n",
                    "    public ", drift, " drift() {\n",
                    "        return ", drift, ".between(", INTROSPECTION_CLASS, ".schema(), ", qs, ".load(client));\n",
                    "    }\n");
        }
        s.a("}\n");
        return s.finish();
    }

    /** {@code subscribe(StopEvent.class)}: typed subscriptions on the core's. */
    private void subscriptions(Source s) {
        String ev = s.n("org.qmp4j.QmpEvent");
        String fn = s.n("java.util.function.Function");
        String map = s.n("java.util.Map");
        String raw = s.n("org.qmp4j.EventSubscription");
        String dur = s.n("java.time.Duration");
        List<String> entries = new ArrayList<>();
        for (EventDef e : schema.events()) {
            String r = Names.eventRecord(e.name());
            entries.add("\n            " + map + ".entry(" + r + ".class, new Decoder(" + r + ".NAME, " + r + "::from))");
        }
        s.a("\n    private record Decoder(", s.n("java.lang.String"), " name, ", fn, "<", ev, ", ?> decode) {\n    }\n\n",
                "    private static final ", map, "<", s.n("java.lang.Class"), "<?>, Decoder> EVENTS = ", map,
                ".ofEntries(", String.join(",", entries), ");\n\n",
                "    /**\n",
                "     * Subscribes to one event, decoded into its record.\n",
                "     *\n",
                "     * @param <E> the event's record\n",
                "     * @param event e.g. {@code StopEvent.class}\n",
                "     * @return the subscription: close it when done\n",
                "     * @throws IllegalArgumentException when the class is not an event of this schema\n",
                "     */\n",
                "    public <E extends Record> Subscription<E> subscribe(", s.n("java.lang.Class"), "<E> event) {\n",
                "        Decoder d = EVENTS.get(event);\n",
                "        if (d == null) {\n",
                "            throw new IllegalArgumentException(event.getName() + \" is not an event of this schema\");\n",
                "        }\n",
                "        return new Subscription<>(client.subscribe(d.name()), e -> event.cast(d.decode().apply(e)));\n",
                "    }\n\n",
                "    /**\n",
                "     * Events of one kind, decoded, on a subscription of the client's.\n",
                "     *\n",
                "     * @param <E> the event's record\n",
                "     */\n",
                "    public static final class Subscription<E> implements AutoCloseable {\n",
                "        private final ", raw, " events;\n",
                "        private final ", fn, "<", ev, ", E> decode;\n\n",
                "        private Subscription(", raw, " events, ", fn, "<", ev, ", E> decode) {\n",
                "            this.events = events;\n",
                "            this.decode = decode;\n",
                "        }\n\n",
                "        /**\n",
                "         * @param timeout how long to wait\n",
                "         * @return the next event\n",
                "         * @throws org.qmp4j.QmpTimeoutException when none arrives in time\n",
                "         */\n",
                "        public E next(", dur, " timeout) {\n",
                "            return decode.apply(events.next(timeout));\n",
                "        }\n\n",
                "        /**\n",
                "         * @param timeout how long to wait at most; zero means don't wait\n",
                "         * @return the next event, or null when none arrived in time\n",
                "         */\n",
                "        public E poll(", dur, " timeout) {\n",
                "            ", ev, " e = events.poll(timeout);\n",
                "            return e == null ? null : decode.apply(e);\n",
                "        }\n\n",
                "        /** @return the client's untyped subscription underneath */\n",
                "        public ", raw, " raw() {\n",
                "            return events;\n",
                "        }\n\n",
                "        @Override\n",
                "        public void close() {\n",
                "            events.close();\n",
                "        }\n",
                "    }\n");
    }

    /** A command's parameter type: its inline arguments' record, its named type, or null for none. */
    private String parameter(Source s, CommandDef c) {
        if (c.data() instanceof Data.Inline in) {
            return in.members().isEmpty() ? null : Names.argumentsRecord(c.name());
        }
        return javaType(s, new TypeRef.Named(((Data.Ref) c.data()).type()));
    }

    private String decode(Source s, String type, String expression) {
        if (type.equals(s.n("com.fasterxml.jackson.databind.JsonNode"))) {
            return expression;
        }
        return JSON_CLASS + ".decode(" + expression + ", new " + s.n("com.fasterxml.jackson.core.type.TypeReference")
                + "<" + type + ">() { })";
    }

    private String jsonSource() {
        Source s = new Source();
        String mapper = s.n("com.fasterxml.jackson.databind.ObjectMapper");
        String node = s.n("com.fasterxml.jackson.databind.JsonNode");
        String map = s.n("java.util.Map");
        String str = s.n("java.lang.String");
        s.a("/** The generated code's JSON mapping: unknown fields are ignored, nulls (absent members) never sent. */\n",
                "final class ", JSON_CLASS, " {\n",
                "    static final ", mapper, " MAPPER = new ", mapper, "()\n",
                "            .configure(", s.n("com.fasterxml.jackson.databind.DeserializationFeature"),
                ".FAIL_ON_UNKNOWN_PROPERTIES, false)\n",
                "            .configure(", s.n("com.fasterxml.jackson.databind.SerializationFeature"),
                ".FAIL_ON_EMPTY_BEANS, false)\n",
                "            .setSerializationInclusion(", s.n("com.fasterxml.jackson.annotation.JsonInclude"),
                ".Include.NON_NULL);\n\n",
                "    private ", JSON_CLASS, "() {\n    }\n\n",
                "    static <T> T decode(", node, " json, ", s.n("com.fasterxml.jackson.core.type.TypeReference"),
                "<T> type) {\n",
                "        return json == null || json.isNull() ? null : MAPPER.convertValue(json, type);\n",
                "    }\n\n",
                "    /** Null arguments are none: a command whose arguments are all optional may be given null. */\n",
                "    static ", map, "<", str, ", Object> arguments(Object arguments) {\n",
                "        return arguments == null ? ", map, ".of() : MAPPER.convertValue(arguments, new ",
                s.n("com.fasterxml.jackson.core.type.TypeReference"), "<", map, "<", str, ", Object>>() { });\n",
                "    }\n\n",
                "    /** {@code uint64} and {@code size} in a Long: the unsigned value's 64 bits. */\n",
                "    public static final class UnsignedDecoder extends ",
                s.n("com.fasterxml.jackson.databind.deser.std.StdDeserializer"), "<Long> {\n",
                "        private static final long serialVersionUID = 1L;\n\n",
                "        /** For Jackson. */\n",
                "        public UnsignedDecoder() {\n            super(Long.class);\n        }\n\n",
                "        @Override\n",
                "        public Long deserialize(", s.n("com.fasterxml.jackson.core.JsonParser"), " parser, ",
                s.n("com.fasterxml.jackson.databind.DeserializationContext"), " context) throws ",
                s.n("java.io.IOException"), " {\n",
                "            return parser.getBigIntegerValue().longValue();\n",
                "        }\n",
                "    }\n\n",
                "    /** Writes a Long of {@link UnsignedDecoder} back as the unsigned value. */\n",
                "    public static final class UnsignedEncoder extends ",
                s.n("com.fasterxml.jackson.databind.ser.std.StdSerializer"), "<Long> {\n",
                "        private static final long serialVersionUID = 1L;\n\n",
                "        /** For Jackson. */\n",
                "        public UnsignedEncoder() {\n            super(Long.class);\n        }\n\n",
                "        @Override\n",
                "        public void serialize(Long value, ", s.n("com.fasterxml.jackson.core.JsonGenerator"),
                " generator, ", s.n("com.fasterxml.jackson.databind.SerializerProvider"), " provider) throws ",
                s.n("java.io.IOException"), " {\n",
                "            generator.writeNumber(new ", s.n("java.math.BigInteger"), "(Long.toUnsignedString(value)));\n",
                "        }\n",
                "    }\n",
                "}\n");
        return s.finish();
    }

    private static boolean unsignedName(TypeRef t) {
        return t instanceof TypeRef.Named n && (n.name().equals("uint64") || n.name().equals("size"));
    }

    /**
     * The annotations that keep a {@code uint64} or {@code size} in a {@code Long} as its 64 bits (values
     * above {@code Long.MAX_VALUE} read negative, {@code Long.toUnsignedString} prints them): Jackson would
     * refuse them, and QEMU sends {@code UINT64_MAX} for "unlimited".
     */
    private static String unsigned(Source s, TypeRef t) {
        boolean array = t instanceof TypeRef.ArrayOf a && unsignedName(a.element());
        if (!array && !unsignedName(t)) {
            return "";
        }
        String use = array ? "contentUsing" : "using";
        return "@" + s.n("com.fasterxml.jackson.databind.annotation.JsonDeserialize") + "(" + use + " = "
                + JSON_CLASS + ".UnsignedDecoder.class) @" + s.n("com.fasterxml.jackson.databind.annotation.JsonSerialize")
                + "(" + use + " = " + JSON_CLASS + ".UnsignedEncoder.class) ";
    }

    // ---------------------------------------------------------------- docs

    /** {@code @Deprecated} and {@code @Unstable} for the QAPI features of those names. */
    private static void deprecated(Source s, String indent, List<Feature> features) {
        if (features.stream().anyMatch(Feature::deprecated)) {
            s.a(indent, "@Deprecated\n");
        }
        if (features.stream().anyMatch(Feature::unstable)) {
            s.a(indent, "@", UNSTABLE_CLASS, "\n");
        }
    }

    /**
     * The schema as introspection shows it ({@link Introspection}), as text in the class: a constant may
     * hold at most 65,535 bytes, so it is cut into pieces joined when first asked for.
     */
    private String introspectionSource() {
        Source s = new Source();
        String qs = s.n("org.qmp4j.schema.QmpSchema");
        String str = s.n("java.lang.String"); // QEMU's schema has a type named String
        String text = Introspection.json(schema);
        List<String> pieces = new ArrayList<>();
        for (int i = 0; i < text.length(); i += 16_000) {
            pieces.add("            " + quote(text.substring(i, Math.min(text.length(), i + 16_000))));
        }
        s.a("/** The schema this code was generated from, as QEMU's introspection shows it (with real type names). */\n",
                "final class ", INTROSPECTION_CLASS, " {\n",
                "    private static volatile ", qs, " schema;\n\n",
                "    private ", INTROSPECTION_CLASS, "() {\n    }\n\n",
                "    static ", qs, " schema() {\n",
                "        ", qs, " s = schema;\n",
                "        if (s == null) {\n",
                "            try {\n",
                "                s = ", qs, ".parse(", JSON_CLASS, ".MAPPER.readTree(text()));\n",
                "            } catch (", s.n("com.fasterxml.jackson.core.JsonProcessingException"), " e) {\n",
                "                throw new IllegalStateException(\"the generated introspection is not JSON\", e);\n",
                "            }\n",
                "            schema = s;\n",
                "        }\n",
                "        return s;\n",
                "    }\n\n",
                "    private static ", str, " text() {\n",
                "        return ", str, ".join(\"\", new ", str, "[] {\n", String.join(",\n", pieces), "\n        });\n",
                "    }\n",
                "}\n");
        return s.finish();
    }

    private String unstableSource() {
        Source s = new Source();
        String target = s.n("java.lang.annotation.ElementType");
        s.a("/**\n * The QAPI feature {@code unstable}: QEMU may change or remove this without the deprecation period\n",
                " * stable interfaces get.\n */\n",
                "@", s.n("java.lang.annotation.Documented"), "\n",
                "@", s.n("java.lang.annotation.Retention"), "(", s.n("java.lang.annotation.RetentionPolicy"),
                ".RUNTIME)\n",
                "@", s.n("java.lang.annotation.Target"), "({", target, ".TYPE, ", target, ".METHOD, ", target,
                ".FIELD, ", target, ".RECORD_COMPONENT})\n",
                "public @interface ", UNSTABLE_CLASS, " {\n}\n");
        return s.finish();
    }

    /** Writes a Javadoc comment of the schema's text (escaped) and tags (already Javadoc), if there is any. */
    private static void javadoc(Source s, String indent, String text, String tags) {
        List<String> lines = new ArrayList<>();
        if (text != null && !text.isBlank()) {
            lines.addAll(List.of(escape(text.strip()).split("\n")));
        }
        if (tags != null) {
            if (!lines.isEmpty()) {
                lines.add("");
            }
            lines.addAll(List.of(tags.split("\n")));
        }
        if (lines.isEmpty()) {
            return;
        }
        s.a(indent, "/**\n");
        for (String l : lines) {
            s.a(indent, " *", l.isEmpty() ? "" : " " + l, "\n");
        }
        s.a(indent, " */\n");
    }

    /**
     * Makes schema text safe in a Javadoc comment: no {@code *}{@code /} ends it, no HTML or tag is read
     * into it, and no backslash starts a unicode escape (javac reads those even in comments).
     */
    static String escape(String text) {
        StringBuilder b = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '@' -> {
                    // QAPI's "@name" cross-reference reads as code; a lone '@' must not start a Javadoc tag
                    int end = i + 1;
                    while (end < text.length() && (Character.isLetterOrDigit(text.charAt(end))
                            || text.charAt(end) == '-' || text.charAt(end) == '_')) {
                        end++;
                    }
                    boolean word = i > 0 && Character.isLetterOrDigit(text.charAt(i - 1)); // user@host
                    if (!word && end > i + 1 && Character.isLetter(text.charAt(i + 1))) {
                        b.append("<code>").append(text, i + 1, end).append("</code>");
                        i = end - 1;
                    } else {
                        b.append("&#64;");
                    }
                }
                case '\\' -> b.append("&#92;");
                case '/' -> b.append(i > 0 && text.charAt(i - 1) == '*' ? "&#47;" : "/");
                case '{', '}' -> b.append(c == '{' ? "&#123;" : "&#125;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** A Java string literal of a wire name. */
    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.append('"').toString();
    }
}
