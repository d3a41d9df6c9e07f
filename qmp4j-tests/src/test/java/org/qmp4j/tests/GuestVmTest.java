package org.qmp4j.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.qmp4j.QmpCommandException;
import org.qmp4j.QmpConnectionException;
import org.qmp4j.QmpException;
import org.qmp4j.QmpTimeoutException;
import org.qmp4j.qga.GuestAgentClient;
import org.qmp4j.tests.ToolProcess.Result;

/**
 * qemu-ga-client (and so GuestAgentClient) against the real qemu-ga inside a real guest booted under
 * QEMU by testenv/run-guest (KVM when this machine's QEMU can use it, else TCG). The destructive commands
 * run here, in the guest, never on this machine. The order matters: reboot, then shutdown, come last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 600, unit = TimeUnit.SECONDS) // the guest's boot (TCG: slow) is in @BeforeAll, bounded by run-guest's own -t
class GuestVmTest {
    /** The repository's script that boots the guest testenv/mkguest built, and stops it. */
    private static TestGuest guest;
    private static Path run;
    private static String qga;
    private static long qemuPid;

    @BeforeAll
    static void boot() throws Exception {
        guest = TestGuest.boot();
        run = guest.run;
        qga = guest.qga;
        qemuPid = guest.qemuPid;
    }

    @AfterAll
    static void stop() throws Exception {
        if (guest != null) {
            guest.close();
        }
    }

    private static Result ga(String... args) {
        return ToolProcess.run(Map.of("QGA_CLIENT_ADDRESS", qga), null, "qemu-ga-client", args);
    }

    private static void ok(Result r) {
        assertEquals(0, r.exit(), r::toString);
    }

    @Test
    @Order(1)
    void pingInfoCatAndIfconfig() {
        ok(ga("ping"));
        Result info = ga("info");
        ok(info);
        assertTrue(info.out().startsWith("version: 7.2"), info::toString);
        assertTrue(info.out().contains("\tenabled: ") && info.out().contains("guest-exec"), info::toString);
        Result cat = ga("cat", "/etc/hostname");
        ok(cat);
        assertEquals("qga-guest\n", cat.out());
        Result ifconfig = ga("ifconfig");
        ok(ifconfig);
        assertTrue(ifconfig.out().contains("eth0:\n\tinet 10.0.2.15  netmask 255.255.255.0"), ifconfig::toString);
        assertTrue(ifconfig.out().contains("\tether 52:54:00:12:34:56"), ifconfig::toString);
    }

    @Test
    @Order(2)
    void fsfreezeFreezeStatusThaw() {
        assertEquals("thawed\n", ga("fsfreeze", "status").out());
        Result freeze = ga("fsfreeze", "freeze");
        ok(freeze);
        assertEquals("1 filesystems frozen\n", freeze.out());
        assertEquals("frozen\n", ga("fsfreeze", "status").out());
        Result thaw = ga("fsfreeze", "thaw");
        ok(thaw);
        assertEquals("1 filesystems thawed\n", thaw.out());
        assertEquals("thawed\n", ga("fsfreeze", "status").out());
    }

    @Test
    @Order(2)
    void aClientThatLeftHalfARequestBehindDoesNotConfuseTheNext() throws Exception {
        // Half a request, then gone: the guest's agent keeps the half in its parser. Only the 0xFF that
        // GuestAgentClient sends before its sync clears it; without it the sync would be parsed as the
        // rest of this object and never answered.
        try (var raw = java.nio.channels.SocketChannel.open(java.net.UnixDomainSocketAddress.of(qga))) {
            raw.write(java.nio.ByteBuffer.wrap("{\"execute\": \"guest-get-host-name\", \"arguments\": {\"x\": ["
                    .getBytes(StandardCharsets.UTF_8)));
        }
        try (GuestAgentClient ga = GuestAgentClient.builder().address(qga).connectTimeout(Duration.ofSeconds(20))
                .commandTimeout(Duration.ofSeconds(10)).connect()) {
            ga.ping();
            assertEquals("qga-guest", ga.hostname());
        }
    }

    @Test
    @Order(3)
    void execPrintsOutputAndExitsWithTheGuestsCode() {
        Result r = ga("exec", "--", "/bin/sh", "-c", "echo out; echo err >&2; exit 3");
        assertEquals(3, r.exit(), r::toString);
        assertEquals("out\n", r.out());
        assertEquals("err\n", r.err());
        Result uname = ga("exec", "--", "uname", "-n");
        ok(uname);
        assertEquals("qga-guest\n", uname.out());
    }

    @Test
    @Order(4)
    void putAndGetAMultiMegabyteFile() throws Exception {
        byte[] data = new byte[5 * 1024 * 1024 + 123];
        new Random(42).nextBytes(data);
        Path local = run.resolve("up.bin");
        Path back = run.resolve("down.bin");
        Files.write(local, data);
        ok(ga("--timeout", "30", "put", local.toString(), "/mnt/data/up.bin"));
        Result sum = ga("exec", "--", "md5sum", "/mnt/data/up.bin");
        ok(sum);
        String md5 = toHex(MessageDigest.getInstance("MD5").digest(data));
        assertTrue(sum.out().startsWith(md5), sum.out() + " vs " + md5);
        ok(ga("--timeout", "30", "get", "/mnt/data/up.bin", back.toString()));
        assertArrayEquals(data, Files.readAllBytes(back));
    }

    private static String toHex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            sb.append(String.format("%02x", x));
        }
        return sb.toString();
    }

    @Test
    @Order(5)
    void theAgentKilledMidCatFailsThatCallAndTheClientRecoversWhenItIsBack() throws Exception {
        try (GuestAgentClient ga = GuestAgentClient.builder().address(qga).commandTimeout(Duration.ofSeconds(5))
                .waitForAgent(Duration.ofSeconds(60)).connect()) {
            assertEquals(0, ga.exec(List.of("/bin/busybox", "dd", "if=/dev/zero", "of=/tmp/big", "bs=1M", "count=16"),
                    Duration.ofSeconds(60)).exitCode());
            // The agent kills itself a second from now, while the read below is under way; inittab respawns it.
            ga.execute("guest-exec", Map.of("path", "/bin/sh", "arg", List.of("-c", "sleep 1; killall -9 qemu-ga")));
            long t0 = System.nanoTime();
            QmpException lost = assertThrows(QmpException.class,
                    () -> ga.files().read("/tmp/big", OutputStream.nullOutputStream(), n -> { }));
            long failedAfter = (System.nanoTime() - t0) / 1_000_000;
            // Killed during a chunk: that call times out. Killed between chunks: the next chunk's request waits
            // in the channel for the respawned agent, which does not know the old file handle.
            assertTrue(lost instanceof QmpTimeoutException || lost instanceof QmpConnectionException
                    || lost instanceof QmpCommandException c && c.description().contains("has not been found"),
                    lost.toString());
            // Back: the next call resynchronises (0xFF + guest-sync-delimited), whatever the old agent left behind.
            long t1 = System.nanoTime();
            QmpException last = null;
            for (int i = 0; i < 30; i++) {
                try {
                    ga.sync();
                    last = null;
                    break;
                } catch (QmpTimeoutException notYet) {
                    last = notYet;
                }
            }
            assertEquals(null, last, "the respawned agent never answered");
            long backAfter = (System.nanoTime() - t1) / 1_000_000;
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            assertEquals(16L << 20, ga.files().read("/tmp/big", all, n -> { }));
            System.out.println("RELIABILITY | guest VM | qemu-ga killed (-9) inside the guest 1 s into a 16 MiB cat | "
                    + lost.getClass().getSimpleName() + " after " + failedAfter + " ms (5 s command timeout); "
                    + "the respawned agent answered a resync after " + backAfter + " ms; the same client then read all 16 MiB");
        }
    }

    @Test
    @Order(6)
    void rebootThenWaitReconnects() {
        String bootId = ga("cat", "/proc/sys/kernel/random/boot_id").out();
        ok(ga("reboot"));
        Result back = ga("--wait", "240", "cat", "/proc/sys/kernel/random/boot_id");
        ok(back);
        assertTrue(!back.out().equals(bootId), "a new boot: " + bootId + " -> " + back.out());
    }

    @Test
    @Order(7)
    void shutdownEndsQemu() throws Exception {
        ok(ga("shutdown"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline && running(qemuPid)) {
            Thread.sleep(200);
        }
        assertTrue(!running(qemuPid), "QEMU did not exit after guest-shutdown");
    }

    /** Alive and not a zombie (a daemonized QEMU lingers as one for a while). */
    private static boolean running(long pid) throws Exception {
        Path stat = Path.of("/proc/" + pid + "/stat");
        if (!Files.exists(stat)) {
            return false;
        }
        String s = Files.readString(stat);
        return !s.substring(s.lastIndexOf(')') + 2).startsWith("Z");
    }
}
