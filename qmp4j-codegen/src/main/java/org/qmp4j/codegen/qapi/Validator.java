package org.qmp4j.codegen.qapi;

import java.util.List;
import java.util.Optional;

/** Checks what needs the whole schema: type references, and unions against their base and enum. */
final class Validator {

    /** What a reference must name. */
    enum Expect {
        /** any type, built-ins included */
        TYPE,
        /** a struct (a base) */
        STRUCT,
        /** a union's branch: a struct, or since QEMU 9.1 also a union */
        BRANCH,
        /** a command's or event's named data: a struct, or for a boxed one a union or alternate */
        ARGUMENTS
    }

    /** A type name used somewhere, and where. */
    record Reference(String name, SourceLocation location, String what, Expect expect) {
    }

    private final QapiSchema schema;

    Validator(QapiSchema schema) {
        this.schema = schema;
    }

    void check(List<Reference> references) {
        for (Reference r : references) {
            checkReference(r);
        }
        for (Definition d : schema.definitions()) {
            if (d instanceof StructDef s) {
                schema.allMembers(s);   // throws on a base cycle
            } else if (d instanceof UnionDef u) {
                checkUnion(u);
            }
        }
    }

    private void checkReference(Reference r) {
        if (QapiSchema.isBuiltin(r.name())) {
            if (r.expect() != Expect.TYPE) {
                throw new QapiException(r.location(), r.what() + " must name " + expected(r.expect())
                        + ", not built-in type '" + r.name() + "'");
            }
            return;
        }
        Optional<Definition> d = schema.lookup(r.name());
        if (d.isEmpty()) {
            throw new QapiException(r.location(), r.what() + " refers to unknown type '" + r.name() + "'");
        }
        Definition def = d.get();
        boolean ok = switch (r.expect()) {
            case TYPE -> !(def instanceof CommandDef) && !(def instanceof EventDef);
            case STRUCT -> def instanceof StructDef;
            case BRANCH -> def instanceof StructDef || def instanceof UnionDef;
            case ARGUMENTS -> def instanceof StructDef || def instanceof UnionDef || def instanceof AlternateDef;
        };
        if (!ok) {
            throw new QapiException(r.location(), r.what() + " refers to '" + r.name() + "', which is "
                    + kind(def) + ", not " + expected(r.expect()));
        }
    }

    private void checkUnion(UnionDef u) {
        String what = "union '" + u.name() + "'";
        Member discriminator = schema.members(u.base()).stream()
                .filter(m -> m.name().equals(u.discriminator())).findFirst()
                .orElseThrow(() -> new QapiException(u.location(), what + ": discriminator '" + u.discriminator()
                        + "' is not a member of the base"));
        if (discriminator.optional()) {
            throw new QapiException(u.location(), what + ": discriminator '" + u.discriminator()
                    + "' must not be optional");
        }
        EnumDef e = schema.lookup(discriminator.type().toString(), EnumDef.class)
                .orElseThrow(() -> new QapiException(u.location(), what + ": discriminator '" + u.discriminator()
                        + "' must be of an enum type, not '" + discriminator.type() + "'"));
        List<String> values = e.valueNames();
        for (Branch b : u.branches()) {
            if (!values.contains(b.name())) {
                throw new QapiException(u.location(), what + ": branch '" + b.name() + "' is not a value of '"
                        + e.name() + "'");
            }
        }
    }

    private static String expected(Expect e) {
        return switch (e) {
            case TYPE -> "a type";
            case STRUCT -> "a struct";
            case BRANCH -> "a struct or union";
            case ARGUMENTS -> "a struct, union or alternate";
        };
    }

    private static String kind(Definition d) {
        if (d instanceof CommandDef) {
            return "a command";
        }
        if (d instanceof EventDef) {
            return "an event";
        }
        if (d instanceof EnumDef) {
            return "an enum";
        }
        if (d instanceof UnionDef) {
            return "a union";
        }
        return d instanceof AlternateDef ? "an alternate" : "a struct";
    }
}
