package org.qmp4j.codegen.qapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.qmp4j.codegen.qapi.Condition.All;
import org.qmp4j.codegen.qapi.Condition.Any;
import org.qmp4j.codegen.qapi.Condition.Config;
import org.qmp4j.codegen.qapi.Condition.Not;
import org.qmp4j.codegen.qapi.TypeRef.ArrayOf;
import org.qmp4j.codegen.qapi.TypeRef.Named;

/** The QAPI language on a made-up schema of our own (src/test/resources/qapi). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class QapiParserTest {
    private static Path dir;
    private static QapiSchema schema;

    @BeforeAll
    static void parse() throws URISyntaxException {
        dir = Path.of(QapiParserTest.class.getResource("/qapi/main.json").toURI()).getParent();
        schema = QapiParser.parse(dir.resolve("main.json"));
    }

    private static <T extends Definition> T get(String name, Class<T> kind) {
        return schema.lookup(name, kind).orElseThrow(() -> new AssertionError("no " + kind.getSimpleName()
                + " " + name));
    }

    @Test
    void includesAreRelativeToTheIncludingFileAndReadOnce() {
        assertEquals(List.of(dir.resolve("main.json"), dir.resolve("common.json"), dir.resolve("sub/shapes.json")),
                schema.files());
        // common.json's struct comes first: it is defined where it is first included
        assertEquals(List.of("Thing", "Shape", "Circle", "Square", "GadgetBase", "Colour", "Widget", "Gadget",
                "NamedBaseGadget", "WidgetRef", "widget-poke", "widget-add", "widget-list", "widget-sync",
                "WIDGET_POKED", "GADGET_ADDED", "WIDGETS_GONE"),
                schema.definitions().stream().map(Definition::name).toList());
        assertEquals(new SourceLocation(dir.resolve("sub/shapes.json"), 5), get("Circle", StructDef.class).location());
    }

    @Test
    void pragmasAreKeptInOrder() {
        assertEquals(2, schema.pragmas().size());
        assertEquals(new Pragma("doc-required", true, new SourceLocation(dir.resolve("main.json"), 10)),
                schema.pragmas().get(0));
        assertEquals(List.of("widget_poke"), schema.pragmas().get(1).value());
    }

    @Test
    void enumsWithPrefixConditionalValuesAndFeatures() {
        EnumDef colour = get("Colour", EnumDef.class);
        assertEquals(List.of("red", "green", "ultraviolet"), colour.valueNames());
        assertEquals("COL", colour.prefix());
        EnumValue uv = colour.values().get(2);
        assertEquals(new Config("CONFIG_UV"), uv.condition());
        assertTrue(uv.features().get(0).unstable());
        assertTrue(colour.unstable());
        assertFalse(colour.deprecated());
        assertEquals(Condition.ALWAYS, colour.values().get(0).condition());
    }

    @Test
    void structMembersOptionalArraysAndTheLongForm() {
        StructDef w = get("Widget", StructDef.class);
        assertEquals("Thing", w.base());
        assertEquals(new Member("id", new Named("str"), false, Condition.ALWAYS, List.of()), w.members().get(0));
        assertEquals(new Member("colour", new Named("Colour"), true, Condition.ALWAYS, List.of()), w.members().get(1));
        assertEquals(new ArrayOf(new Named("str")), w.members().get(2).type());
        assertEquals("str", w.members().get(2).type().elementName());
        Member size = w.members().get(3);
        assertEquals(new Named("size"), size.type());
        assertEquals(new All(List.of(new Config("CONFIG_A"), new Not(new Config("CONFIG_B")))), size.condition());
        Feature f = size.features().get(0);
        assertTrue(f.deprecated());
        assertEquals(new Any(List.of(new Config("X"), new Config("Y"))), f.condition());
        assertEquals(List.of("serial", "weight", "id", "colour", "tags", "size"),
                schema.allMembers(w).stream().map(Member::name).toList());
    }

    @Test
    void unionsWithInlineOrNamedBase() {
        UnionDef g = get("Gadget", UnionDef.class);
        assertEquals("kind", g.discriminator());
        assertEquals(List.of("kind", "label"), schema.members(g.base()).stream().map(Member::name).toList());
        assertEquals(new Branch("circle", new Named("Circle"), Condition.ALWAYS), g.branches().get(0));
        assertEquals(new Branch("square", new Named("Square"), new Config("CONFIG_SQUARES")), g.branches().get(1));
        UnionDef n = get("NamedBaseGadget", UnionDef.class);
        assertEquals(new Data.Ref("GadgetBase"), n.base());
        assertEquals(List.of("serial", "weight", "kind"), schema.members(n.base()).stream().map(Member::name).toList());
    }

    @Test
    void alternates() {
        AlternateDef a = get("WidgetRef", AlternateDef.class);
        assertEquals(List.of(new Named("Widget"), new Named("str"), new ArrayOf(new Named("str"))),
                a.alternatives().stream().map(Branch::type).toList());
    }

    @Test
    void commandsWithInlineOrBoxedDataReturnsAndFlags() {
        CommandDef poke = get("widget-poke", CommandDef.class);
        assertEquals(new Data.Inline(List.of(new Member("id", new Named("str"), false, Condition.ALWAYS, List.of()))),
                poke.data());
        assertEquals(new Named("Widget"), poke.returns());
        assertTrue(poke.allowOob() && poke.allowPreconfig() && poke.coroutine() && poke.gen());
        assertTrue(poke.successResponse());
        assertTrue(poke.deprecated());

        CommandDef add = get("widget-add", CommandDef.class);
        assertTrue(add.boxed());
        assertEquals(new Data.Ref("Gadget"), add.data());
        assertNull(add.returns());

        CommandDef list = get("widget-list", CommandDef.class);
        assertEquals(Data.NONE, list.data());
        assertEquals(new ArrayOf(new Named("Widget")), list.returns());
        assertEquals(new Config("CONFIG_LIST"), list.condition());

        CommandDef sync = get("widget-sync", CommandDef.class);
        assertFalse(sync.successResponse());
        assertFalse(sync.gen());
        assertFalse(sync.boxed());
        assertEquals(List.of("widget-poke", "widget-add", "widget-list", "widget-sync"),
                schema.commands().stream().map(CommandDef::name).toList());
    }

    @Test
    void events() {
        assertEquals(List.of("WIDGET_POKED", "GADGET_ADDED", "WIDGETS_GONE"),
                schema.events().stream().map(EventDef::name).toList());
        EventDef poked = get("WIDGET_POKED", EventDef.class);
        assertTrue(((Data.Inline) poked.data()).members().get(1).optional());
        assertTrue(get("GADGET_ADDED", EventDef.class).boxed());
        assertEquals(Data.NONE, get("WIDGETS_GONE", EventDef.class).data());
        assertEquals(10, schema.types().size());
        assertTrue(schema.builtins().contains("QType"));
        assertTrue(schema.lookup("str").isEmpty(), "built-ins are not definitions");
    }

    @Test
    void docBlocksAttachToTheirDefinition() {
        Doc d = get("Colour", EnumDef.class).doc();
        assertEquals("Colour", d.symbol());
        assertEquals("The colour of a widget.", d.body());
        assertEquals(Map.of("red", "warm", "green", "calm,\nand a second line", "ultraviolet",
                "only where the build knows it"), d.members());
        assertEquals(List.of("red", "green", "ultraviolet"), List.copyOf(d.members().keySet()));
        assertEquals(Map.of("unstable", "may change"), d.features());
        assertEquals("1.0", d.since().orElseThrow());
        assertEquals(new SourceLocation(dir.resolve("main.json"), 16), d.location());

        Doc poke = get("widget-poke", CommandDef.class).doc();
        assertEquals("the widget as it is now", poke.section("Returns").orElseThrow());
        assertEquals("- If @id names no widget, GenericError", poke.section("Errors").orElseThrow());
        assertEquals("-> { \"execute\": \"widget-poke\", \"arguments\": { \"id\": \"w0\" } }\n"
                + "<- { \"return\": { \"id\": \"w0\", \"size\": 1 } }", poke.section("Example").orElseThrow());
        assertEquals(List.of("Returns", "Errors", "Since", "Example"),
                poke.sections().stream().map(Doc.Section::tag).toList());

        assertNull(get("Gadget", UnionDef.class).doc());
        assertEquals(1, schema.freeformDocs().size());
        Doc free = schema.freeformDocs().get(0);
        assertNull(free.symbol());
        assertEquals("= Widgets\n\nA free-form block: a heading and some text.", free.body());
    }
}
