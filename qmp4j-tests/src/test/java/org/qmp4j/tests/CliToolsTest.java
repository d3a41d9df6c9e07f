package org.qmp4j.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.qmp4j.QmpClient;
import org.qmp4j.internal.framing.JsonCodec;
import org.qmp4j.launch.QemuProcess;
import org.qmp4j.tests.ToolProcess.Result;

/**
 * The one-shot tools and qmp-shell's script mode, each run as a process through bin/ against a real
 * QEMU 7.2 that has a second QMP socket for the tools (a QMP socket serves one client at a time).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS) // a broken deadline fails the test instead of hanging the fork
class CliToolsTest {
    private QemuProcess qemu;
    private QmpClient qmp;
    private Path dir;
    private String sock;

    @BeforeEach
    void start() throws Exception {
        dir = Files.createTempDirectory("qmp4j-cli-");
        sock = dir.resolve("tools.sock").toString();
        qemu = QemuProcess.builder().addArgs("-qmp", "unix:" + sock + ",server=on,wait=off").start();
        qmp = qemu.client();
    }

    @AfterEach
    void stop() throws Exception {
        qemu.close();
        Files.deleteIfExists(Path.of(sock));
        Files.deleteIfExists(dir);
    }

    private Result run(String tool, String... args) {
        return ToolProcess.run(sock, tool, args);
    }

    private static void ok(Result r) {
        assertEquals(0, r.exit(), r::toString);
    }

    @Test
    void qomGetPrintsAKnownValue() {
        Result r = run("qom-get", "/machine.type");
        ok(r);
        assertEquals(qmp.execute("qom-get", Map.of("path", "/machine", "property", "type")).asText(), r.out().strip());
        assertTrue(r.out().contains("q35"), r::toString);
        for (boolean value : new boolean[] {false, true}) {
            qmp.execute("qom-set", Map.of("path", "/machine", "property", "graphics", "value", value));
            Result json = run("qom-get", "--json", "/machine.graphics");
            ok(json);
            assertEquals(Boolean.toString(value), json.out().strip(), json::toString);
        }
    }

    @Test
    void qomListMarksChildrenAndLinks() {
        Result r = run("qom-list", "/machine");
        ok(r);
        List<String> lines = r.out().lines().collect(Collectors.toList());
        JsonNode props = qmp.execute("qom-list", Map.of("path", "/machine"));
        assertEquals(props.size(), lines.size());
        for (JsonNode p : props) {
            String t = p.path("type").asText();
            String expected = t.startsWith("child<") ? p.path("name").asText() + "/"
                    : t.startsWith("link<") ? "@" + p.path("name").asText() + "/" : p.path("name").asText();
            assertTrue(lines.contains(expected), expected + " missing in\n" + r.out());
        }
        assertTrue(lines.contains("peripheral/") && lines.contains("type"), r.out());
    }

    @Test
    void qomSetThenGetRoundTrips() {
        ok(run("qom-set", "/machine.graphics", "false"));
        assertEquals("false", run("qom-get", "/machine.graphics").out().strip());
        ok(run("qom-set", "/machine.graphics", "true"));
        assertEquals("true", run("qom-get", "/machine.graphics").out().strip());
        assertTrue(qmp.execute("qom-get", Map.of("path", "/machine", "property", "graphics")).asBoolean());
    }

    @Test
    void qomTreeShowsEveryObjectAndProperty() {
        Result r = run("qom-tree", "/machine");
        ok(r);
        // Walk the tree ourselves with plain qom-list calls and compare.
        Set<String> objects = new LinkedHashSet<>();
        int[] properties = {0};
        walk("/machine", objects, properties);
        Set<String> printed = r.out().lines().filter(l -> l.startsWith("/")).collect(Collectors.toCollection(LinkedHashSet::new));
        assertEquals(objects, printed);
        long propertyLines = r.out().lines().filter(l -> l.startsWith("  ")).count();
        assertEquals(properties[0], propertyLines);
        assertTrue(r.out().contains("  type: pc-q35-"), "values are printed");
    }

    private void walk(String path, Set<String> objects, int[] properties) {
        objects.add(path);
        for (JsonNode p : qmp.execute("qom-list", Map.of("path", path))) {
            if (p.path("type").asText().startsWith("child<")) {
                walk(path + "/" + p.path("name").asText(), objects, properties);
            } else {
                properties[0]++;
            }
        }
    }

    @Test
    void qmpTypesArgumentsFromTheSchema() {
        // cpu-index is an int in the schema: sent as a number, so QEMU accepts it.
        Result r = run("qmp", "human-monitor-command", "--command-line=info version", "--cpu-index=0");
        ok(r);
        assertTrue(r.out().contains(qmp.greeting().version().major() + "."), r::toString);
        Result status = run("qmp", "query-status");
        ok(status);
        assertTrue(status.out().contains("status: prelaunch"), status::toString);
        Result json = run("qmp", "--json", "query-status");
        assertEquals("prelaunch", JsonCodec.toNode(parse(json.out())).path("status").asText());
        Result bad = run("qmp", "human-monitor-command", "--command-line=info version", "--cpu-index=zero");
        assertEquals(2, bad.exit(), bad::toString);
        assertTrue(bad.err().contains("cpu-index needs an integer"), bad::toString);
        Result unknown = run("qmp", "query-status", "--bogus=1");
        assertEquals(2, unknown.exit(), unknown::toString);
        assertTrue(unknown.err().contains("has no argument 'bogus'"), unknown::toString);
        Result help = run("qmp", "qom-get", "--help");
        ok(help);
        assertTrue(help.out().contains("path: str"), help::toString);
    }

    @Test
    void qmpPassesFileDescriptorsWithPassFd() throws Exception {
        Path file = Files.createTempFile(dir, "fd-", ".img");
        Result added = run("qmp", "--pass-fd", file.toString(), "--json", "add-fd", "--fdset-id=9");
        ok(added);
        assertEquals(9, parse(added.out()).path("fdset-id").asInt(), added::toString);
        Result fdsets = run("qmp", "--json", "query-fdsets");
        assertTrue(fdsets.out().contains("\"fdset-id\": 9") || fdsets.out().contains("\"fdset-id\":9"), fdsets::toString);
        Result missing = run("qmp", "--pass-fd", dir.resolve("no-such-file").toString(), "add-fd");
        assertEquals(2, missing.exit(), missing::toString);
        assertTrue(missing.err().contains("cannot open"), missing::toString);
        Files.delete(file);
    }

    private static JsonNode parse(String s) {
        try {
            return JsonCodec.parse(s);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + s, e);
        }
    }

    @Test
    void errorsAreOneLineWithDocumentedExitCodes() throws Exception {
        Result badPath = run("qom-get", "/nope.type");
        assertEquals(1, badPath.exit(), badPath::toString);
        assertEquals("qom-get: no such object '/nope' (DeviceNotFound)", badPath.err().strip());
        Result badProp = run("qom-get", "/machine.typo");
        assertEquals(1, badProp.exit(), badProp::toString);
        assertEquals("qom-get: no such property 'typo' on /machine (GenericError)", badProp.err().strip());
        Result dead = ToolProcess.run(dir.resolve("dead.sock").toString(), "qom-get", "/machine.type");
        assertEquals(3, dead.exit(), dead::toString);
        assertEquals(1, dead.err().lines().count(), dead::toString);
        Result usage = run("qom-get", "no-dot-here");
        assertEquals(2, usage.exit(), usage::toString);
        assertTrue(usage.err().startsWith("qom-get: expected PATH.PROPERTY"), usage::toString);
        Result option = run("qom-list", "--frobnicate", "/machine");
        assertEquals(2, option.exit(), option::toString);
        Result noSocket = ToolProcess.run(Map.of(), null, "qom-list", "/machine");
        assertEquals(2, noSocket.exit(), noSocket::toString);
        assertTrue(noSocket.err().contains("QMP_SOCKET"), noSocket::toString);
        for (Result r : List.of(badPath, badProp, dead, usage, option, noSocket)) {
            assertFalse(r.err().contains("\tat "), "no stack trace: " + r);
        }
        // A stopped QEMU: a timeout error, never a hang.
        RealQemuContract.signal("STOP", qemu.pid());
        try {
            Result stopped = run("qom-get", "--timeout", "1", "/machine.type");
            assertEquals(4, stopped.exit(), stopped::toString);
        } finally {
            RealQemuContract.signal("CONT", qemu.pid());
        }
    }

    @Test
    void qmpEventsWaitsForTheFirstMatchingEvent() throws Exception {
        qmp.execute("cont");
        CompletableFuture<Result> waiter = CompletableFuture.supplyAsync(
                () -> run("qmp-events", "--event", "STOP", "--count", "1", "--wait", "60", "--json"));
        // The tool subscribes once connected; keep producing STOPs until it has seen one.
        while (!waiter.isDone()) {
            qmp.execute("stop");
            qmp.execute("cont");
            Thread.sleep(100);
        }
        Result r = waiter.get(10, TimeUnit.SECONDS);
        ok(r);
        JsonNode e = parse(r.out());
        assertEquals("STOP", e.path("event").asText());
        assertTrue(e.path("timestamp").path("seconds").asLong() > 0);
        Result none = run("qmp-events", "--event", "SHUTDOWN", "--count", "1", "--wait", "0.5");
        assertEquals(4, none.exit(), none::toString);
        Result list = run("qmp-events", "--list");
        ok(list);
        assertTrue(list.out().contains("\nSTOP\n") && list.out().contains("BLOCK_JOB_READY\n  type: "), list::toString);
    }

    @Test
    void shellRunsAScriptFromStdin() {
        String script = String.join("\n", "query-status",
                "qom-get path=/machine property=type",
                "human-monitor-command command-line=\"info version\" cpu-index=0",
                "transaction(",
                "block-dirty-bitmap-add node=nonexistent name=b0",
                ")",
                "{\"execute\": \"query-name\"}",
                "") ;
        Result r = ToolProcess.run(Map.of("QMP_SOCKET", sock), script, "qmp-shell");
        ok(r);
        List<String> lines = r.out().lines().collect(Collectors.toList());
        assertEquals(5, lines.size(), r::toString);
        assertEquals("prelaunch", parse(lines.get(0)).path("return").path("status").asText());
        assertTrue(parse(lines.get(1)).path("return").asText().contains("q35"));
        assertTrue(parse(lines.get(2)).path("return").asText().startsWith(qmp.greeting().version().major() + "."));
        assertEquals("GenericError", parse(lines.get(3)).path("error").path("class").asText(), "the transaction reached QEMU");
        assertTrue(parse(lines.get(4)).has("return"));
    }

    @Test
    void shellHmpModeVerbosePrettyAndTranscript() throws Exception {
        Result hmp = ToolProcess.run(Map.of("QMP_SOCKET", sock), "info version\ncpu 0\ncpu 7\ninfo status\n",
                "qmp-shell", "-H");
        ok(hmp);
        assertTrue(hmp.out().startsWith(qmp.greeting().version().major() + "."), hmp::toString);
        assertTrue(hmp.out().contains("VM status: paused (prelaunch)"), hmp::toString);
        assertTrue(hmp.err().contains("bad CPU index"), hmp::toString);

        Path log = dir.resolve("transcript.jsonl");
        Result r = ToolProcess.run(Map.of("QMP_SOCKET", sock), "query-name\nno-such-command\nqom-get path=/nope property=x\n"
                + "object-add qom-type=secret id=sec0 data=hunter2\n", "qmp-shell", "-v", "-p", "-l", log.toString());
        ok(r);
        assertTrue(r.out().startsWith("{\n    \"execute\": \"query-name\",\n    \"arguments\": {}\n}\n"),
                "-v echoes the command, -p indents: " + r);
        assertTrue(r.out().contains("{\n    \"return\": {}\n}"), r::toString);
        List<String> transcript = Files.readAllLines(log);
        assertEquals(3, transcript.size(), transcript.toString()); // the unknown command never left the shell
        assertTrue(transcript.get(2).contains("\"id\":\"sec0\"") && !transcript.get(2).contains("hunter2"),
                "secrets are redacted in transcripts: " + transcript.get(2));
        Result wire = ToolProcess.run(Map.of("QMP_SOCKET", sock), "object-add qom-type=secret id=sec1 data=hunter2\n",
                "qmp-shell", "--debug");
        ok(wire);
        assertTrue(wire.err().contains("object-add") && !wire.err().contains("hunter2"),
                "and in the DEBUG wire log: " + wire.err());
        assertEquals("query-name", parse(transcript.get(0)).path("execute").asText());
        assertTrue(parse(transcript.get(0)).has("return"));
        assertEquals("DeviceNotFound", parse(transcript.get(1)).path("error").path("class").asText());
        Files.delete(log);
    }

    @Test
    void shellScriptStopsAtTheFirstErrorWhenAsked() {
        Result keepGoing = ToolProcess.run(Map.of("QMP_SOCKET", sock), "no-such-command\nquery-status\n", "qmp-shell");
        ok(keepGoing);
        assertTrue(keepGoing.out().contains("prelaunch"), keepGoing::toString);
        assertTrue(keepGoing.err().contains("QEMU has no command 'no-such-command'"), keepGoing::toString);
        Result stop = ToolProcess.run(Map.of("QMP_SOCKET", sock), "no-such-command\nquery-status\n", "qmp-shell",
                "--exit-on-error");
        assertEquals(1, stop.exit(), stop::toString);
        assertFalse(stop.out().contains("prelaunch"), stop::toString);
        Result missing = ToolProcess.run(Map.of("QMP_SOCKET", sock), "qom-get path=/machine\n", "qmp-shell",
                "--exit-on-error");
        assertEquals(1, missing.exit(), missing::toString);
        assertTrue(missing.err().contains("qom-get needs argument 'property'"), missing::toString);
    }

    @Test
    void launchStartsAThrowawayQemu() {
        Result r = ToolProcess.run(Map.of(), "query-status\n", "qmp-shell", "--launch");
        ok(r);
        assertTrue(r.out().contains("prelaunch"), r::toString);
        Result get = ToolProcess.run(Map.of(), null, "qom-get", "--launch", "/machine.type");
        ok(get);
        assertTrue(get.out().contains("q35"), get::toString);
    }

    @Test
    void helpAndVersionAndCompletion() {
        for (String tool : Arrays.asList("qmp-shell", "qmp", "qmp-events", "qom-get", "qom-set", "qom-list", "qom-tree")) {
            Result h = ToolProcess.run(Map.of(), null, tool, "--help");
            ok(h);
            assertTrue(h.out().contains("usage: " + tool) && h.out().contains("Exit codes"), h::toString);
            Result v = ToolProcess.run(Map.of(), null, tool, "--version");
            ok(v);
            assertTrue(v.out().startsWith(tool + " (qmp4j) "), v::toString);
        }
        Result c = ToolProcess.run(Map.of(), null, "qmp4j", "completion", "bash");
        ok(c);
        assertTrue(c.out().contains("complete -F _qmp4j_qom_get qom-get"), c::toString);
    }
}
