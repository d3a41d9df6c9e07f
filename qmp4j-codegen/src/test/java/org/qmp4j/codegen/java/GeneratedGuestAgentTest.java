package org.qmp4j.codegen.java;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.qmp4j.codegen.qapi.QemuSchemas;

/**
 * The {@code Qga} generated from qemu-ga 7.2's schema, against the real agent inside the small test guest
 * (testenv/mkguest, booted by testenv/run-guest; its qemu-ga is this machine's 7.2). Destructive RPCs are
 * fine there: they act on the guest. By reflection, as in {@link GeneratedQemuTest}.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS) // the guest's boot on TCG is bounded by run-guest's own -t
class GeneratedGuestAgentTest {
    private static final Path RUN_GUEST = Path.of(System.getProperty("user.dir")).getParent().resolve("testenv/run-guest");
    @TempDir
    static Path dir;
    private static Path run;
    private static URLClassLoader loader;
    private static AutoCloseable client;
    private static Object qga;

    @BeforeAll
    static void start() throws Exception {
        String guest = System.getProperty("qmp4j.guestDir", "");
        if (guest.isBlank() || guest.startsWith("${")) {
            throw new AssertionError("QMP4J_GUEST_DIR is not set: run the tests with ./dev test, which builds the guest");
        }
        loader = Compiled.compile(JavaGenerator.sources(QemuSchemas.schema("7.2", "qga"), "org.example.qga",
                JavaGenerator.Facade.QGA), dir.resolve("classes")).loader();
        run = Files.createDirectories(dir.resolve("vm"));
        Process p = new ProcessBuilder(RUN_GUEST.toString(), "-g", guest, "-t", "300", run.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(400, TimeUnit.SECONDS) && p.exitValue() == 0, "the guest did not boot: " + out);
        Map<String, String> vars = new HashMap<>();
        out.lines().filter(l -> l.contains("=")).forEach(l -> vars.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
        Class<?> agent = Class.forName("org.qmp4j.qga.GuestAgentClient");
        client = (AutoCloseable) agent.getMethod("connect", String.class).invoke(null, vars.get("QGA_SOCKET"));
        qga = loader.loadClass("org.example.qga.Qga").getConstructor(agent).newInstance(client);
    }

    @AfterAll
    static void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (run != null) {
            new ProcessBuilder(RUN_GUEST.toString(), "--stop", run.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(60, TimeUnit.SECONDS);
        }
        if (loader != null) {
            loader.close();
        }
    }

    private static Object build(String record, Object... namesAndValues) throws Exception {
        Object b = loader.loadClass("org.example.qga." + record).getMethod("builder").invoke(null);
        for (int i = 0; i < namesAndValues.length; i += 2) {
            b = Reflect.call(b, (String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return Reflect.call(b, "build");
    }

    @Test
    void guestGetOsinfoDecodesARecord() throws Exception {
        Object info = Reflect.call(qga, "guestGetOsinfo");
        assertEquals("GuestOSInfo", info.getClass().getSimpleName());
        assertEquals("x86_64", Reflect.call(info, "machine"), info.toString());
        assertTrue(String.valueOf(Reflect.call(info, "kernelRelease")).matches("\\d+\\..*"), info.toString());
    }

    @Test
    void guestExecAndItsStatusRunACommandInTheGuest() throws Exception {
        Object started = Reflect.call(qga, "guestExec", build("GuestExecArgs", "path", "/bin/busybox",
                "arg", List.of("echo", "typed"), "captureOutput", true));
        Object pid = Reflect.call(started, "pid");
        Object status = null;
        for (int i = 0; i < 100; i++) {
            status = Reflect.call(qga, "guestExecStatus", build("GuestExecStatusArgs", "pid", pid));
            if (Boolean.TRUE.equals(Reflect.call(status, "exited"))) {
                break;
            }
            Thread.sleep(100);
        }
        assertEquals(0L, Reflect.call(status, "exitcode"), String.valueOf(status));
        String output = new String(Base64.getDecoder().decode((String) Reflect.call(status, "outData")), StandardCharsets.UTF_8);
        assertEquals("typed\n", output);
    }

    @Test
    void guestFileOpenReadCloseReadAFile() throws Exception {
        Object handle = Reflect.call(qga, "guestFileOpen", build("GuestFileOpenArgs", "path", "/etc/hostname", "mode", "r"));
        try {
            Object read = Reflect.call(qga, "guestFileRead", build("GuestFileReadArgs", "handle", handle));
            String text = new String(Base64.getDecoder().decode((String) Reflect.call(read, "bufB64")), StandardCharsets.UTF_8);
            assertEquals("qga-guest", text.strip());
        } finally {
            Reflect.call(qga, "guestFileClose", build("GuestFileCloseArgs", "handle", handle));
        }
    }
}
