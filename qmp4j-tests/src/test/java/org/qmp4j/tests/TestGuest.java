package org.qmp4j.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One boot of the small real guest (testenv/mkguest) by testenv/run-guest: its agent's and QMP's sockets
 * and QEMU's pid. {@link #close()} stops it and removes its run directory.
 */
final class TestGuest implements AutoCloseable {
    private static final Path RUN_GUEST = ToolProcess.ROOT.resolve("testenv/run-guest");

    final Path run;
    final String qga;
    final String qmp;
    final long qemuPid;

    private TestGuest(Path run, Map<String, String> vars) {
        this.run = run;
        this.qga = vars.get("QGA_SOCKET");
        this.qmp = vars.get("QMP_SOCKET");
        this.qemuPid = Long.parseLong(vars.get("QEMU_PID"));
    }

    /** Boots the guest and waits until its agent answers. */
    static TestGuest boot() throws Exception {
        return start("-t", "300");
    }

    /** Boots the guest and returns at once, its agent not up yet. */
    static TestGuest bootWithoutWaiting() throws Exception {
        return start("--no-wait");
    }

    /** @return a migration destination for this guest: the same machine on its disk, with -incoming defer */
    TestGuest destination() throws Exception {
        return start("--incoming", run.toString());
    }

    private static TestGuest start(String... args) throws Exception {
        String guest = System.getProperty("qmp4j.guestDir", "");
        if (guest.isBlank() || guest.startsWith("${")) {
            throw new AssertionError("QMP4J_GUEST_DIR is not set: run the tests with ./dev test, which builds the guest");
        }
        Path run = Files.createTempDirectory("qmp4j-vm-");
        List<String> cmd = new ArrayList<>(List.of(RUN_GUEST.toString(), "-g", guest));
        cmd.addAll(List.of(args));
        cmd.add(run.toString());
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(400, TimeUnit.SECONDS), "testenv/run-guest did not finish");
        assertEquals(0, p.exitValue(), () -> "the guest did not start: " + out);
        Map<String, String> vars = new HashMap<>();
        out.lines().filter(l -> l.contains("=")).forEach(l -> vars.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
        return new TestGuest(run, vars);
    }

    /** @return true while the guest's QEMU runs */
    boolean running() {
        return ProcessHandle.of(qemuPid).map(ProcessHandle::isAlive).orElse(false);
    }

    @Override
    public void close() throws Exception {
        new ProcessBuilder(RUN_GUEST.toString(), "--stop", run.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start()
                .waitFor(60, TimeUnit.SECONDS);
        try (var files = Files.walk(run)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
