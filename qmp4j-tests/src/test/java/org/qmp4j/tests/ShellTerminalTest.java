package org.qmp4j.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.qmp4j.launch.QemuProcess;

/**
 * qmp-shell on a real pseudo-terminal: tmux runs it, the test types keys and reads the screen.
 * Completion from the schema, live events above a half-typed line, persistent history, Ctrl-R;
 * and qmp --wait's progress bar on the terminal.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS) // a broken deadline fails the test instead of hanging the fork
class ShellTerminalTest {
    private QemuProcess qemu;
    private Path dir;
    private Path home;
    private String sock;
    private final String tmuxServer = "qmp4j-test-" + ProcessHandle.current().pid();

    @BeforeEach
    void start() throws Exception {
        dir = Files.createTempDirectory("qmp4j-pty-");
        home = Files.createDirectory(dir.resolve("home"));
        sock = dir.resolve("shell.sock").toString();
        qemu = QemuProcess.builder().addArgs("-qmp", "unix:" + sock + ",server=on,wait=off").start();
    }

    @AfterEach
    void stop() throws Exception {
        tmux("kill-server");
        qemu.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private void openShell() throws Exception {
        String cmd = "env HOME=" + home + " QMP_SOCKET=" + sock + " " + ToolProcess.ROOT.resolve("bin/qmp-shell");
        tmux("new-session", "-d", "-s", "shell", "-x", "160", "-y", "50", cmd);
        await(s -> s.contains("(QEMU)"), "the prompt"); // capture-pane trims trailing spaces
    }

    @Test
    void completesFromTheSchemaShowsEventsLiveAndKeepsHistory() throws Exception {
        openShell();
        keys("qom-ge", "Tab");
        await(s -> lastLine(s).equals("(QEMU) qom-get"), "command completion");
        keys("pa", "Tab"); // the completed command already ends with a space
        await(s -> lastLine(s).equals("(QEMU) qom-get path="), "argument completion");
        keys("/machine property=type", "Enter");
        await(s -> s.contains("{\"return\":\"pc-q35-"), "the reply");

        keys("query-stat");
        qemu.client().execute("cont"); // an event while a line is half typed
        await(s -> s.contains("\"event\":\"RESUME\"") && lastLine(s).equals("(QEMU) query-stat"),
                "the event printed above the prompt, the typed text kept");
        keys("us", "Enter");
        await(s -> s.contains("\"status\":\"running\""), "the completed line ran");

        keys("C-d");
        awaitExit();
        List<String> history = Files.readAllLines(home.resolve(".qmp-shell_history"), StandardCharsets.UTF_8);
        assertTrue(history.stream().anyMatch(l -> l.endsWith("qom-get path=/machine property=type")), history.toString());

        // A new shell finds the line with Ctrl-R.
        tmux("kill-server");
        openShell();
        keys("C-r", "property=t");
        await(s -> s.contains("qom-get path=/machine property=type"), "reverse search");
        keys("Enter");
        await(s -> s.split("\\{\"return\":\"pc-q35-", -1).length == 2, "the found line ran");
    }

    @Test
    void ctrlCDropsTheLineAndEnumValuesComplete() throws Exception {
        openShell();
        keys("query-version garbage", "C-c");
        await(s -> lastLine(s).equals("(QEMU)"), "an empty prompt after Ctrl-C");
        Thread.sleep(300); // let the new prompt take the terminal before typing on
        keys("set-action shutdown=po", "Tab");
        await(s -> lastLine(s).startsWith("(QEMU) set-action shutdown=poweroff"), "enum value completion");
        keys("C-u", "help qom-set", "Enter");
        await(s -> s.contains("  value: any"), "help for a command");
        keys("quit", "Enter");
        awaitExit();
        assertTrue(qemu.process().waitFor(30, TimeUnit.SECONDS), "quit reached QEMU");
    }

    @Test
    void qmpWaitDrawsAProgressBarAndWipesItAtTheEnd() throws Exception {
        for (String node : new String[] {"src", "tgt"}) {
            qemu.client().execute("blockdev-add", Map.of("driver", "null-co", "node-name", node, "size", 64 << 20));
        }
        // 64 MiB at 20 MiB/s: a few seconds of bar. The sleep keeps the pane open to read the end.
        String cmd = "env HOME=" + home + " QMP_SOCKET=" + sock + " sh -c '" + ToolProcess.ROOT.resolve("bin/qmp")
                + " --wait 60 blockdev-backup --job-id=bar0 --device=src --target=tgt --sync=full --speed=20971520;"
                + " echo exit=$?; sleep 600'";
        tmux("new-session", "-d", "-s", "shell", "-x", "160", "-y", "50", cmd);
        // e.g. "bar0  31% |███████▋      | 20/64 MiB (0:00:01 / 0:00:02) 20.0 MiB/s running"
        await(s -> s.lines().map(String::stripTrailing).anyMatch(l -> l.matches("bar0 +\\d+% .* \\d+/64 MiB .* running")),
                "a progress bar with the job id, percent, MiB and the state");
        await(s -> s.contains("exit=0"), "the end");
        List<String> end = screen().lines().map(String::stripTrailing).filter(l -> !l.isEmpty()).toList();
        assertEquals(List.of("concluded", "exit=0"), end, "the bar is wiped, the outcome word alone on its line");
    }

    private static String lastLine(String screen) {
        List<String> lines = screen.lines().map(String::stripTrailing).filter(l -> !l.isEmpty()).toList();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }

    private void keys(String... keys) throws Exception {
        List<String> args = new ArrayList<>(List.of("send-keys", "-t", "shell"));
        args.addAll(List.of(keys));
        tmux(args.toArray(new String[0]));
    }

    private String screen() throws Exception {
        return tmux("capture-pane", "-p", "-t", "shell");
    }

    private void await(Predicate<String> condition, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String s = "";
        while (System.nanoTime() < deadline) {
            s = screen();
            if (condition.test(s)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no " + what + " on the screen:\n" + s);
    }

    private void awaitExit() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!tmux("list-sessions").contains("shell:")) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the shell did not exit:\n" + screen());
    }

    private String tmux(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-L", tmuxServer));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        if (p.exitValue() != 0 && !args[0].equals("kill-server") && !args[0].equals("list-sessions")) {
            assertEquals(0, p.exitValue(), "tmux " + String.join(" ", args) + ": " + out);
        }
        return out;
    }
}
