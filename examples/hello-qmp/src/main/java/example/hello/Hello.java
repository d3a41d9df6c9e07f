package example.hello;

import java.time.Duration;
import org.qmp4j.EventSubscription;
import org.qmp4j.QmpClient;
import org.qmp4j.QmpRequest;
import org.qmp4j.launch.QemuProcess;

/** Starts a throwaway QEMU, asks it a few things, lets it run, stops it again and waits for the event. */
public final class Hello {
    private Hello() {
    }

    /**
     * @param qmp a connected client
     * @return e.g. {@code prelaunch (running: false)}
     */
    public static String status(QmpClient qmp) {
        var s = qmp.execute(QmpRequest.of("query-status").timeout(Duration.ofSeconds(10)));
        return s.path("status").asText() + " (running: " + s.path("running").asBoolean() + ")";
    }

    /**
     * @param args none
     */
    public static void main(String[] args) {
        try (QemuProcess qemu = QemuProcess.start()) {
            QmpClient qmp = qemu.client();
            System.out.println("QEMU " + qmp.greeting().version().major() + "." + qmp.greeting().version().minor()
                    + ", status " + status(qmp));
            try (EventSubscription stop = qmp.subscribe(e -> e.name().equals("STOP"))) {
                qmp.execute("cont");
                qmp.execute("stop");
                System.out.println("event " + stop.next(Duration.ofSeconds(30)).name() + ", status " + status(qmp));
            }
        }
    }
}
