package org.qmp4j.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.qmp4j.tests.ToolProcess.Result;

/** {@code qmp --wait system_powerdown} on the real guest: its busybox acpid answers the ACPI power button. */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class GuestPowerDownTest {
    @Test
    void thePowerButtonShutsTheRealGuestDownAndQmpWaitSeesShutdown() throws Exception {
        try (TestGuest guest = TestGuest.boot()) {
            long t0 = System.nanoTime();
            Result r = ToolProcess.run(Map.of("QMP_SOCKET", guest.qmp), null, "qmp", "--wait", "120", "system_powerdown");
            assertEquals(0, r.exit(), r::toString);
            assertEquals("shutdown\n", r.out());
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (guest.running() && System.nanoTime() < until) {
                Thread.sleep(100);
            }
            assertFalse(guest.running(), "QEMU exits once the guest has powered off");
            System.out.println("OPERATIONS | guest | qmp --wait system_powerdown | "
                    + (System.nanoTime() - t0) / 1_000_000 + " ms to SHUTDOWN and exit");
        }
    }
}
