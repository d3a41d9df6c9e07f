package org.qmp4j.ops;

import java.time.Duration;
import java.util.Map;
import org.qmp4j.EventSubscription;
import org.qmp4j.QmpClient;
import org.qmp4j.QmpCommandException;
import org.qmp4j.QmpTimeoutException;
import org.qmp4j.internal.session.Checks;

/**
 * Hot-unplug followed to its end. {@code device_del} only asks: most devices leave when the guest lets
 * go of them (PCI needs the guest's cooperation; USB does not), and {@code DEVICE_DELETED} says when.
 */
public final class Unplug {
    private Unplug() {
    }

    /**
     * Sends {@code device_del} and waits for {@code DEVICE_DELETED} for that device.
     *
     * @param qmp the connection
     * @param id the device's id (or its QOM path)
     * @param timeout how long the guest has to let go
     * @throws QmpCommandException when QEMU refuses ({@code DeviceNotFound}, a device that cannot be unplugged)
     * @throws QmpTimeoutException when the deadline passes: the guest did not release the device (it may
     *     still do so later; the request stays pending in QEMU)
     */
    public static void deviceDel(QmpClient qmp, String id, Duration timeout) {
        Checks.positive(timeout, "timeout");
        // Subscribed before device_del: a USB device is gone before the reply arrives.
        try (EventSubscription deleted = qmp.subscribe(e -> e.name().equals("DEVICE_DELETED")
                && (id.equals(e.data().path("device").asText(null)) || id.equals(e.data().path("path").asText(null))))) {
            qmp.execute("device_del", Map.of("id", id));
            if (deleted.poll(timeout) == null) {
                throw new QmpTimeoutException(QmpTimeoutException.Phase.OPERATION, timeout, qmp.name() + ": device_del "
                        + id + ": the guest did not release the device (no DEVICE_DELETED)");
            }
        }
    }
}
