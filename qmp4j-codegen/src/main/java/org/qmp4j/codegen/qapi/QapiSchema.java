package org.qmp4j.codegen.qapi;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A parsed QAPI schema: the definitions of the entry file and of everything it includes, in QEMU's order. */
public final class QapiSchema {

    /**
     * The types every schema has without defining them. {@code QType} is the enum of JSON types QEMU's
     * introspection names ({@code none}, {@code qnull}, {@code qnum}, {@code qstring}, {@code qdict},
     * {@code qlist}, {@code qbool}).
     */
    public static final Set<String> BUILTIN_TYPES = Set.of("str", "number", "int", "int8", "int16", "int32",
            "int64", "uint8", "uint16", "uint32", "uint64", "size", "bool", "null", "any", "QType");

    private final List<Definition> definitions;
    private final Map<String, Definition> byName = new LinkedHashMap<>();
    private final List<Pragma> pragmas;
    private final List<Doc> freeformDocs;
    private final List<Path> files;

    QapiSchema(List<Definition> definitions, List<Pragma> pragmas, List<Doc> freeformDocs, List<Path> files) {
        this.definitions = List.copyOf(definitions);
        this.pragmas = List.copyOf(pragmas);
        this.freeformDocs = List.copyOf(freeformDocs);
        this.files = List.copyOf(files);
        for (Definition d : definitions) {
            if (BUILTIN_TYPES.contains(d.name())) {
                throw new QapiException(d.location(), "'" + d.name() + "' is a built-in type");
            }
            Definition before = byName.putIfAbsent(d.name(), d);
            if (before != null) {
                throw new QapiException(d.location(), "'" + d.name() + "' is already defined at "
                        + before.location());
            }
        }
    }

    /** @return every definition, in the order QEMU reads them (an include's where it is included) */
    public List<Definition> definitions() {
        return definitions;
    }

    /**
     * @param name a type's, command's or event's name (they share one namespace)
     * @return the definition, if the schema has one by that name
     */
    public Optional<Definition> lookup(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /**
     * @param <T> the kind of definition
     * @param name the definition's name
     * @param kind e.g. {@code StructDef.class}
     * @return the definition, if there is one of that kind
     */
    public <T extends Definition> Optional<T> lookup(String name, Class<T> kind) {
        return lookup(name).filter(kind::isInstance).map(kind::cast);
    }

    /** @return the commands, in schema order */
    public List<CommandDef> commands() {
        return ofKind(CommandDef.class);
    }

    /** @return the events, in schema order */
    public List<EventDef> events() {
        return ofKind(EventDef.class);
    }

    /** @return the defined types (enums, structs, unions, alternates; no built-ins), in schema order */
    public List<Definition> types() {
        return definitions.stream().filter(d -> !(d instanceof CommandDef) && !(d instanceof EventDef)).toList();
    }

    /** @return the built-in type names, {@link #BUILTIN_TYPES} */
    public Set<String> builtins() {
        return BUILTIN_TYPES;
    }

    /**
     * @param name a type name
     * @return whether it is a built-in type
     */
    public static boolean isBuiltin(String name) {
        return BUILTIN_TYPES.contains(name);
    }

    /** @return every pragma entry, in schema order */
    public List<Pragma> pragmas() {
        return pragmas;
    }

    /** @return the doc blocks that document no definition (headings, introductions), in schema order */
    public List<Doc> freeformDocs() {
        return freeformDocs;
    }

    /** @return the files read, the entry file first, in the order they were included */
    public List<Path> files() {
        return files;
    }

    /**
     * The members a struct has on the wire: its base's (recursively) first, then its own.
     *
     * @param struct a struct of this schema
     * @return all its members
     */
    public List<Member> allMembers(StructDef struct) {
        List<Member> out = new ArrayList<>();
        collect(struct, out, new HashSet<>());
        return Collections.unmodifiableList(out);
    }

    /**
     * The members given inline or by a named struct (a union's base, a command's or event's data).
     *
     * @param data inline members or a reference
     * @return the members; for a reference to something other than a struct, none
     */
    public List<Member> members(Data data) {
        if (data instanceof Data.Inline in) {
            return in.members();
        }
        return lookup(((Data.Ref) data).type(), StructDef.class).map(this::allMembers).orElse(List.of());
    }

    private void collect(StructDef s, List<Member> out, Set<String> visiting) {
        if (!visiting.add(s.name())) {
            throw new QapiException(s.location(), "struct '" + s.name() + "' is its own base");
        }
        if (s.base() != null) {
            lookup(s.base(), StructDef.class).ifPresent(b -> collect(b, out, visiting));
        }
        out.addAll(s.members());
    }

    private <T extends Definition> List<T> ofKind(Class<T> kind) {
        return definitions.stream().filter(kind::isInstance).map(kind::cast).toList();
    }
}
