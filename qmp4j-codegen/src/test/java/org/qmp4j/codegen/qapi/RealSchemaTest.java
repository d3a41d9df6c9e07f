package org.qmp4j.codegen.qapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.qmp4j.codegen.qapi.TypeRef.ArrayOf;
import org.qmp4j.codegen.qapi.TypeRef.Named;

/**
 * QEMU's own schemas, 7.2 (Debian bookworm) and 10.0 (trixie), QMP and guest agent, as testenv/fetch-qapi
 * keeps them (they are GPL and never in this repository). 7.2 has no simple unions left: the parser
 * requires 'base' and 'discriminator' of every union, and both versions parse.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RealSchemaTest {
    private static QapiSchema schema(String version, String which) {
        return QemuSchemas.schema(version, which);
    }

    private static <T extends Definition> T get(QapiSchema s, String name, Class<T> kind) {
        return s.lookup(name, kind).orElseThrow(() -> new AssertionError("no " + kind.getSimpleName() + " "
                + name));
    }

    @Test
    void qmpFactsHoldInBothVersions() {
        for (String v : List.of("7.2", "10.0")) {
            QapiSchema s = schema(v, "qapi");
            List<String> states = get(s, "RunState", EnumDef.class).valueNames();
            assertTrue(states.contains("prelaunch") && states.contains("running"), v + ": " + states);

            CommandDef status = get(s, "query-status", CommandDef.class);
            assertEquals(new Named("StatusInfo"), status.returns());
            assertEquals(Data.NONE, status.data());
            assertEquals("0.14", status.doc().since().orElseThrow());
            assertTrue(status.doc().section("Returns").orElseThrow().startsWith("@StatusInfo"));

            StructDef info = get(s, "StatusInfo", StructDef.class);
            Member member = info.members().stream().filter(m -> m.name().equals("status")).findFirst().orElseThrow();
            assertEquals(new Named("RunState"), member.type());
            assertFalse(member.optional());
            assertEquals("the virtual machine @RunState", info.doc().members().get("status"));

            UnionDef blockdev = get(s, "BlockdevOptions", UnionDef.class);
            assertEquals("driver", blockdev.discriminator());
            Branch file = blockdev.branches().stream().filter(b -> b.name().equals("file")).findFirst().orElseThrow();
            assertEquals(new Named("BlockdevOptionsFile"), file.type());
            assertTrue(s.members(blockdev.base()).stream().anyMatch(m -> m.name().equals("node-name") && m.optional()));

            CommandDef add = get(s, "blockdev-add", CommandDef.class);
            assertTrue(add.boxed());
            assertEquals(new Data.Ref("BlockdevOptions"), add.data());

            CommandDef qomList = get(s, "qom-list", CommandDef.class);
            assertEquals(new ArrayOf(new Named("ObjectPropertyInfo")), qomList.returns());
            assertInstanceOf(AlternateDef.class, s.lookup("BlockdevRef").orElseThrow());
            assertEquals(List.of(), s.events().stream().filter(e -> e.doc() == null).toList(), "doc-required");
            assertTrue(s.definitions().stream().allMatch(d -> d.doc() != null && d.name().equals(d.doc().symbol())),
                    v + ": doc-required is on, every definition has its block");
            assertTrue(s.definitions().stream().anyMatch(Definition::deprecated), v + " has deprecated things");
            assertTrue(s.pragmas().stream().anyMatch(p -> p.name().equals("doc-required") && p.value().equals(true)));
            assertTrue(s.definitions().stream().anyMatch(d -> d.condition() instanceof Condition.Any));
        }
    }

    @Test
    void whatChangedBetween72And100() {
        QapiSchema old = schema("7.2", "qapi");
        QapiSchema cur = schema("10.0", "qapi");
        // qom-list-get came in 10.1: in neither of these
        assertTrue(old.lookup("qom-list-get").isEmpty());
        assertTrue(cur.lookup("qom-list-get").isEmpty());
        for (String added : List.of("blockdev-set-active", "query-audiodevs")) {
            assertTrue(old.lookup(added).isEmpty(), added + " is not in 7.2");
            get(cur, added, CommandDef.class);
        }
        // StatusInfo lost its member singlestep after 7.2 (deprecated in 8.1, then removed)
        StructDef oldInfo = get(old, "StatusInfo", StructDef.class);
        assertEquals(List.of("running", "singlestep", "status"), oldInfo.members().stream().map(Member::name).toList());
        assertEquals(List.of("running", "status"),
                get(cur, "StatusInfo", StructDef.class).members().stream().map(Member::name).toList());
        assertTrue(cur.commands().size() > old.commands().size());
        assertTrue(cur.types().size() > old.types().size());
    }

    /** The doc parser's check: every {@code @name:} it found in a block is a member, value or feature there. */
    @Test
    void everyDocumentedNameExistsInItsDefinition() {
        for (String v : List.of("7.2", "10.0")) {
            for (String which : List.of("qapi", "qga")) {
                QapiSchema s = schema(v, which);
                for (Definition d : s.definitions()) {
                    Set<String> names = new HashSet<>();
                    Set<String> features = new HashSet<>();
                    d.features().forEach(f -> features.add(f.name()));
                    List<Member> members = List.of();
                    if (d instanceof StructDef st) {
                        members = s.allMembers(st);
                    } else if (d instanceof UnionDef u) {
                        members = s.members(u.base());
                    } else if (d instanceof CommandDef c) {
                        members = s.members(c.data());
                    } else if (d instanceof EventDef e) {
                        members = s.members(e.data());
                    }
                    members.forEach(m -> {
                        names.add(m.name());
                        m.features().forEach(f -> features.add(f.name()));
                    });
                    if (d instanceof EnumDef e) {
                        e.values().forEach(x -> {
                            names.add(x.name());
                            x.features().forEach(f -> features.add(f.name()));
                        });
                    } else if (d instanceof AlternateDef a) {
                        a.alternatives().forEach(b -> names.add(b.name()));
                    }
                    assertTrue(names.containsAll(d.doc().members().keySet()), v + " " + d.name() + ": "
                            + d.doc().members().keySet() + " not all in " + names);
                    assertTrue(features.containsAll(d.doc().features().keySet()), v + " " + d.name() + ": "
                            + d.doc().features().keySet() + " not all in " + features);
                }
            }
        }
    }

    @Test
    void guestAgentSchemas() {
        for (String v : List.of("7.2", "10.0")) {
            QapiSchema s = schema(v, "qga");
            CommandDef exec = get(s, "guest-exec", CommandDef.class);
            assertEquals(new Named("GuestExec"), exec.returns());
            List<Member> args = ((Data.Inline) exec.data()).members();
            assertEquals(new Member("path", new Named("str"), false, Condition.ALWAYS, List.of()), args.get(0));
            assertTrue(args.stream().anyMatch(m -> m.name().equals("arg") && m.optional()
                    && m.type().equals(new ArrayOf(new Named("str")))));
            assertFalse(get(s, "guest-shutdown", CommandDef.class).successResponse(),
                    "guest-shutdown sends no reply on success");
            get(s, "guest-get-osinfo", CommandDef.class);
            assertEquals(List.of(), s.events());
        }
    }

    @Test
    void theJavaNamesAreUniqueInEveryScopeOfBothSchemas() {
        for (String v : List.of("7.2", "10.0")) {
            for (String which : List.of("qapi", "qga")) {
                QapiSchema s = schema(v, which);
                java.util.Map<String, String> types = new java.util.HashMap<>();
                java.util.Map<String, String> methods = new java.util.HashMap<>();
                for (Definition d : s.definitions()) {
                    String javaType; // Java 17: no patterns in switch
                    if (d instanceof CommandDef c) {
                        javaType = c.data() instanceof Data.Inline i && !i.members().isEmpty()
                                ? org.qmp4j.codegen.java.Names.argumentsRecord(c.name()) : null;
                    } else if (d instanceof EventDef e) {
                        javaType = org.qmp4j.codegen.java.Names.eventRecord(e.name());
                    } else {
                        javaType = org.qmp4j.codegen.java.Names.type(d.name());
                    }
                    if (javaType != null) {
                        String clash = types.put(javaType, d.name());
                        assertTrue(clash == null, v + " " + which + ": " + d.name() + " and " + clash + " both become " + javaType);
                    }
                    if (d instanceof CommandDef c) {
                        String clash = methods.put(org.qmp4j.codegen.java.Names.method(c.name()), c.name());
                        assertTrue(clash == null, v + ": commands " + c.name() + " and " + clash + " share a method name");
                        unique(v + " " + c.name(), s.members(c.data()).stream().map(Member::name).toList(), false);
                    }
                    if (d instanceof StructDef st) {
                        unique(v + " " + st.name(), s.allMembers(st).stream().map(Member::name).toList(), false);
                    }
                    if (d instanceof EnumDef en) {
                        unique(v + " " + en.name(), en.values().stream().map(EnumValue::name).toList(), true);
                    }
                }
            }
        }
    }

    private static void unique(String scope, List<String> qapiNames, boolean constants) {
        java.util.Map<String, String> seen = new java.util.HashMap<>();
        for (String n : qapiNames) {
            String j = constants ? org.qmp4j.codegen.java.Names.constant(n) : org.qmp4j.codegen.java.Names.member(n);
            String clash = seen.put(j, n);
            assertTrue(clash == null, scope + ": " + n + " and " + clash + " both become " + j);
        }
    }
}
