package org.qmp4j.codegen.java;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.qmp4j.codegen.qapi.QapiParser;

/** The generated code of a small made-up schema (src/test/resources/gen/box.json), compiled and run. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JavaGeneratorTest {
    @TempDir
    static Path dir;
    private static Map<String, String> sources;
    private static URLClassLoader loader;
    // A strict mapper, as a user's may be: the generated annotations alone must make decoding lenient.
    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    @BeforeAll
    static void generate() throws URISyntaxException {
        Path file = Path.of(JavaGeneratorTest.class.getResource("/gen/box.json").toURI());
        sources = JavaGenerator.sources(QapiParser.parse(file), "org.example.box", JavaGenerator.Facade.QMP);
        loader = Compiled.compile(sources, dir).loader();
    }

    private static String source(String simpleName) {
        return sources.get("org/example/box/" + simpleName + ".java");
    }

    private static Class<?> type(String simpleName) throws ClassNotFoundException {
        return loader.loadClass("org.example.box." + simpleName);
    }

    @Test
    void namesFollowTheFixedRules() {
        assertEquals(List.of("Base", "Box", "BoxOpenedEvent", "BoxOrName", "Circle", "Color", "CountedEvent", "Counter",
                "Figure", "FigureDrawnEvent",
                "Holder",
                "QapiIntrospection", "QapiJson", "Qmp",
                "QueryBoxArgs", "Shape", "Square", "Unstable"),
                sources.keySet().stream().map(k -> k.substring(k.lastIndexOf('/') + 1, k.length() - 5)).sorted()
                        .toList());
        String qmp = source("Qmp");
        assertTrue(qmp.contains("public Box queryBox(QueryBoxArgs arguments)"), qmp);
        assertTrue(qmp.contains("public CompletableFuture<Box> queryBoxAsync(QueryBoxArgs arguments)"), qmp);
        assertTrue(qmp.contains("public List<Box> listBoxes()"), qmp);
        assertTrue(qmp.contains("@Deprecated\n    public void oldThing()"), qmp);
        assertTrue(qmp.contains("public void figureAdd(Figure arguments)"), qmp);
        assertTrue(qmp.contains("@Unstable\n    public void xPeek()"), qmp);
        assertTrue(source("Color").contains("LIGHT_BLUE(\"light-blue\")"));
        assertTrue(source("QueryBoxArgs").contains("@JsonProperty(\"default\") Boolean default_"));
    }

    @Test
    void componentsKeepTheWireNamesBaseMembersFirst() throws Exception {
        String box = source("Box");
        assertTrue(box.contains("@JsonProperty(\"node-name\") String nodeName"), box);
        assertTrue(box.contains("@JsonProperty(\"sizes\") List<Long> sizes"), box);
        assertTrue(box.contains("@JsonProperty(\"wait\") Boolean wait_"), box);
        // An enum member's component is the string QEMU sent; color() gives the constant.
        assertEquals(List.of("id", "nodeName", "colorAsString", "sizes", "wait_", "extra"),
                List.of(type("Box").getRecordComponents()).stream().map(c -> c.getName()).toList());
    }

    @Test
    void docsBecomeEscapedJavadoc() {
        String box = source("Box");
        assertTrue(box.contains("A box: &lt;b&gt;bold&lt;/b&gt; &amp; <code>Base</code>, a *&#47; and "
                + "C:&#92;users&#92;x in the text, for root&#64;host."),
                box);
        assertTrue(box.contains("@param nodeName its name"), box);
        assertTrue(box.contains("@param colorAsString its colour (optional: null when absent) (as QEMU wrote it; "
                + "{@link #color()} gives the constant)"), box);
    }

    @Test
    void decodingIgnoresUnknownFieldsAndLeavesAbsentOptionalsNull() throws Exception {
        Object box = STRICT.readValue("{\"id\": 7, \"node-name\": \"n\", \"wait\": true, \"new-in-11.1\": [1]}",
                type("Box"));
        assertEquals(7L, call(box, "id"));
        assertEquals("n", call(box, "nodeName"));
        assertEquals(true, call(box, "wait_"));
        assertNull(call(box, "color"));
        assertNull(call(box, "sizes"));
    }

    @Test
    void unknownEnumValuesDecodeToUnknown() throws Exception {
        Class<?> color = type("Color");
        assertEquals("LIGHT_BLUE", STRICT.readValue("\"light-blue\"", color).toString());
        assertEquals("UNKNOWN", STRICT.readValue("\"something-new\"", color).toString());
        Object box = STRICT.readValue("{\"id\": 1, \"node-name\": \"n\", \"wait\": false, \"color\": \"ultra\"}",
                type("Box"));
        assertEquals("UNKNOWN", call(box, "color").toString());
        assertEquals("ultra", call(box, "colorAsString")); // the raw string is kept
        assertEquals("{\"id\":1,\"node-name\":\"n\",\"color\":\"ultra\",\"wait\":false}",
                STRICT.writeValueAsString(box)); // and written back as it came
        Object builder = type("Box").getMethod("builder").invoke(null);
        builder.getClass().getMethod("color", color).invoke(builder, color.getMethod("fromWire", String.class)
                .invoke(null, "light-blue"));
        assertEquals("light-blue", call(call(builder, "build"), "colorAsString"));
        assertEquals("\"light-blue\"", STRICT.writeValueAsString(color.getMethod("fromWire", String.class)
                .invoke(null, "light-blue")));
    }

    @Test
    void argumentsAreBuiltAndAbsentOptionalsAreNotSent() throws Exception {
        Object builder = type("QueryBoxArgs").getMethod("builder").invoke(null);
        builder.getClass().getMethod("name", String.class).invoke(builder, "b1");
        Object args = builder.getClass().getMethod("build").invoke(builder);
        assertEquals("{\"name\":\"b1\"}", STRICT.writeValueAsString(args));
        Method encode = type("QapiJson").getDeclaredMethod("arguments", Object.class);
        encode.setAccessible(true);
        assertEquals(Map.of("name", "b1"), encode.invoke(null, args));
        assertFalse(source("QueryBoxArgs").contains("timestamp"));
    }

    @Test
    void flatUnionsDecodeToTheirBranchAndUnknownValuesToOther() throws Exception {
        Class<?> figure = type("Figure");
        assertTrue(figure.isSealed() && figure.isInterface());
        Object circle = STRICT.readValue("{\"kind\": \"circle\", \"radius\": 3, \"label\": \"c\", \"new\": 1}", figure);
        assertEquals("Circle", circle.getClass().getSimpleName());
        assertEquals(List.of("kindAsString", "label", "radius"),
                List.of(circle.getClass().getRecordComponents()).stream().map(c -> c.getName()).toList());
        assertEquals(3L, call(circle, "radius"));
        assertEquals("CIRCLE", call(circle, "kind").toString());
        assertEquals("c", call(figure.cast(circle), "label"));
        assertEquals("{\"kind\":\"circle\",\"label\":\"c\",\"radius\":3}", STRICT.writeValueAsString(circle));

        Object blob = STRICT.readValue("{\"kind\": \"blob\"}", figure); // a value without a branch
        assertEquals("Other", blob.getClass().getSimpleName());
        assertEquals("BLOB", call(blob, "kind").toString());
        Object newer = STRICT.readValue("{\"kind\": \"hexagon\", \"sides\": 6}", figure); // a newer QEMU's
        assertEquals("Other", newer.getClass().getSimpleName());
        assertEquals("UNKNOWN", call(newer, "kind").toString());
    }

    @Test
    void alternatesPickTheAlternativeByTheJsonType() throws Exception {
        Class<?> holder = type("Holder");
        assertEquals("Name", what(STRICT.readValue("{\"what\": \"b1\"}", holder)).getClass().getSimpleName());
        assertEquals("b1", call(what(STRICT.readValue("{\"what\": \"b1\"}", holder)), "value"));
        assertEquals(3L, call(what(STRICT.readValue("{\"what\": 3}", holder)), "value"));
        Object box = what(STRICT.readValue("{\"what\": {\"id\": 1, \"node-name\": \"n\", \"wait\": true}}",
                holder));
        assertEquals(type("Box"), call(box, "value").getClass()); // the package's Box, not the nested record
        Object none = what(STRICT.readValue("{\"what\": null}", holder));
        assertEquals("None", none.getClass().getSimpleName());
        assertNull(what(STRICT.readValue("{}", holder)));
        assertEquals("{\"what\":\"b1\"}", STRICT.writeValueAsString(STRICT.readValue("{\"what\": \"b1\"}", holder)));
        assertTrue(source("BoxOrName").contains("record Box(@JsonValue org.example.box.Box value)"),
                source("BoxOrName"));
    }

    @Test
    void eventsDecodeTheirMembersAndABoxedUnionIsTheWholeData() throws Exception {
        Class<?> raw = Class.forName("org.qmp4j.QmpEvent");
        Object opened = raw.getConstructor(String.class, JsonNode.class, Instant.class).newInstance("BOX_OPENED",
                STRICT.readTree("{\"box\": {\"id\": 2, \"node-name\": \"n\", \"wait\": false}, \"new\": 1}"),
                Instant.ofEpochSecond(5));
        Object event = type("BoxOpenedEvent").getMethod("from", raw).invoke(null, opened);
        assertEquals(Instant.ofEpochSecond(5), call(event, "timestamp"));
        assertEquals(2L, call(call(event, "box"), "id"));
        Object drawn = raw.getConstructor(String.class, JsonNode.class, Instant.class).newInstance("FIGURE_DRAWN",
                STRICT.readTree("{\"kind\": \"square\", \"side\": 4}"), Instant.ofEpochSecond(6));
        Object figure = call(type("FigureDrawnEvent").getMethod("from", raw).invoke(null, drawn), "data");
        assertEquals(4L, call(figure, "side"));
    }

    @Test
    void unsignedValuesAboveLongMaxKeepTheirBits() throws Exception {
        String json = "{\"total\":18446744073709551615,\"samples\":[18446744073709551614,1]}";
        Object counter = STRICT.readValue(json, type("Counter"));
        assertEquals(-1L, call(counter, "total"));
        assertEquals(List.of(-2L, 1L), call(counter, "samples"));
        assertEquals(json, STRICT.writeValueAsString(counter));
        Class<?> raw = Class.forName("org.qmp4j.QmpEvent");
        Object counted = raw.getConstructor(String.class, JsonNode.class, Instant.class).newInstance("COUNTED",
                STRICT.readTree("{\"total\": 18446744073709551615}"), Instant.ofEpochSecond(7));
        Object event = type("CountedEvent").getMethod("from", raw).invoke(null, counted);
        assertEquals(-1L, call(event, "total"));
        assertEquals(Instant.ofEpochSecond(7), call(event, "timestamp"));
    }

    private static Object what(Object holder) throws Exception {
        return call(holder, "what");
    }

    private static Object call(Object target, String accessor) throws Exception {
        return target.getClass().getMethod(accessor).invoke(target);
    }
}
