package org.qmp4j.codegen.qapi;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.qmp4j.codegen.qapi.QapiReader.Arr;
import org.qmp4j.codegen.qapi.QapiReader.Bool;
import org.qmp4j.codegen.qapi.QapiReader.DocBlock;
import org.qmp4j.codegen.qapi.QapiReader.Node;
import org.qmp4j.codegen.qapi.QapiReader.Obj;
import org.qmp4j.codegen.qapi.QapiReader.Str;
import org.qmp4j.codegen.qapi.QapiReader.TopLevel;

/**
 * Parses QEMU's QAPI schema language (QEMU's {@code docs/devel/qapi-code-gen.rst}) into a {@link QapiSchema}:
 * follows {@code include}s, keeps pragmas, attaches doc blocks, and checks every key and every type
 * reference. Errors are {@link QapiException}s naming {@code file:line}.
 */
public final class QapiParser {
    private static final Set<String> ENUM_KEYS = Set.of("enum", "data", "prefix", "if", "features");
    private static final Set<String> STRUCT_KEYS = Set.of("struct", "data", "base", "if", "features");
    private static final Set<String> UNION_KEYS = Set.of("union", "base", "discriminator", "data", "if", "features");
    private static final Set<String> ALTERNATE_KEYS = Set.of("alternate", "data", "if", "features");
    private static final Set<String> COMMAND_KEYS = Set.of("command", "data", "returns", "boxed", "if", "features",
            "gen", "success-response", "allow-oob", "allow-preconfig", "coroutine");
    private static final Set<String> EVENT_KEYS = Set.of("event", "data", "boxed", "if", "features");

    private final Set<Path> seen = new HashSet<>();
    private final List<Definition> definitions = new ArrayList<>();
    private final List<Pragma> pragmas = new ArrayList<>();
    private final List<Doc> freeDocs = new ArrayList<>();
    private final List<Path> files = new ArrayList<>();
    private final List<Validator.Reference> references = new ArrayList<>();
    private Path file;

    private QapiParser() {
    }

    /**
     * Parses a schema and every file it includes.
     *
     * @param schemaFile the entry point, e.g. {@code qapi/qapi-schema.json} or {@code qga/qapi-schema.json}
     * @return the schema, its type references checked
     * @throws QapiException when a file is malformed, unreadable or inconsistent
     */
    public static QapiSchema parse(Path schemaFile) {
        QapiParser p = new QapiParser();
        p.include(schemaFile.normalize(), null);
        QapiSchema schema = new QapiSchema(p.definitions, p.pragmas, p.freeDocs, p.files);
        new Validator(schema).check(p.references);
        return schema;
    }

    private void include(Path path, SourceLocation from) {
        if (!seen.add(path.toAbsolutePath().normalize())) {
            return;   // QEMU reads each file once, however often it is included
        }
        String src;
        try {
            src = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new QapiException(from != null ? from : new SourceLocation(path, 1),
                    "can't read " + (from != null ? "include file " : "") + path + ": "
                    + (e instanceof NoSuchFileException ? "no such file" : e.toString()));
        }
        files.add(path);
        Path saved = file;
        file = path;
        List<DocBlock> free = new ArrayList<>();
        List<TopLevel> exprs = new QapiReader(path, src).readAll(free);
        for (DocBlock d : free) {
            Doc doc = DocParser.parse(d.lines(), at(d.line()));
            if (doc.symbol() != null) {
                throw new QapiException(doc.location(), "documentation for '" + doc.symbol()
                        + "' is not followed by its definition");
            }
            freeDocs.add(doc);
        }
        for (TopLevel t : exprs) {
            expression(t);
        }
        file = saved;
    }

    private void expression(TopLevel t) {
        Obj o = t.expr();
        SourceLocation loc = at(o.line());
        Doc doc = t.doc() == null ? null : DocParser.parse(t.doc().lines(), at(t.doc().line()));
        if (o.entries().containsKey("include") || o.entries().containsKey("pragma")) {
            if (doc != null && doc.symbol() != null) {
                throw new QapiException(doc.location(), "documentation for '" + doc.symbol()
                        + "' is not followed by its definition");
            }
            if (doc != null) {
                freeDocs.add(doc);
            }
            directive(o, loc);
            return;
        }
        Definition d = definition(o, loc, doc);
        if (doc != null && doc.symbol() == null) {
            freeDocs.add(doc);
        } else if (doc != null && !doc.symbol().equals(d.name())) {
            throw new QapiException(loc, "definition of '" + d.name() + "' follows documentation for '"
                    + doc.symbol() + "'");
        }
        definitions.add(d);
    }

    private void directive(Obj o, SourceLocation loc) {
        if (o.entries().size() != 1) {
            throw new QapiException(loc, "a directive has exactly one key, found " + o.entries().keySet());
        }
        Node include = o.entries().get("include");
        if (include != null) {
            String name = str(include, "'include'");
            Path dir = file.getParent();
            include(dir == null ? Path.of(name) : dir.resolve(name).normalize(), at(include.line()));
            return;
        }
        Node pragma = o.entries().get("pragma");
        if (!(pragma instanceof Obj p)) {
            throw new QapiException(at(pragma.line()), "'pragma' must be an object");
        }
        p.entries().forEach((k, v) -> pragmas.add(new Pragma(k, plain(v), at(v.line()))));
    }

    private Definition definition(Obj o, SourceLocation loc, Doc doc) {
        Map<String, Node> e = o.entries();
        String meta = null;
        for (String m : List.of("enum", "struct", "union", "alternate", "command", "event")) {
            if (e.containsKey(m)) {
                if (meta != null) {
                    throw new QapiException(loc, "expression has both '" + meta + "' and '" + m + "'");
                }
                meta = m;
            }
        }
        if (meta == null) {
            throw new QapiException(loc, "expression is not a definition, include or pragma: keys "
                    + e.keySet());
        }
        String name = str(e.get(meta), "'" + meta + "'");
        String what = meta + " '" + name + "'";
        Condition cond = condition(e.get("if"), what);
        List<Feature> features = features(e.get("features"), what);
        switch (meta) {
            case "enum": {
                keys(o, what, ENUM_KEYS, "data");
                Node prefix = e.get("prefix");
                return new EnumDef(name, enumValues(e.get("data"), what),
                        prefix == null ? null : str(prefix, what + " 'prefix'"), cond, features, doc, loc);
            }
            case "struct": {
                keys(o, what, STRUCT_KEYS, "data");
                Node base = e.get("base");
                String baseName = null;
                if (base != null) {
                    baseName = str(base, what + " 'base'");
                    reference(baseName, base, what + " 'base'", Validator.Expect.STRUCT);
                }
                return new StructDef(name, baseName, members(obj(e.get("data"), what + " 'data'"), what),
                        cond, features, doc, loc);
            }
            case "union": {
                keys(o, what, UNION_KEYS, "base", "discriminator", "data");
                Data base = data(e.get("base"), what + " 'base'", Validator.Expect.STRUCT);
                List<Branch> branches = branches(obj(e.get("data"), what + " 'data'"), what, false);
                return new UnionDef(name, base, str(e.get("discriminator"), what + " 'discriminator'"), branches,
                        cond, features, doc, loc);
            }
            case "alternate": {
                keys(o, what, ALTERNATE_KEYS, "data");
                Obj data = obj(e.get("data"), what + " 'data'");
                if (data.entries().isEmpty()) {
                    throw new QapiException(at(data.line()), what + " 'data' must not be empty");
                }
                return new AlternateDef(name, branches(data, what, true), cond, features, doc, loc);
            }
            case "command": {
                keys(o, what, COMMAND_KEYS);
                Node returns = e.get("returns");
                return new CommandDef(name, arguments(e, what), flag(e, "boxed", false, what),
                        returns == null ? null : type(returns, what + " 'returns'"),
                        flag(e, "success-response", true, what), flag(e, "gen", true, what),
                        flag(e, "allow-oob", false, what), flag(e, "allow-preconfig", false, what),
                        flag(e, "coroutine", false, what), cond, features, doc, loc);
            }
            default: {
                keys(o, what, EVENT_KEYS);
                return new EventDef(name, arguments(e, what), flag(e, "boxed", false, what), cond, features, doc,
                        loc);
            }
        }
    }

    private void keys(Obj o, String what, Set<String> allowed, String... required) {
        for (Map.Entry<String, Node> en : o.entries().entrySet()) {
            if (!allowed.contains(en.getKey())) {
                throw new QapiException(at(en.getValue().line()), what + " has unknown key '" + en.getKey() + "'");
            }
        }
        for (String r : required) {
            if (!o.entries().containsKey(r)) {
                throw new QapiException(at(o.line()), what + " lacks key '" + r + "'");
            }
        }
    }

    /** A command's or event's {@code 'data'}; a boxed one must name a type. */
    private Data arguments(Map<String, Node> e, String what) {
        Node data = e.get("data");
        if (flag(e, "boxed", false, what) && !(data instanceof Str)) {
            throw new QapiException(at(data == null ? e.get("boxed").line() : data.line()),
                    what + " is 'boxed', so its 'data' must name a type");
        }
        return data(data, what + " 'data'", Validator.Expect.ARGUMENTS);
    }

    private Data data(Node n, String what, Validator.Expect expect) {
        if (n == null) {
            return Data.NONE;
        }
        if (n instanceof Str s) {
            reference(s.value(), s, what, expect);
            return new Data.Ref(s.value());
        }
        return new Data.Inline(members(obj(n, what), what));
    }

    private List<Member> members(Obj data, String what) {
        List<Member> out = new ArrayList<>();
        data.entries().forEach((key, v) -> {
            boolean optional = key.startsWith("*");
            String name = optional ? key.substring(1) : key;
            String mwhat = what + " member '" + name + "'";
            if (name.isEmpty()) {
                throw new QapiException(at(v.line()), what + " has a member without a name");
            }
            if (v instanceof Obj mo) {
                keys(mo, mwhat, Set.of("type", "if", "features"), "type");
                Map<String, Node> me = mo.entries();
                out.add(new Member(name, type(me.get("type"), mwhat), optional, condition(me.get("if"), mwhat),
                        features(me.get("features"), mwhat)));
            } else {
                out.add(new Member(name, type(v, mwhat), optional, Condition.ALWAYS, List.of()));
            }
        });
        return out;
    }

    private List<Branch> branches(Obj data, String what, boolean arraysAllowed) {
        List<Branch> out = new ArrayList<>();
        data.entries().forEach((name, v) -> {
            String bwhat = what + " branch '" + name + "'";
            Node typeNode = v;
            Condition cond = Condition.ALWAYS;
            if (v instanceof Obj bo) {
                keys(bo, bwhat, Set.of("type", "if"), "type");
                typeNode = bo.entries().get("type");
                cond = condition(bo.entries().get("if"), bwhat);
            }
            if (!arraysAllowed && !(typeNode instanceof Str)) {
                throw new QapiException(at(typeNode.line()), bwhat + " must name a struct or union");
            }
            TypeRef t = arraysAllowed ? type(typeNode, bwhat) : null;
            if (t == null) {
                Str s = (Str) typeNode;
                reference(s.value(), s, bwhat, Validator.Expect.BRANCH);
                t = new TypeRef.Named(s.value());
            }
            out.add(new Branch(name, t, cond));
        });
        return out;
    }

    private List<EnumValue> enumValues(Node n, String what) {
        if (!(n instanceof Arr a)) {
            throw new QapiException(at(n.line()), what + " 'data' must be an array");
        }
        List<EnumValue> out = new ArrayList<>();
        for (Node v : a.items()) {
            if (v instanceof Obj vo) {
                String vname = vo.entries().containsKey("name") ? str(vo.entries().get("name"), what + " value") : "";
                String vwhat = what + " value '" + vname + "'";
                keys(vo, vwhat, Set.of("name", "if", "features"), "name");
                out.add(new EnumValue(vname, condition(vo.entries().get("if"), vwhat),
                        features(vo.entries().get("features"), vwhat)));
            } else {
                out.add(new EnumValue(str(v, what + " value"), Condition.ALWAYS, List.of()));
            }
        }
        return out;
    }

    private TypeRef type(Node n, String what) {
        if (n instanceof Str s) {
            reference(s.value(), s, what, Validator.Expect.TYPE);
            return new TypeRef.Named(s.value());
        }
        if (n instanceof Arr a && a.items().size() == 1 && a.items().get(0) instanceof Str s) {
            reference(s.value(), s, what, Validator.Expect.TYPE);
            return new TypeRef.ArrayOf(new TypeRef.Named(s.value()));
        }
        throw new QapiException(at(n.line()), what + ": a type is a name or an array of one name");
    }

    private void reference(String name, Node n, String what, Validator.Expect expect) {
        references.add(new Validator.Reference(name, at(n.line()), what, expect));
    }

    private List<Feature> features(Node n, String what) {
        if (n == null) {
            return List.of();
        }
        if (!(n instanceof Arr a)) {
            throw new QapiException(at(n.line()), what + " 'features' must be an array");
        }
        List<Feature> out = new ArrayList<>();
        for (Node f : a.items()) {
            if (f instanceof Obj fo) {
                keys(fo, what + " feature", Set.of("name", "if"), "name");
                out.add(new Feature(str(fo.entries().get("name"), what + " feature"),
                        condition(fo.entries().get("if"), what + " feature")));
            } else {
                out.add(new Feature(str(f, what + " feature"), Condition.ALWAYS));
            }
        }
        return out;
    }

    private Condition condition(Node n, String what) {
        if (n == null) {
            return Condition.ALWAYS;
        }
        if (n instanceof Str s) {
            if (s.value().isBlank()) {
                throw new QapiException(at(n.line()), what + " 'if' condition is empty");
            }
            return new Condition.Config(s.value());
        }
        if (!(n instanceof Obj o) || o.entries().size() != 1) {
            throw new QapiException(at(n.line()), what
                    + " 'if' must be a string or an object with one key of 'all', 'any', 'not'");
        }
        Map.Entry<String, Node> only = o.entries().entrySet().iterator().next();
        switch (only.getKey()) {
            case "not":
                return new Condition.Not(condition(only.getValue(), what));
            case "all":
            case "any":
                if (!(only.getValue() instanceof Arr a) || a.items().isEmpty()) {
                    throw new QapiException(at(only.getValue().line()), what + " 'if' '" + only.getKey()
                            + "' must be a non-empty array");
                }
                List<Condition> cs = new ArrayList<>();
                for (Node c : a.items()) {
                    cs.add(condition(c, what));
                }
                return only.getKey().equals("all") ? new Condition.All(cs) : new Condition.Any(cs);
            default:
                throw new QapiException(at(only.getValue().line()), what + " 'if' has unknown operator '"
                        + only.getKey() + "'");
        }
    }

    private boolean flag(Map<String, Node> e, String key, boolean absent, String what) {
        Node n = e.get(key);
        if (n == null) {
            return absent;
        }
        if (!(n instanceof Bool b)) {
            throw new QapiException(at(n.line()), what + " '" + key + "' must be true or false");
        }
        return b.value();
    }

    private String str(Node n, String what) {
        if (!(n instanceof Str s)) {
            throw new QapiException(at(n.line()), what + " must be a string");
        }
        return s.value();
    }

    private Obj obj(Node n, String what) {
        if (!(n instanceof Obj o)) {
            throw new QapiException(at(n.line()), what + " must be an object");
        }
        return o;
    }

    private static Object plain(Node n) {
        if (n instanceof Str s) {
            return s.value();
        }
        if (n instanceof Bool b) {
            return b.value();
        }
        if (n instanceof Arr a) {
            return a.items().stream().map(QapiParser::plain).toList();
        }
        Map<String, Object> m = new LinkedHashMap<>();
        ((Obj) n).entries().forEach((k, v) -> m.put(k, plain(v)));
        return java.util.Collections.unmodifiableMap(m);
    }

    private SourceLocation at(int line) {
        return new SourceLocation(file, line);
    }
}
