package org.qmp4j.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.qmp4j.QmpCommandException;
import org.qmp4j.qga.GuestAgentClient;
import org.qmp4j.qga.GuestAgentUnsupportedException;

/**
 * GuestAgentClient against a real qemu-ga running on this machine in unix-listen mode. Every RPC that
 * could change this machine is blocked with -b; only read-only RPCs are exercised here. Anything
 * destructive is tested inside the guest VM.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS) // a broken deadline fails the test instead of hanging the fork
class HostGuestAgentTest {
    /** Never run qemu-ga here without blocking these: they change the host. */
    static final List<String> HOST_CHANGING_RPCS = List.of(
            "guest-shutdown", "guest-suspend-disk", "guest-suspend-ram", "guest-suspend-hybrid",
            "guest-fsfreeze-freeze", "guest-fsfreeze-freeze-list", "guest-fsfreeze-thaw", "guest-fstrim",
            "guest-set-time", "guest-set-vcpus", "guest-set-memory-blocks", "guest-set-user-password",
            "guest-exec", "guest-file-write", "guest-ssh-get-authorized-keys", "guest-ssh-add-authorized-keys",
            "guest-ssh-remove-authorized-keys");

    private Process agent;
    private Path dir;
    private String sock;

    @BeforeEach
    void startAgent() throws Exception {
        dir = Files.createTempDirectory("qmp4j-qga-");
        sock = dir.resolve("qga.sock").toString();
        List<String> cmd = new ArrayList<>(List.of("qemu-ga", "-m", "unix-listen", "-p", sock,
                "-f", dir.resolve("qga.pid").toString(), "-t", dir.toString(),
                "-b", String.join(",", HOST_CHANGING_RPCS)));
        agent = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("qga.log").toFile()).start();
        for (int i = 0; i < 200 && !Files.exists(Path.of(sock)); i++) {
            Thread.sleep(10);
        }
        assertTrue(Files.exists(Path.of(sock)), () -> "qemu-ga did not create its socket: " + log());
    }

    @AfterEach
    void stopAgent() throws Exception {
        agent.destroy();
        agent.waitFor(10, TimeUnit.SECONDS);
        try (var files = Files.list(dir)) {
            files.forEach(p -> p.toFile().delete());
        }
        Files.deleteIfExists(dir);
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("qga.log"));
        } catch (Exception e) {
            return "";
        }
    }

    @Test
    void pingInfoAndOsinfo() {
        try (GuestAgentClient ga = GuestAgentClient.connect(sock)) {
            ga.ping();
            JsonNode info = ga.info();
            assertTrue(info.path("version").asText().startsWith("7."), info.toString());
            boolean execDisabled = false;
            for (JsonNode c : info.path("supported_commands")) {
                if (c.path("name").asText().equals("guest-exec")) {
                    execDisabled = !c.path("enabled").asBoolean();
                }
            }
            assertTrue(execDisabled, "the block list reached the agent");
            JsonNode os = ga.execute("guest-get-osinfo");
            assertEquals("x86_64", os.path("machine").asText(), os.toString());
            assertEquals("debian", os.path("id").asText(), os.toString());
            assertEquals("thawed", ga.execute("guest-fsfreeze-status").asText());
        }
    }

    @Test
    void blockedCommandsSurfaceAsUnsupported() {
        try (GuestAgentClient ga = GuestAgentClient.connect(sock)) {
            GuestAgentUnsupportedException e = assertThrows(GuestAgentUnsupportedException.class,
                    () -> ga.execute("guest-exec", Map.of("path", "/bin/true")));
            assertTrue(e.description().contains("disabled"), e.description());
            assertThrows(GuestAgentUnsupportedException.class, () -> ga.execute("guest-no-such-command"));
            ga.ping(); // still in sync afterwards
        }
    }

    @Test
    void readsAFileThroughTheAgent() throws Exception {
        Path file = dir.resolve("hello.txt");
        Files.writeString(file, "hello from the host\n");
        try (GuestAgentClient ga = GuestAgentClient.connect(sock)) {
            long handle = ga.execute("guest-file-open", Map.of("path", file.toString(), "mode", "r")).asLong();
            JsonNode read = ga.execute("guest-file-read", Map.of("handle", handle, "count", 4096));
            ga.execute("guest-file-close", Map.of("handle", handle));
            assertEquals("hello from the host\n", new String(Base64.getDecoder().decode(read.path("buf-b64").asText())));
            QmpCommandException e = assertThrows(QmpCommandException.class,
                    () -> ga.execute("guest-file-open", Map.of("path", dir.resolve("missing").toString(), "mode", "r")));
            assertTrue(e.description().contains("No such file"), e.description());
        }
    }

    @Test
    void aSecondClientAfterTheFirstResyncs() {
        for (int i = 0; i < 3; i++) {
            try (GuestAgentClient ga = GuestAgentClient.connect(sock)) {
                ga.ping();
                assertTrue(ga.execute("guest-get-host-name").path("host-name").asText().length() > 0);
            }
        }
    }

    @Test
    void theToolOnTheHostAgent() throws Exception {
        Map<String, String> env = Map.of("QGA_CLIENT_ADDRESS", sock);
        ToolProcess.Result ping = ToolProcess.run(env, null, "qemu-ga-client", "ping");
        assertEquals(0, ping.exit(), ping::toString);
        ToolProcess.Result ifconfig = ToolProcess.run(env, null, "qemu-ga-client", "ifconfig");
        assertEquals(0, ifconfig.exit(), ifconfig::toString);
        assertTrue(ifconfig.out().startsWith("lo:\n\tinet 127.0.0.1  netmask 255.0.0.0"), ifconfig::toString);
        Path file = dir.resolve("cat.txt");
        Files.write(file, new byte[] {'a', 0, (byte) 0xFF, '\n'});
        ToolProcess.Result cat = ToolProcess.run(env, null, "qemu-ga-client", "cat", file.toString());
        assertEquals(0, cat.exit(), cat::toString);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new byte[] {'a', 0, (byte) 0xFF, '\n'}, cat.outBytes(),
                "cat is binary-safe and adds nothing");
        ToolProcess.Result exec = ToolProcess.run(env, null, "qemu-ga-client", "exec", "--", "/bin/true");
        assertEquals(1, exec.exit(), exec::toString);
        assertTrue(exec.err().contains("has been disabled"), "the blocked exec is reported: " + exec);
        ToolProcess.Result status = ToolProcess.run(env, null, "qemu-ga-client", "fsfreeze", "status");
        assertEquals("thawed\n", status.out());
        ToolProcess.Result noAddress = ToolProcess.run(Map.of(), null, "qemu-ga-client", "ping");
        assertEquals(2, noAddress.exit(), noAddress::toString);
    }

    @Test
    void qmpShellWithoutNegotiationTalksToTheAgent() {
        // qmp-shell -N: no greeting, no qmp_capabilities; completion names come from guest-info.
        ToolProcess.Result r = ToolProcess.run(Map.of(), "guest-ping\nguest-get-osinfo\nguest-exec path=/bin/true\n",
                "qmp-shell", "-N", sock);
        assertEquals(0, r.exit(), r::toString);
        List<String> lines = r.out().lines().toList();
        assertEquals("{\"return\":{}}", lines.get(0), r::toString);
        assertTrue(lines.get(1).contains("\"id\":\"debian\""), r::toString);
        assertTrue(lines.get(2).contains("\"error\"") && lines.get(2).contains("disabled"), r::toString);
    }

    @Test
    void aDeadSocketIsAConnectionError() {
        assertInstanceOf(org.qmp4j.QmpConnectionException.class, assertThrows(RuntimeException.class,
                () -> GuestAgentClient.connect(dir.resolve("none.sock").toString())));
    }
}
