package org.qmp4j.ops;

import java.time.Duration;
import org.qmp4j.EventSubscription;
import org.qmp4j.QmpClient;
import org.qmp4j.QmpConnectionException;
import org.qmp4j.QmpEvent;
import org.qmp4j.QmpTimeoutException;
import org.qmp4j.internal.session.Checks;

/**
 * A guest's power-down followed to its end. {@code system_powerdown} only presses the ACPI power
 * button; the guest decides, and {@code SHUTDOWN} says it did. A paused guest, or one without ACPI
 * support, ignores the button.
 */
public final class PowerDown {
    /** How a power-down ended. */
    public enum Outcome {
        /** The guest shut down ({@code SHUTDOWN}). */
        SHUT_DOWN,
        /** The guest did not within the grace period, so QEMU was told to {@code quit}. */
        QUIT
    }

    private PowerDown() {
    }

    /**
     * Sends {@code system_powerdown} and waits for {@code SHUTDOWN}.
     *
     * @param qmp the connection
     * @param timeout how long the guest has to shut down
     * @return the {@code SHUTDOWN} event (its data says why: {@code guest-shutdown}, ...)
     * @throws QmpTimeoutException when the guest does not shut down in time
     */
    public static QmpEvent systemPowerdown(QmpClient qmp, Duration timeout) {
        Checks.positive(timeout, "timeout");
        try (EventSubscription shutdown = qmp.subscribe("SHUTDOWN")) {
            qmp.execute("system_powerdown");
            QmpEvent e = shutdown.poll(timeout);
            if (e == null) {
                throw new QmpTimeoutException(QmpTimeoutException.Phase.OPERATION, timeout, qmp.name()
                        + ": system_powerdown: the guest did not shut down (no SHUTDOWN; paused, or no ACPI?)");
            }
            return e;
        }
    }

    /**
     * As VM managers do: ask the guest to power down, and if it has not after {@code grace}, end QEMU
     * with {@code quit}.
     *
     * @param qmp the connection
     * @param grace how long the guest has
     * @return how it ended
     */
    public static Outcome systemPowerdownOrQuit(QmpClient qmp, Duration grace) {
        try {
            systemPowerdown(qmp, grace);
            return Outcome.SHUT_DOWN;
        } catch (QmpTimeoutException ignoredTheButton) {
            try {
                qmp.execute("quit");
            } catch (QmpConnectionException gone) {
                // QEMU may close the socket before its reply to quit: it is quitting either way
            }
            return Outcome.QUIT;
        }
    }
}
